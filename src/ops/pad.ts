import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, ShapeError } from "../errors.ts";
import { castValue } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { indexSelect } from "./indexing.ts";
import { denseData, fresh, sv } from "./util.ts";

/**
 * Padding (PyTorch's F.pad): `pad` lists (before, after) pairs starting from the LAST dim. Constant
 * mode copies the input into a filled tensor (negative amounts crop); reflect, replicate and circular
 * modes are an index_select per padded dim, which brings its gradient (index_add) along.
 */

export type PadMode = "constant" | "reflect" | "replicate" | "circular";

export interface PadOptions {
  mode?: PadMode;
  value?: number;
}

/** A raw (unrecorded) sub-box of t: dims start at `starts` with lengths `lens`. */
function box(t: Tensor, starts: readonly number[], lens: readonly number[]): Tensor {
  let off = t.offset;
  starts.forEach((s, d) => (off += s * t.strides[d]!));
  return Tensor.fromStorage(t.storage, t.dtype, lens, t.strides, off);
}

/** Copies the box `from` of src onto the box `to` (same lengths) of dst. */
function copyBox(src: Tensor, from: readonly number[], dst: Tensor, to: readonly number[], lens: readonly number[]): void {
  if (lens.some((l) => l === 0)) return;
  const target = box(dst, to, lens);
  backend().scatterInto(denseData(box(src, from, lens)), sv(target), lens);
}

function constantPad(x: Tensor, lo: number[], hi: number[], value: number): Tensor {
  const shape = x.shape.map((s, d) => s + lo[d]! + hi[d]!);
  shape.forEach((s, d) => {
    if (s < 0) {
      throw new ShapeError(
        `The input size ${x.shape[d]}, plus negative padding ${lo[d]} and ${hi[d]} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    }
  });
  // The part of x that survives cropping, where it sits in x and where it lands in the output.
  const inStart = lo.map((l) => Math.max(0, -l));
  const outStart = lo.map((l) => Math.max(0, l));
  const lens = x.shape.map((s, d) => Math.max(0, s - inStart[d]! - Math.max(0, -hi[d]!)));
  const out = fresh(shape, x.dtype);
  if (value !== 0) out.storage.fill(castValue(x.dtype, value));
  copyBox(x, inStart, out, outStart, lens);
  return record(out, "ConstantPadNdBackward0", [x], (g) => {
    // createGraph: the gradient is g cropped back, itself a recorded constant pad (by -lo, -hi).
    if (isGradEnabled()) return [constantPad(g, lo.map((l) => -l), hi.map((h) => -h), 0)];
    const gx = fresh(x.shape, g.dtype);
    copyBox(g, outStart, gx, inStart, lens);
    return [gx];
  }, false);
}

/** Source index of each output position along one dim for the non-constant modes. */
function sourceIndex(mode: PadMode, size: number, lo: number, hi: number): Tensor {
  const n = size + lo + hi;
  const idx = fresh([Math.max(n, 0)], "int64");
  for (let i = 0; i < n; i++) {
    const j = i - lo;
    let s: number;
    if (mode === "reflect") s = j < 0 ? -j : j >= size ? 2 * (size - 1) - j : j;
    else if (mode === "replicate") s = Math.min(Math.max(j, 0), size - 1);
    else s = ((j % size) + size) % size;
    idx.storage[i] = s;
  }
  return idx;
}

export function pad(input: Tensor, padding: readonly number[], opts: PadOptions = {}): Tensor {
  Tensor.check(input, "input");
  const mode = opts.mode ?? "constant";
  if (!["constant", "reflect", "replicate", "circular"].includes(mode)) throw new ArgumentError(`Unrecognised padding mode ${mode}`);
  if (padding.length % 2 !== 0) throw new ArgumentError("Padding length must be divisible by 2");
  const k = padding.length / 2;
  if (k > input.ndim) throw new ArgumentError("Padding length too large");
  if (padding.some((p) => !Number.isInteger(p))) throw new ArgumentError(`pad must be integers, got ${fmtShape(padding)}`);
  const lo = input.shape.map(() => 0);
  const hi = input.shape.map(() => 0);
  for (let i = 0; i < k; i++) {
    lo[input.ndim - 1 - i] = padding[2 * i]!;
    hi[input.ndim - 1 - i] = padding[2 * i + 1]!;
  }
  if (mode === "constant") return constantPad(input, lo, hi, opts.value ?? 0);
  if (opts.value !== undefined && opts.value !== 0) throw new ArgumentError(`Padding mode "${mode}" doesn't take in value argument`);
  // PyTorch pads 1-3 trailing dims of a batched or unbatched input in these modes.
  if (k > 3 || (input.ndim !== k + 1 && input.ndim !== k + 2)) {
    throw new ShapeError("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
  }
  let out = input;
  for (let d = input.ndim - k; d < input.ndim; d++) {
    const size = input.shape[d]!;
    if (mode === "reflect" && (lo[d]! >= size || hi[d]! >= size)) {
      throw new ArgumentError(
        `Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (${lo[d]}, ${hi[d]}) at dimension ${d} of input ${fmtShape(input.shape)}`,
      );
    }
    if (mode === "circular" && (lo[d]! > size || hi[d]! > size)) {
      throw new ArgumentError("Padding value causes wrapping around more than once.");
    }
    if (size + lo[d]! + hi[d]! <= 0) throw new ShapeError(`${mode} padding of ${fmtShape(padding)} leaves dimension ${d} of ${fmtShape(input.shape)} empty`);
    if (lo[d] !== 0 || hi[d] !== 0) out = indexSelect(out, d, sourceIndex(mode, size, lo[d]!, hi[d]!));
  }
  return out;
}
