import { type DType, isFloating, promoteTypes } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { defaultFloat, type TensorLike } from "./util.ts";

/**
 * PyTorch's result type (c10's ResultTypeState) for the operands of one op. Operands form three
 * priority groups: tensors with dims, 0-d tensors, and JS numbers ("wrapped scalars": an integral
 * number is int64, any other the default float dtype). Within a group dtypes promote as usual; a lower
 * group only counts when it is of a higher category (bool < integer < float), so a 0-d float64 tensor
 * leaves a float32 tensor float32, an int64 0-d tensor leaves an int32 tensor int32, and a number
 * turns an integer tensor into the default float dtype but a float32 one stays float32.
 */
export function resultType(...operands: readonly TensorLike[]): DType {
  let dims: DType | null = null;
  let zeroDim: DType | null = null;
  let wrapped: DType | null = null;
  const join = (acc: DType | null, d: DType) => (acc === null ? d : promoteTypes(acc, d));
  for (const o of operands) {
    if (o instanceof Tensor) {
      if (o.ndim > 0) dims = join(dims, o.dtype);
      else zeroDim = join(zeroDim, o.dtype);
    } else {
      wrapped = join(wrapped, Number.isInteger(o) ? "int64" : defaultFloat());
    }
  }
  return combine(combine(dims, zeroDim), wrapped) ?? defaultFloat();
}

/** c10's combine_categories: the lower group only matters when it is of a higher category. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || isFloating(higher)) return higher;
  if (higher === "bool" || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

export function isIntegral(d: DType): boolean {
  return d === "int32" || d === "int64";
}

export { scalarTypeName } from "../tensor/dtype.ts";
