/**
 * The NumPy bridge in JavaScript terms, where a typed array is the platform's ndarray: `t.numpy()` is the
 * tensor's own memory and `torch.fromNumpy(a)` wraps a typed array without copying, so a change on one
 * side shows on the other, as with PyTorch's CPU tensors and NumPy arrays. A typed array is flat: numpy()
 * gives the elements in row-major order and fromNumpy makes a 1-D tensor (reshape it with view()).
 */
import { ArgumentError, AutogradError, DTypeError } from "../errors.ts";
import type { DType, Storage } from "./dtype.ts";
import { Tensor } from "./tensor.ts";

declare module "./tensor.ts" {
  interface Tensor {
    /**
     * This tensor's memory as a typed array (Float32Array for float32, Float64Array for float64 and
     * int64, Int32Array for int32, Uint8Array of 0/1 for bool), shared, not copied. Refused for a
     * tensor that requires grad (detach it first) and for a non-contiguous one (no typed array has strides).
     */
    numpy(): Storage;
  }
}

function numpy(this: Tensor): Storage {
  if (this.requiresGrad) {
    throw new AutogradError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
  }
  if (!this.isContiguous()) {
    throw new ArgumentError(
      `numpy(): a typed array cannot view a non-contiguous tensor (shape [${this.shape.join(", ")}], strides [${this.stride().join(", ")}]); use tensor.contiguous().numpy() for a copy`,
    );
  }
  const start = this.storageOffset();
  return this.storage.subarray(start, start + this.numel()) as Storage;
}

Object.defineProperty(Tensor.prototype, "numpy", { value: numpy, writable: true, configurable: true, enumerable: false });

/** A 1-D tensor over `array`'s memory (float32, float64 or int32), as PyTorch's `torch.from_numpy`. */
export function fromNumpy(array: Float32Array | Float64Array | Int32Array): Tensor {
  let dtype: DType;
  if (array instanceof Float32Array) dtype = "float32";
  else if (array instanceof Float64Array) dtype = "float64";
  else if (array instanceof Int32Array) dtype = "int32";
  else {
    const name = (array as object | null)?.constructor?.name ?? String(array);
    throw new DTypeError(
      `can't convert ${name} to a tensor without copying: fromNumpy() takes a Float32Array (float32), Float64Array (float64) or Int32Array (int32); use torch.tensor() for a copy`,
    );
  }
  return Tensor.fromStorage(array, dtype, [array.length]);
}
