/**
 * The package face for devices, grad modes, custom autograd Functions and hooks (issue 13):
 * `torch.device`, `torch.inferenceMode`, ... (torch.autograd.Function is under `autograd`).
 */
import "./device_methods.ts";

export { device, Device, type DeviceLike, type DeviceType, type ToOptions } from "./tensor/device.ts";
export { inferenceMode, isInferenceModeEnabled, GradModeScope } from "./autograd/grad_mode.ts";
export { RemovableHandle, type TensorHook } from "./autograd/hooks.ts";
