import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, ShapeError } from "../errors.ts";
import { promoteTypes } from "../tensor/dtype.ts";
import { fmtShape, normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { castRaw, denseData, fresh } from "./util.ts";
import { narrow, unsqueeze } from "./views.ts";

/** Concatenates along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError("torch.cat(): expected a non-empty list of Tensors");
  tensors.forEach((t, i) => Tensor.check(t, `tensors[${i}]`));
  const first = tensors[0]!;
  const d = normDim(dim, first.ndim);
  let total = 0;
  let dtype = first.dtype;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim) {
      throw new ShapeError(`Tensors must have same number of dimensions: got ${first.ndim} and ${t.ndim} (tensor ${i})`);
    }
    for (let j = 0; j < t.ndim; j++) {
      if (j !== d && t.shape[j] !== first.shape[j]) {
        throw new ShapeError(
          `Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[j]} but got size ${t.shape[j]} for tensor number ${i} in the list (shapes ${fmtShape(first.shape)} and ${fmtShape(t.shape)}).`,
        );
      }
    }
    total += t.shape[d]!;
    dtype = promoteTypes(dtype, t.dtype);
  });
  const shape = [...first.shape];
  shape[d] = total;
  const out = fresh(shape, dtype);
  let start = 0;
  for (const t of tensors) {
    const len = t.shape[d]!;
    const region = narrow(out, d, start, len);
    backend().scatterInto(denseData(castRaw(t, dtype)), { data: region.storage, offset: region.offset, strides: region.strides }, region.shape);
    start += len;
  }
  const sizes = tensors.map((t) => t.shape[d]!);
  return record(out, "CatBackward0", tensors, (g, needs) => {
    let s = 0;
    return sizes.map((len, i) => {
      const part = needs[i] ? castRaw(narrow(g, d, s, len), tensors[i]!.dtype) : null;
      s += len;
      return part;
    });
  }, false);
}

/** Joins along a new dim; all tensors must have the same shape. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError("stack expects a non-empty TensorList");
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    Tensor.check(t, `tensors[${i}]`);
    if (t.shape.length !== first.shape.length || t.shape.some((s: number, j: number) => s !== first.shape[j])) {
      throw new ShapeError(`stack expects each tensor to be equal size, but got ${fmtShape(first.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normDim(dim, first.ndim, true);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}
