import { DTypeError, IndexError } from "../errors.ts";
import { checkArity, checkOptions } from "../options.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { nonzeroCoords } from "./index_positions.ts";
import { indexSelect } from "./indexing.ts";
import { scalarTypeName } from "./promotion.ts";
import { denseData, int64Tensor } from "./util.ts";
import { expand, reshape } from "./views.ts";

/** nonzero, maskedSelect and take: elements picked by position, as flat gathers (differentiable). */

export interface NonzeroOptions {
  /** One 1-d tensor of coordinates per dim instead of one [n, ndim] tensor. */
  asTuple?: boolean;
}


/** The coordinates of the non-zero elements: int64 [n, ndim], row-major order. */
export function nonzero(input: Tensor, opts?: NonzeroOptions & { asTuple?: false }): Tensor;
export function nonzero(input: Tensor, opts: NonzeroOptions & { asTuple: true }): Tensor[];
export function nonzero(input: Tensor, opts: NonzeroOptions = {}): Tensor | Tensor[] {
  Tensor.check(input, "input");
  checkArity("nonzero()", arguments, 2);
  checkOptions("nonzero()", opts, { asTuple: "boolean" }, { index: 2, positional: "asTuple" });
  const { count, coords } = nonzeroCoords(input);
  if (opts.asTuple) {
    // A 0-d tensor reads as one element along one dim, as in PyTorch.
    if (input.ndim === 0) return [int64Tensor(Float64Array.from({ length: count }, () => 0), [count])];
    return coords.map((c) => int64Tensor(c, [count]));
  }
  const out = new Float64Array(count * input.ndim);
  coords.forEach((c, d) => c.forEach((v, k) => (out[k * input.ndim + d] = v)));
  return int64Tensor(out, [count, input.ndim]);
}

/** The elements of input where mask (broadcast with it) is true, as a 1-d tensor. */
export function maskedSelect(input: Tensor, mask: Tensor): Tensor {
  Tensor.check(input, "input");
  Tensor.check(mask, "mask");
  checkArity("maskedSelect()", arguments, 2);
  if (mask.dtype !== "bool") throw new DTypeError("masked_select: expected BoolTensor or ByteTensor for mask");
  // PyTorch broadcasts (mask, input): its message names the mask "tensor a".
  const shape = broadcastShapes(mask.shape, input.shape);
  const flat = reshape(expand(input, shape), [-1]);
  const { count, coords } = nonzeroCoords(reshape(expand(mask, shape), [-1]));
  return indexSelect(flat, 0, int64Tensor(coords[0] ?? new Float64Array(count), [count]));
}

/** input read as 1-d at the positions in index (negative ones count from the end); index's shape. */
export function take(input: Tensor, index: Tensor): Tensor {
  Tensor.check(input, "input");
  Tensor.check(index, "index");
  checkArity("take()", arguments, 2);
  if (index.dtype !== "int64") throw new DTypeError(`take(): Expected a long tensor for index, but got ${scalarTypeName(index.dtype)}`);
  const n = input.numel();
  if (n === 0 && index.numel() > 0) throw new IndexError("take(): tried to take from an empty tensor");
  const idx = denseData(index);
  const rows = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const v = idx[k]!;
    if (v < -n || v >= n) throw new IndexError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    rows[k] = v < 0 ? v + n : v;
  }
  return reshape(indexSelect(reshape(input, [n]), 0, int64Tensor(rows, [rows.length])), index.shape);
}
