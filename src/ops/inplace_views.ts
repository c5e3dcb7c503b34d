import { backend } from "../backend/registry.ts";
import { type DType, type Storage, allocStorage, allocUninitialized } from "../tensor/dtype.ts";
import { numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { sum } from "./reduce.ts";
import { denseData } from "./util.ts";

/**
 * Gradients between a base and one of its views, for in-place ops on views (inplace.ts). Both are
 * described by where their elements sit in the shared storage, so one pair of functions serves every
 * kind of view (slices, selects, transposes, reshapes, views of views), as PyTorch's as_strided does:
 * a gradient is laid out in a storage-sized buffer at one geometry and read back at the other.
 */
export interface Geometry {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** g (shaped like `at`) laid out in a zeroed buffer of the storage's length. */
function toSpace(g: Tensor, at: Geometry, length: number): Storage {
  const space = allocStorage(g.dtype, length);
  backend().scatterInto(denseData(g), { data: space, offset: at.offset, strides: at.strides }, at.shape);
  return space;
}

function fromSpace(space: Storage, dtype: DType, at: Geometry): Tensor {
  const out = allocUninitialized(dtype, numelOf(at.shape));
  backend().copy({ data: space, offset: at.offset, strides: at.strides }, at.shape, out);
  return Tensor.fromStorage(out, dtype, at.shape);
}

/** The base's gradient g outside the view's region (the values there were overwritten). */
export function withoutRegion(g: Tensor, base: Geometry, view: Geometry, length: number): Tensor {
  const space = toSpace(g, base, length);
  backend().scatterInto(allocStorage(g.dtype, numelOf(view.shape)), { data: space, offset: view.offset, strides: view.strides }, view.shape);
  return fromSpace(space, g.dtype, base);
}

/** The part of the base's gradient g that falls on the view's elements, shaped like the view. */
export function regionGrad(g: Tensor, base: Geometry, view: Geometry, length: number): Tensor {
  return fromSpace(toSpace(g, base, length), g.dtype, view);
}

/**
 * A view's gradient g as a gradient of its base: zero outside the view. Elements that share memory
 * (dims of stride 0, from expand) add up.
 */
export function viewGrad(g: Tensor, base: Geometry, view: Geometry, length: number): Tensor {
  const shared = view.shape.map((n, d) => (view.strides[d] === 0 && n > 1 ? d : -1)).filter((d) => d >= 0);
  if (shared.length > 0) {
    g = sum(g, shared, true);
    view = { ...view, shape: view.shape.map((n, d) => (shared.includes(d) ? 1 : n)) };
  }
  return fromSpace(toSpace(g, view, length), g.dtype, base);
}
