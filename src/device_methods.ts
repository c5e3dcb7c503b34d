/**
 * `tensor.to(...)` with devices: replaces the dtype-only method of ops/methods.ts (loaded first, below)
 * by one that also takes a device, a tensor to match, or PyTorch's keyword arguments. It sits above
 * the ops layer because the dtype change is an op (differentiable between float dtypes).
 */
import "./ops/methods.ts";
import { clone, to as castTo } from "./ops/views.ts";
import { type DeviceLike, type ToOptions, parseTo } from "./tensor/device.ts";
import type { DType } from "./tensor/dtype.ts";
import { Tensor } from "./tensor/tensor.ts";

declare module "./tensor/tensor.ts" {
  interface Tensor {
    /**
     * This tensor on a device and/or in a dtype: itself when nothing changes (unless `copy`), else a
     * copy (differentiable between float dtypes). `to("cpu")`, `to(torch.device("cpu"), "float64")`,
     * `to(other)`, `to({ dtype: "float64", copy: true })`. A device other than the cpu is an error.
     */
    to(device: DeviceLike, dtype?: DType, opts?: ToOptions): Tensor;
    to(device: DeviceLike, opts?: ToOptions): Tensor;
    to(dtype: DType, opts?: ToOptions): Tensor;
    to(other: Tensor, opts?: ToOptions): Tensor;
    to(opts: ToOptions): Tensor;
  }
}

function toDevice(this: Tensor, ...args: unknown[]): Tensor {
  const req = parseTo("Tensor.to()", args);
  const dtype = req.dtype ?? this.dtype;
  if (dtype !== this.dtype) return castTo(this, dtype);
  return req.copy ? clone(this) : this;
}

Object.defineProperty(Tensor.prototype, "to", { value: toDevice, writable: true, configurable: true, enumerable: false });
