import { checkArg } from "../options.ts";
import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, IndexError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { div, eq, maximum, minimum, mul, ne } from "./elementwise.ts";
import { scatterAddRaw, where } from "./indexing.ts";
import { type Dims, checkReduction, expandBack, finalShape, keptShape, reduceRaw, resolveDims, sum } from "./reduce.ts";
import { castRaw, denseData, fresh } from "./util.ts";
import { reshape, squeeze } from "./views.ts";

/** max/min (whole, along a dim with indices, or of two tensors), argmax/argmin, amax/amin. */

/**
 * PyTorch's (values, indices) named tuple: read by name (`r.values`) or destructured like Python's
 * tuple unpacking (`const [values, indices] = x.max(1)`).
 */
export interface ValuesIndices extends Iterable<Tensor> {
  readonly values: Tensor;
  readonly indices: Tensor;
}

function* iterateValuesIndices(this: ValuesIndices): Generator<Tensor> {
  yield this.values;
  yield this.indices;
}

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return { values, indices, [Symbol.iterator]: iterateValuesIndices };
}

type Op = "max" | "min";

/** Ties share the gradient evenly (PyTorch's amax/amin and whole-tensor max/min); a NaN result gets NaN. */
function evenSplit(g: Tensor, x: Tensor, out: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const mask = castRaw(eq(x.detach(), expandBack(out, x, dims, keepdim)), g.dtype);
  return mul(div(mask, sum(mask, dims, true)), expandBack(g, x, dims, keepdim));
}

/**
 * Whole-tensor max/min (PyTorch's evenly_distribute_backward): the gradient is shared by the elements
 * equal to the result, or by the NaNs when the result is NaN, and is written only there (a NaN
 * gradient does not reach the other elements).
 */
function wholeSplit(g: Tensor, x: Tensor, out: Tensor): Tensor {
  const xd = x.detach();
  const mask = Number.isNaN(out.item()) ? ne(xd, xd) : eq(xd, out);
  return where(mask, div(g, sum(castRaw(mask, "int64"))), 0);
}

function whole(op: Op, x: Tensor): Tensor {
  if (x.numel() === 0) {
    throw new ArgumentError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const all = x.shape.map((_, i) => i);
  const out = reshape(reduceRaw(op, x, all, x.dtype), []).detach();
  if (!isFloating(x.dtype)) return out;
  return record(out, op === "max" ? "MaxBackward1" : "MinBackward1", [x], (g) => [wholeSplit(g, x, out)], [x, out]);
}

function alongDim(op: Op, x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  if (x.ndim === 0) {
    normDim(dim, 0);
    return alongDim(op, reshape(x, [1]), 0, false);
  }
  const d = normDim(dim, x.ndim);
  const outer = numelOf(x.shape.slice(0, d));
  const size = x.shape[d]!;
  const inner = numelOf(x.shape.slice(d + 1));
  if (size === 0) throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const kept = keptShape(x.shape, [d]);
  const values = fresh(kept, x.dtype);
  const indices = fresh(kept, "int64");
  backend().reduce(op, denseData(x), values.storage, outer, size, inner, indices.storage);
  const shaped = keepdim ? values : squeeze(values, d);
  const idx = keepdim ? indices : squeeze(indices, d);
  if (!isFloating(x.dtype)) return valuesIndices(shaped.detach(), idx.detach());
  const v = record(shaped.detach(), op === "max" ? "MaxBackward0" : "MinBackward0", [x], (g) => {
    const gk = keepdim ? g : reshape(g, kept);
    return [scatterAddRaw(gk, indices, d, x.shape)];
  }, [indices]);
  return valuesIndices(v, idx.detach());
}

/** max(x): the largest element; max(x, dim): values and indices along dim; max(x, other): elementwise. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  return extremum("max", x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
  return extremum("min", x, dim, keepdim);
}

/** max/min of the whole tensor, along a dim (values and indices), or elementwise against another tensor. */
function extremum(op: Op, x: Tensor, dim: number | Tensor | undefined, keepdim: boolean): Tensor | ValuesIndices {
  checkArg(`${op}()`, keepdim, "boolean", 3, "keepdim");
  Tensor.check(x, "input");
  if (dim instanceof Tensor) return (op === "max" ? maximum : minimum)(x, dim);
  return dim === undefined ? whole(op, x) : alongDim(op, x, dim, keepdim);
}

function argExtremum(op: Op, x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  checkReduction(`arg${op}`, x, keepdim);
  // PyTorch dispatches on the dtype only when there is something to reduce: not for an empty tensor,
  // nor along a dim of size 1 (the indices are all 0)
  const trivial = x.numel() === 0 || (dim !== undefined && x.ndim > 0 && x.shape[normDim(dim, x.ndim)] === 1);
  if (x.dtype === "bool" && !trivial) throw new DTypeError(`"arg${op}_cpu" not implemented for 'Bool'`);
  if (dim === undefined) {
    const r = alongDim(op, reshape(x.detach(), [-1]), 0, false).indices;
    return keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  return alongDim(op, x.detach(), dim, keepdim).indices;
}

export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum("max", x, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum("min", x, dim, keepdim);
}

function amExtremum(op: Op, x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  checkReduction(`a${op}`, x, keepdim);
  const dims = resolveDims(x, dim);
  const out = reshape(reduceRaw(op, x.detach(), dims, x.dtype, `a${op}`), finalShape(x.shape, dims, keepdim)).detach();
  if (!isFloating(x.dtype)) return out;
  return record(out, op === "max" ? "AmaxBackward0" : "AminBackward0", [x], (g) => [evenSplit(g, x, out, dims, keepdim)], [x, out]);
}

/** The largest values over dims (all when omitted), without indices; ties share the gradient. */
export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return amExtremum("max", x, dim, keepdim);
}

export function amin(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return amExtremum("min", x, dim, keepdim);
}
