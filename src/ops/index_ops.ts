import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArity, checkOptions, describeValue } from "../options.ts";
import { full } from "../tensor/creation.ts";
import { tensorTypeName } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { advancedIndex, fromLayout, planAdvanced, putRows, toLayout } from "./index_advanced.ts";
import { type TensorIndex, alias, applySlicing } from "./index_basic.ts";
import { type Indices, indexItems } from "./index_expr.ts";
import { applyInPlace } from "./inplace.ts";
import { scalarTypeName } from "./promotion.ts";
import { clone, expand, reshape } from "./views.ts";

/**
 * `x.index(expr)` and `x.indexPut_(expr, value)`: Python's `x[expr]` and `x[expr] = value`, as
 * LibTorch spells them. Basic items give a view; tensor indices a new tensor. A write goes through
 * the in-place machinery (inplace.ts), so it bumps the version counter and, on a view, rebases its
 * base's history (CopySlices), exactly as PyTorch's setitem records copy_ or index_put_.
 */

export interface IndexPutOptions {
  /** Add the values to what is there instead of replacing it (PyTorch's index_put_(accumulate=True)). */
  accumulate?: boolean;
}

/** `x[expr]`: a view for ints, slices, None and Ellipsis; a new tensor once a tensor index is in it. */
export function index(x: Tensor, indices: Indices): Tensor {
  Tensor.check(x, "input");
  const { result, tensors } = applySlicing(x, indexItems(indices, "Tensor.index()"));
  if (tensors.length > 0) return advancedIndex(result, tensors);
  return result === x ? alias(x) : result;
}


/** PyTorch's slicePrefix1sSize: a value's leading size-1 dims are dropped before it is broadcast. */
function withoutLeadingOnes(v: Tensor): Tensor {
  let k = 0;
  while (k < v.ndim && v.shape[k] === 1) k++;
  return k === 0 ? v : reshape(v, v.shape.slice(k));
}

/** A JS value as a tensor of x's dtype (a number is cast as PyTorch casts a Python scalar). */
function valueTensor(value: unknown, x: Tensor, where: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ArgumentError(`${where}: argument 2 (value) must be a Tensor, a number or a boolean, got ${describeValue(value)}`);
  }
  return full([], typeof value === "boolean" ? Number(value) : value, { dtype: x.dtype });
}

/** Python's copy_to: dst.copy_(value) with value broadcast to dst (leading 1s of value dropped first). */
function basicPut(dst: Tensor, value: Tensor, accumulate: boolean): void {
  let src = value;
  if (!sameShape(value.shape, dst.shape) && value.ndim > 0) {
    src = withoutLeadingOnes(value);
    if (src.ndim > dst.ndim) {
      throw new ShapeError(
        `expand(${tensorTypeName(src.dtype)}{${fmtShape(src.shape)}}, size=${fmtShape(dst.shape)}): the number of sizes provided (${dst.ndim}) ` +
          `must be greater or equal to the number of dimensions in the tensor (${src.ndim})`,
      );
    }
    src = expand(src, dst.shape);
  }
  if (accumulate) {
    checkSameDType(dst, src);
    dst.add_(src);
  } else dst.copy_(src);
}

function checkSameDType(dst: Tensor, value: Tensor): void {
  if (value.dtype !== dst.dtype) {
    throw new DTypeError(
      `Index put requires the source and destination dtypes match, got ${scalarTypeName(dst.dtype)} for the destination and ${scalarTypeName(value.dtype)} for the source.`,
    );
  }
}

/** PyTorch's index_put_ on the sliced view: the value broadcast to the indexing result, written in place. */
function advancedPut(dst: Tensor, tensors: readonly TensorIndex[], value: Tensor, accumulate: boolean): void {
  const plan = planAdvanced(dst, tensors);
  checkSameDType(dst, value);
  const v = withoutLeadingOnes(value);
  const fits = v.ndim <= plan.outShape.length && v.shape.every((n, i) => n === 1 || n === plan.outShape[plan.outShape.length - v.ndim + i]);
  if (!fits) {
    throw new ShapeError(`shape mismatch: value tensor of shape ${fmtShape(v.shape)} cannot be broadcast to indexing result of shape ${fmtShape(plan.outShape)}`);
  }
  const [outer, , inner] = plan.layout;
  const values3 = reshape(expand(v, plan.outShape), [outer, plan.rows.length, inner]);
  applyInPlace(dst, (s) => fromLayout(putRows(toLayout(s, plan), plan.rows, values3, accumulate), s, plan), { self: "alias" });
}

/** `x[expr] = value` in place (Python's setitem); returns x. */
export function indexPut_(x: Tensor, indices: Indices, value: Tensor | number | boolean, opts: IndexPutOptions = {}): Tensor {
  Tensor.check(x, "input");
  checkArity("Tensor.indexPut_()", arguments, 4);
  checkOptions("Tensor.indexPut_()", opts, { accumulate: "boolean" }, { index: 3, positional: "accumulate" });
  const items = indexItems(indices, "Tensor.indexPut_()");
  const v = valueTensor(value, x, "Tensor.indexPut_()");
  // Python's setitem writes nothing for a lone False (the mask selects nothing).
  if (items.length === 1 && items[0] === false) return x;
  const { result, tensors } = applySlicing(x, items);
  if (tensors.length === 0) basicPut(result, v, opts.accumulate === true);
  else advancedPut(result, tensors, v, opts.accumulate === true);
  return x;
}

/** The out-of-place form: a copy of x with the write made (PyTorch's index_put). */
export function indexPut(x: Tensor, indices: Indices, value: Tensor | number | boolean, opts: IndexPutOptions = {}): Tensor {
  Tensor.check(x, "input");
  checkArity("indexPut()", arguments, 4);
  return indexPut_(clone(x), indices, value, opts);
}
