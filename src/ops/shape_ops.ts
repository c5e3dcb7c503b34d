import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { arange } from "../tensor/ranges.ts";
import { normDim, normDims } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { record } from "../autograd/record.ts";
import { fresh } from "./util.ts";
import * as E from "./elementwise.ts";
import { indexSelect, maskedFill } from "./indexing.ts";
import { scalarTypeName } from "./promotion.ts";
import { cat } from "./join.ts";
import { clone, expand, flatten, narrow, reshape, select, unsqueeze } from "./views.ts";

/**
 * Shape ops written as compositions of views, cat and indexSelect (tinygrad style): each inherits its
 * gradient from the pieces, so none needs a backward of its own.
 */

/** torch.split: pieces of `splitSize` (the last one shorter), or of the listed sizes; views of x. */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  Tensor.check(x, "input");
  if (Array.isArray(splitSizeOrSections)) return splitWithSizes(x, splitSizeOrSections, dim);
  checkArg("split()", splitSizeOrSections, "int", 2, "split_size");
  if (x.ndim === 0) throw new ShapeError("split expects at least a 1-dimensional tensor");
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  const step = splitSizeOrSections as number;
  if (step < 0) throw new ArgumentError(`split expects split_size be non-negative, but got split_size=${step}`);
  if (step === 0 && size !== 0) {
    throw new ArgumentError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
  }
  const n = step === 0 ? 1 : Math.max(1, Math.ceil(size / step));
  const out: Tensor[] = [];
  for (let i = 0; i < n; i++) out.push(narrow(x, d, i * step, Math.min(step, size - i * step)));
  return out;
}

function splitWithSizes(x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  checkArg("split()", sizes, "int[]", 2, "split_size");
  if (x.ndim === 0) throw new ShapeError("split_with_sizes expects at least a 1-dimensional tensor");
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  const total = sizes.reduce((a, b) => a + b, 0);
  for (const s of sizes) {
    if (s < 0) throw new ArgumentError(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=[${sizes.join(", ")}]`);
  }
  if (total !== size) {
    throw new ArgumentError(
      `split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=[${sizes.join(", ")}]`,
    );
  }
  let start = 0;
  return sizes.map((s) => {
    const part = narrow(x, d, start, s);
    start += s;
    return part;
  });
}

/** torch.chunk: at most `chunks` pieces of ceil(size / chunks) elements each. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  Tensor.check(x, "input");
  checkArg("chunk()", chunks, "int", 2, "chunks");
  if (x.ndim === 0) throw new ShapeError("chunk expects at least a 1-dimensional tensor");
  if (chunks <= 0) throw new ArgumentError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  const step = Math.ceil(size / chunks);
  // An empty dim still gives `chunks` empty pieces (PyTorch's split_size 0 case).
  if (step === 0) return Array.from({ length: chunks }, () => narrow(x, d, 0, 0));
  return split(x, step, d);
}

/** torch.unbind: the slices along dim, each without that dim. */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  Tensor.check(x, "input");
  if (x.ndim === 0) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
  const d = normDim(dim, x.ndim);
  return Array.from({ length: x.shape[d]! }, (_, i) => select(x, d, i));
}

function reversed(n: number): Tensor {
  return arange(n - 1, -1, -1, { dtype: "int64" });
}

/** torch.flip: a copy with the order of each listed dim reversed. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  Tensor.check(x, "input");
  let out = x;
  for (const d of normDims(dims, x.ndim)) out = indexSelect(out, d, reversed(x.shape[d]!));
  // flip always returns a new tensor, even with no dims.
  return out === x ? clone(x) : out;
}

/** torch.roll: elements shifted along dims, wrapping around; with no dims, over the flattened tensor. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  Tensor.check(x, "input");
  checkArg("roll()", shifts, "ints", 2, "shifts");
  checkArg("roll()", dims, "ints?", 3, "dims");
  const sh = typeof shifts === "number" ? [shifts] : [...shifts];
  if (dims === undefined || dims === null || (Array.isArray(dims) && dims.length === 0)) {
    if (sh.length !== 1) throw new ArgumentError(`shifts and dimensions must align. shifts: ${sh.length}, dims:0`);
    return reshape(roll(flatten(x), sh[0]!, 0), x.shape);
  }
  const ds = typeof dims === "number" ? [dims] : [...dims];
  if (sh.length !== ds.length) throw new ArgumentError(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  let out = x;
  ds.forEach((dim, i) => {
    const d = normDim(dim, x.ndim);
    const n = x.shape[d]!;
    if (n === 0) return;
    const s = ((sh[i]! % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d, n - s, s), narrow(out, d, 0, n - s)], d);
  });
  return out === x ? clone(x) : out;
}

/** Tensor.repeat: x tiled `sizes[i]` times along each dim (leading sizes add new dims). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("repeat()", sizes, "int[]", 1, "repeats");
  if (sizes.length < x.ndim) {
    throw new ArgumentError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
  }
  const padded = [...Array<number>(sizes.length - x.ndim).fill(1), ...x.shape];
  // `|| 0`: an empty dim times a negative count is an empty dim (PyTorch checks only the products).
  const result = padded.map((s, i) => s * sizes[i]! || 0);
  const bad = result.find((s) => s < 0);
  if (bad !== undefined) throw new ArgumentError(`Trying to create tensor with negative dimension ${bad}: [${result.join(", ")}]`);
  if (result.includes(0)) return record(fresh(result, x.dtype), "RepeatBackward0", [x], () => [fresh(x.shape, x.dtype)]);
  // [1, s0, 1, s1, ...] expanded to [r0, s0, r1, s1, ...]: expand's gradient sums the copies back.
  const inter = padded.flatMap((s) => [1, s]);
  const target = padded.flatMap((s, i) => [sizes[i]!, s]);
  const big = expand(reshape(x, inter), target);
  // new memory, as PyTorch's: never a view of x (the expand has stride 0, so in-place ops on it would fail)
  return reshape(clone(big), result);
}

/** torch.tile: repeat with too few dims padded by leading ones. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  Tensor.check(x, "input");
  checkArg("tile()", dims, "int[]", 2, "dims");
  const full = [...Array<number>(Math.max(0, x.ndim - dims.length)).fill(1), ...dims];
  return repeat(x, full);
}

export interface RepeatInterleaveOptions {
  dim?: number | null;
  outputSize?: number | null;
}

/** torch.repeatInterleave: each element repeated along dim (the flattened input without dim). */
export function repeatInterleave(x: Tensor, repeats?: number | Tensor | RepeatInterleaveOptions, dimOrOpts?: number | null | RepeatInterleaveOptions): Tensor {
  Tensor.check(x, "input");
  if (repeats === undefined || (typeof repeats === "object" && !(repeats instanceof Tensor))) {
    // torch.repeat_interleave(repeats): the indices 0..n-1, each repeated repeats[i] times.
    return repeatInterleave(arange(x.shape[0] ?? 1, { dtype: "int64" }), x, 0);
  }
  const opts = typeof dimOrOpts === "object" && dimOrOpts !== null ? dimOrOpts : { dim: dimOrOpts };
  checkOptions("repeatInterleave()", opts, { dim: "int?", outputSize: "int?" }, { index: 3, positional: "dim" });
  let src = x;
  let d: number;
  if (opts.dim === undefined || opts.dim === null) {
    src = flatten(x);
    d = 0;
  } else {
    d = normDim(opts.dim, x.ndim);
  }
  const size = src.ndim === 0 ? 1 : src.shape[d]!;
  if (src.ndim === 0) src = reshape(src, [1]);
  let counts: number[];
  if (repeats instanceof Tensor) {
    if (repeats.dtype !== "int64" && repeats.dtype !== "int32") throw new DTypeError(`"repeat_interleave_cpu" not implemented for '${scalarTypeName(repeats.dtype)}'`);
    if (repeats.ndim > 1) throw new ShapeError("repeats must be 0-dim or 1-dim tensor");
    counts = (repeats.reshape([-1]).tolist() as number[]);
    if (counts.length === 1) counts = Array<number>(size).fill(counts[0]!);
    if (counts.length !== size) throw new ShapeError("repeats must have the same size as input along dim");
  } else {
    checkArg("repeatInterleave()", repeats, "int", 2, "repeats");
    counts = Array<number>(size).fill(repeats);
  }
  if (counts.some((c) => c < 0)) throw new ArgumentError("repeats can not be negative");
  const index: number[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) index.push(i); });
  if (opts.outputSize !== undefined && opts.outputSize !== null && opts.outputSize !== index.length) {
    throw new ArgumentError("allocated size does not match required size");
  }
  return indexSelect(src, d, Tensor.fromStorage(Float64Array.from(index), "int64", [index.length]));
}

function triangle(x: Tensor, diagonal: number, lower: boolean, name: string): Tensor {
  Tensor.check(x, "input");
  checkArg(`${name}()`, diagonal, "int", 2, "diagonal");
  normDim(-2, x.ndim);
  const r = x.shape[x.ndim - 2]!;
  const c = x.shape[x.ndim - 1]!;
  const rows = unsqueeze(arange(r, { dtype: "int64" }), 1);
  const cols = unsqueeze(arange(c, { dtype: "int64" }), 0);
  const offset = E.sub(cols, rows);
  // Zeroed by masking rather than multiplying, so inf and NaN outside the triangle become 0.
  const drop = lower ? E.gt(offset, diagonal) : E.lt(offset, diagonal);
  return maskedFill(x, drop, 0);
}

/** torch.tril: zeros above the `diagonal`-th diagonal of the last two dims. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true, "tril");
}

/** torch.triu: zeros below the `diagonal`-th diagonal of the last two dims. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false, "triu");
}

export interface DiffOptions {
  prepend?: Tensor | null;
  append?: Tensor | null;
}

/** torch.diff: the n-th forward difference along dim (bool: "not equal", as PyTorch). */
export function diff(x: Tensor, n = 1, dim = -1, opts: DiffOptions = {}): Tensor {
  Tensor.check(x, "input");
  checkArg("diff()", n, "int", 2, "n");
  checkOptions("diff()", opts, { prepend: "tensor?", append: "tensor?" }, { index: 4, positional: "prepend" });
  if (x.ndim === 0) throw new ShapeError("diff expects input to be at least one-dimensional");
  const d = normDim(dim, x.ndim);
  const parts = [opts.prepend, x, opts.append].filter((t): t is Tensor => t instanceof Tensor);
  for (const t of parts) {
    if (t.ndim !== x.ndim) throw new ShapeError("diff expects prepend or append to be the same dimension as input");
    for (let i = 0; i < x.ndim; i++) {
      if (i !== d && t.shape[i] !== x.shape[i]) {
        throw new ShapeError(
          `diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(${i}) = ${x.shape[i]}, but got tensor.size(${i}) = ${t.shape[i]}`,
        );
      }
    }
  }
  let out = parts.length === 1 ? x : cat(parts, d);
  for (let k = 0; k < n && out.shape[d]! > 0; k++) {
    const len = out.shape[d]! - 1;
    const hi = narrow(out, d, 1, len);
    const lo = narrow(out, d, 0, len);
    out = out.dtype === "bool" ? E.ne(hi, lo) : E.sub(hi, lo);
  }
  return out;
}

export interface MeshgridOptions {
  indexing?: "ij" | "xy";
}

/** torch.meshgrid: 1-d (or 0-d) inputs broadcast to a grid, one output per input. */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  let opts: MeshgridOptions = {};
  const last = args[args.length - 1];
  if (last !== undefined && !(last instanceof Tensor) && !Array.isArray(last)) {
    opts = last as MeshgridOptions;
    args = args.slice(0, -1);
  }
  checkOptions("meshgrid()", opts, { indexing: "string" });
  const ts = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as Tensor[];
  if (ts.length === 0) throw new ArgumentError("torch.meshgrid expects a non-empty TensorList");
  const indexing = opts.indexing ?? "ij";
  if (indexing !== "ij" && indexing !== "xy") {
    throw new ArgumentError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
  }
  ts.forEach((t, i) => {
    Tensor.check(t, `tensors[${i}]`);
    if (t.ndim > 1) throw new ShapeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${t.ndim}D`);
    if (t.dtype !== ts[0]!.dtype) throw new ArgumentError("meshgrid expects all tensors to have the same dtype");
  });
  const flat = ts.map((t) => reshape(t, [-1]));
  // "xy" swaps the first two axes (Cartesian indexing), as NumPy.
  const swap = indexing === "xy" && flat.length >= 2;
  const order = flat.map((_, i) => i);
  if (swap) [order[0], order[1]] = [order[1]!, order[0]!];
  const sizes = order.map((i) => flat[i]!.shape[0]!);
  return flat.map((t, i) => {
    const pos = order.indexOf(i);
    const shape = sizes.map((_, j) => (j === pos ? t.shape[0]! : 1));
    return expand(reshape(t, shape), sizes);
  });
}
