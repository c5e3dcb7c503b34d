import { noGrad } from "../../autograd/grad_mode.ts";
import { DTypeError } from "../../errors.ts";
import { maskedFill } from "../../ops/indexing.ts";
import { scalarTypeName } from "../../ops/promotion.ts";
import { triu } from "../../ops/shape_ops.ts";
import { full, zeros } from "../../tensor/creation.ts";
import { type DType, isFloating } from "../../tensor/dtype.ts";
import { Tensor } from "../../tensor/tensor.ts";

/**
 * Attention masks in their two conventions. nn.MultiheadAttention and the Transformer layers take a bool
 * mask whose True means "masked out"; F.scaledDotProductAttention takes one whose True means "takes part".
 * A float mask is added to the scores in both. Everything is turned into one additive float bias, as
 * PyTorch 2's `_canonical_mask` does, so masks combine by addition (-inf + x = -inf).
 */

/** Refuses a mask that is neither bool nor floating, with PyTorch's wording. */
export function checkMaskType(mask: Tensor, name: string): void {
  Tensor.check(mask, name);
  if (mask.dtype !== "bool" && !isFloating(mask.dtype)) throw new DTypeError(`only bool and floating types of ${name} are supported`);
}

/**
 * The additive float form of a mask in query's dtype: bool masks give 0 where allowed and -inf where
 * masked (`trueMeansMasked` picks the convention); a float mask of query's dtype is used as it is.
 */
export function additiveMask(mask: Tensor, dtype: DType, trueMeansMasked: boolean, name: string): Tensor {
  checkMaskType(mask, name);
  if (mask.dtype === "bool") {
    const blocked = trueMeansMasked ? mask : mask.logicalNot();
    return maskedFill(zeros(mask.shape, { dtype }), blocked, -Infinity);
  }
  if (mask.dtype !== dtype) {
    throw new DTypeError(
      `Expected ${name} dtype to be bool or float or to match query dtype, but got ${name}.dtype: ` +
        `${scalarTypeName(mask.dtype).toLowerCase()} and query.dtype: ${scalarTypeName(dtype).toLowerCase()} instead.`,
    );
  }
  return mask;
}

const causalCache = new Map<string, Tensor>();

/**
 * [L, S]: 0 on and below the diagonal, -inf above it (query i sees keys 0..i), as
 * generateSquareSubsequentMask. Kept for the last few sizes: it never leaves this module and nothing
 * writes to it, and every layer of every step asks for the same one.
 */
export function causalBias(L: number, S: number, dtype: DType): Tensor {
  const key = `${L},${S},${dtype}`;
  let m = causalCache.get(key);
  if (m === undefined) {
    m = noGrad(() => triu(full([L, S], -Infinity, { dtype }), 1));
    if (causalCache.size >= 8) causalCache.delete(causalCache.keys().next().value!);
    causalCache.set(key, m);
  }
  return m;
}
