import { record } from "../autograd/record.ts";
import { ArgumentError, ShapeError } from "../errors.ts";
import { checkArg } from "../options.ts";
import { arange } from "../tensor/ranges.ts";
import { normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { defineMethods } from "./define_methods.ts";
import { scatterAdd } from "./scatter.ts";
import { fresh } from "./util.ts";
import { contiguous, reshape, slice } from "./views.ts";

/**
 * Two strided views: Tensor.unfold (sliding windows along a dim) and torch.asStrided (any sizes and
 * strides over the input's memory). Their windows may overlap, so the gradient sums the output's
 * gradient into the input's elements: a scatterAdd over the flat position each output element reads.
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Windows of `size` elements every `step` along `dimension`, as a new last dim (a view). */
    unfold(dimension: number, size: number, step: number): Tensor;
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
  }
}

/** g summed into x's shape: element k of g goes to x's flat (row-major) element idx[k]; idx == numel is dropped. */
function sumInto(g: Tensor, x: Tensor, idx: Tensor): Tensor {
  const n = x.numel();
  const flat = scatterAdd(fresh([n + 1], g.dtype), 0, idx, reshape(g, [-1]));
  return reshape(slice(flat, 0, 0, n), x.shape);
}

/** The unfolded geometry of a tensor of x's shape with the given strides and offset. */
function unfoldGeometry(shape: readonly number[], strides: readonly number[], d: number, size: number, step: number) {
  if (shape.length === 0) return { outShape: [size], outStrides: [1] };
  const sh = shape.length === 0 ? [1] : [...shape];
  const st = strides.length === 0 ? [1] : [...strides];
  const outShape = [...sh, size];
  const outStrides = [...st, st[d]!];
  outShape[d] = Math.floor((sh[d]! - size) / step) + 1;
  outStrides[d] = st[d]! * step;
  return { outShape, outStrides };
}

export function unfold(x: Tensor, dimension: number, size: number, step: number): Tensor {
  Tensor.check(x, "input");
  checkArg("unfold()", dimension, "int", 1, "dimension");
  checkArg("unfold()", size, "int", 2, "size");
  checkArg("unfold()", step, "int", 3, "step");
  const d = normDim(dimension, x.ndim);
  const len = x.ndim === 0 ? 1 : x.shape[d]!;
  if (size > len) throw new ShapeError(`maximum size for tensor at dimension ${d} is ${len} but size is ${size}`);
  if (step <= 0) throw new ArgumentError(`step is ${step} but must be > 0`);
  if (size < 0) throw new ArgumentError(`size is ${size} but must be >= 0`);
  const { outShape, outStrides } = unfoldGeometry(x.shape, x.strides, d, size, step);
  const out = Tensor.fromStorage(x.storage, x.dtype, outShape, outStrides, x.offset);
  return record(out, "UnfoldBackward0", [x], (g) => {
    const pos = reshape(arange(x.numel(), { dtype: "int64" }), x.shape);
    const geo = unfoldGeometry(pos.shape, pos.strides, d, size, step);
    const idx = contiguous(Tensor.fromStorage(pos.storage, "int64", geo.outShape, geo.outStrides, 0));
    return [sumInto(g, x, reshape(idx, [-1]))];
  }, false);
}

/** The storage position of every element of a strided geometry, in row-major order. */
function positions(shape: readonly number[], strides: readonly number[], offset: number): Float64Array {
  let n = 1;
  for (const s of shape) n *= s;
  const out = new Float64Array(n);
  const coord = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let p = offset;
    for (let a = 0; a < shape.length; a++) p += coord[a]! * strides[a]!;
    out[k] = p;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++coord[a]! < shape[a]!) break;
      coord[a] = 0;
    }
  }
  return out;
}

const BYTES = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 } as const;

/** A view with the given sizes and strides over x's memory, starting at storageOffset (default: x's own). */
export function asStrided(x: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number | null): Tensor {
  Tensor.check(x, "input");
  checkArg("asStrided()", size, "int[]", 1, "size");
  checkArg("asStrided()", stride, "int[]", 2, "stride");
  checkArg("asStrided()", storageOffset, "int?", 3, "storageOffset");
  const offset = storageOffset ?? x.offset;
  if (size.length !== stride.length) throw new ShapeError("mismatch in length of strides and shape");
  if (stride.some((s) => s < 0)) throw new ArgumentError(`as_strided: Negative strides are not supported at the moment, got strides: [${stride.join(", ")}]`);
  if (offset < 0) throw new ArgumentError(`Tensor: invalid storage offset ${offset}`);
  if (size.some((s) => s < 0)) throw new ArgumentError(`Trying to create tensor with negative dimension ${size.find((s) => s < 0)}: [${size.join(", ")}]`);
  const empty = size.some((s) => s === 0);
  const need = empty ? 0 : offset + size.reduce((acc, s, i) => acc + (s - 1) * stride[i]!, 0) + 1;
  const b = BYTES[x.dtype];
  if (need > x.storage.length) {
    throw new ArgumentError(
      `setStorage: sizes [${size.join(", ")}], strides [${stride.join(", ")}], storage offset ${offset}, and itemsize ${b} ` +
        `requiring a storage size of ${need * b} are out of bounds for storage of size ${x.storage.length * b}`,
    );
  }
  const out = Tensor.fromStorage(x.storage, x.dtype, [...size], [...stride], offset);
  return record(out, "AsStridedBackward0", [x], (g) => {
    // Each output element's gradient goes to the element of x over the same memory (none if x skips it).
    const at = new Map<number, number>();
    positions(x.shape, x.strides, x.offset).forEach((p, i) => { if (!at.has(p)) at.set(p, i); });
    const idx = positions(size, stride, offset).map((p) => at.get(p) ?? x.numel());
    return [sumInto(g, x, Tensor.fromStorage(idx, "int64", [idx.length]))];
  }, false);
}

defineMethods({
  unfold(this: Tensor, dimension: number, size: number, step: number) { return unfold(this, dimension, size, step); },
  asStrided(this: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number) {
    return asStrided(this, size, stride, storageOffset);
  },
});
