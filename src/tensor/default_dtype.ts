import { DTypeError } from "../errors.ts";
import type { DType } from "./dtype.ts";

let defaultDType: DType = "float32";

/** The dtype of new float tensors (PyTorch's `torch.get_default_dtype()`). */
export function getDefaultDType(): DType {
  return defaultDType;
}

export function setDefaultDType(d: DType): void {
  if (d !== "float32" && d !== "float64") throw new DTypeError("only floating-point types are supported as the default type");
  defaultDType = d;
}
