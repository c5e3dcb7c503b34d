import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { recordAdjoint } from "../autograd/higher_order.ts";
import { record } from "../autograd/record.ts";
import { DTypeError, IndexError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { broadcastShapes, fmtShape, normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { sumToShape } from "./reduce.ts";
import { narrow } from "./views.ts";
import { type TensorLike, boolScalar, broadcastView, castRaw, denseData, fresh, scalarTensor, sv } from "./util.ts";
import { resultType } from "./promotion.ts";

/** Index-driven ops: gather, indexSelect, where, maskedFill, and their adjoints. */

function checkIndex(index: Tensor, size: number, dim: number, fn: string): void {
  if (index.dtype !== "int64" && index.dtype !== "int32") {
    throw new DTypeError(`${fn}(): Expected dtype int64 for index (got ${index.dtype})`);
  }
  const data = denseData(index);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= size) throw new IndexError(`${fn}(): index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  }
}

/** Adds g (shaped like index) into zeros of `shape` at index positions along dim: gather's adjoint. */
export function scatterAddRaw(g: Tensor, index: Tensor, dim: number, shape: readonly number[]): Tensor {
  const out = fresh(shape, g.dtype);
  const outer = numelOf(index.shape.slice(0, dim));
  const inner = numelOf(index.shape.slice(dim + 1));
  backend().scatterAdd(denseData(g), denseData(index), out.storage, outer, shape[dim] ?? 1, index.shape[dim] ?? 1, inner);
  return out;
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim 1 (PyTorch's gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  Tensor.check(x, "input");
  const d = normDim(dim, x.ndim);
  if (index.ndim !== x.ndim) {
    throw new ShapeError(`gather(): Index tensor must have the same number of dimensions as input tensor (${fmtShape(index.shape)} vs ${fmtShape(x.shape)})`);
  }
  // PyTorch reads only the leading index.shape[i] entries of the other dims: a narrowed view of x.
  let src = x;
  for (let i = 0; i < x.ndim; i++) {
    if (i === d) continue;
    if (index.shape[i]! > x.shape[i]!) {
      throw new ShapeError(`Size does not match at dimension ${i} expected index ${fmtShape(index.shape)} to be smaller than self ${fmtShape(x.shape)} apart from dimension ${d}`);
    }
    if (index.shape[i]! < x.shape[i]!) src = narrow(src, i, 0, index.shape[i]!);
  }
  checkIndex(index, x.ndim === 0 ? 1 : x.shape[d]!, d, "gather");
  const out = fresh(index.shape, x.dtype);
  const outer = numelOf(src.shape.slice(0, d));
  const inner = numelOf(src.shape.slice(d + 1));
  const idx = denseData(index);
  backend().gather(denseData(src), idx, out.storage, outer, x.ndim === 0 ? 1 : src.shape[d]!, index.ndim === 0 ? 1 : index.shape[d]!, inner);
  return record(out, "GatherBackward0", [src], (g) =>
    [recordAdjoint("GatherBackwardBackward0", scatterAddRaw(castRaw(g, src.dtype), index, d, src.shape), g, (gg) => gather(gg, d, index))], [index]);
}

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  Tensor.check(x, "input");
  const d = normDim(dim, x.ndim);
  if (index.ndim > 1) throw new ShapeError(`index_select(): Index is supposed to be a vector (got shape ${fmtShape(index.shape)})`);
  checkIndex(index, x.ndim === 0 ? 1 : x.shape[d]!, d, "index_select");
  const m = index.numel();
  const shape = [...x.shape];
  if (x.ndim > 0) shape[d] = m;
  const out = fresh(shape, x.dtype);
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  const idx = denseData(index);
  backend().indexSelect(denseData(x), idx, out.storage, outer, size, m, inner);
  return record(out, "IndexSelectBackward0", [x], (g) => {
    // PyTorch 1.13's index_select backward refuses a 0-d input read by other than one index
    if (x.ndim === 0 && m !== 1) throw new IndexError("Dimension specified as 0 but tensor has no dimensions");
    const gx = fresh(x.shape, x.dtype);
    backend().indexAdd(denseData(castRaw(g, x.dtype)), idx, gx.storage, outer, size, m, inner);
    // createGraph: the index_add is linear in g, its own backward the same index_select of g's gradient.
    if (isGradEnabled() && g.requiresGrad) return [record(gx, "IndexAddBackward0", [g], (gg) => [indexSelect(gg, d, index)], false)];
    return [gx];
  }, [index]);
}

/** cond ? a : b with broadcasting; cond must be bool. */
export function where(cond: Tensor, a0: TensorLike, b0: TensorLike): Tensor {
  Tensor.check(cond, "condition");
  const [a, b] = [boolScalar(a0), boolScalar(b0)];
  if (cond.dtype !== "bool") throw new DTypeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${cond.dtype}`);
  // PyTorch's promotion: a 0-d tensor or a number widens only across categories (promotion.ts).
  const dt = resultType(a, b);
  const ta = a instanceof Tensor ? castRaw(a, dt) : scalarTensor(a, dt);
  const tb = b instanceof Tensor ? castRaw(b, dt) : scalarTensor(b, dt);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape), tb.shape);
  const out = fresh(shape, dt);
  backend().where(broadcastView(cond, shape), broadcastView(ta, shape), broadcastView(tb, shape), out.storage, shape);
  const inA = a instanceof Tensor ? a : null;
  const inB = b instanceof Tensor ? b : null;
  return record(out, "WhereBackward0", [inA, inB], (g, needs) => {
    const zero = scalarTensor(0, g.dtype);
    const pick = (first: boolean, like: Tensor | null) => {
      if (!like) return null;
      const z = fresh(shape, g.dtype);
      backend().where(broadcastView(cond, shape), broadcastView(first ? g : zero, shape), broadcastView(first ? zero : g, shape), z.storage, shape);
      return castRaw(sumToShape(z, like.shape), like.dtype);
    };
    return [needs[0] ? pick(true, inA) : null, needs[1] ? pick(false, inB) : null];
  }, [cond]);
}

/** x with `value` where mask is true (mask broadcasts to x's shape). */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  Tensor.check(mask, "mask");
  if (mask.dtype !== "bool") throw new DTypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const shape = broadcastShapes(x.shape, mask.shape);
  if (shape.length !== x.ndim || shape.some((s, i) => s !== x.shape[i])) {
    throw new ShapeError(`masked_fill: mask of shape ${fmtShape(mask.shape)} cannot be broadcast to input of shape ${fmtShape(x.shape)}`);
  }
  const v0 = Number(value instanceof Tensor ? value.item() : value);
  // As PyTorch: an integer tensor takes the value truncated (only NaN and infinities are refused), bool any nonzero.
  if ((x.dtype === "int32" || x.dtype === "int64") && !Number.isFinite(v0)) {
    throw new DTypeError(`value cannot be converted to type ${x.dtype === "int32" ? "int" : "int64_t"} without overflow`);
  }
  const v = x.dtype === "bool" ? Number(v0 !== 0) : isFloating(x.dtype) ? v0 : Math.trunc(v0);
  const out = fresh(x.shape, x.dtype);
  backend().where(broadcastView(mask, shape), broadcastView(scalarTensor(v, x.dtype), shape), sv(x), out.storage, shape);
  return record(out, "MaskedFillBackward0", [x], (g) => {
    const z = fresh(shape, g.dtype);
    backend().where(broadcastView(mask, shape), broadcastView(scalarTensor(0, g.dtype), shape), sv(g), z.storage, shape);
    return [z];
  }, [mask]);
}
