import { checkOptions } from "../options.ts";
import { ArgumentError } from "../errors.ts";
import { castChecked, integerRange } from "./cast.ts";
import { type DType, allocStorage, checkDType } from "./dtype.ts";
import { getDefaultDType } from "./default_dtype.ts";
import type { TensorOptions } from "./creation.ts";
import { checkDevice } from "./device.ts";
import { Tensor } from "./tensor.ts";
import { linspaceValues } from "./linspace_values.ts";

/** arange and linspace: 1-d tensors of evenly spaced values. */

/** What every factory's options object may hold. */
export const TENSOR_OPTIONS = { dtype: "string", device: "any", requiresGrad: "boolean" } as const;

/** Applies a factory's device check and requiresGrad to its result. */
export function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.device !== undefined) checkDevice(opts.device);
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/**
 * Values start, start+step, ... < end. One argument means [0, end). Integer arguments give int64. The
 * options may follow any of the numbers, as PyTorch's keywords do: `arange(0, n, { dtype: "float32" })`.
 */
export function arange(end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end: number, step?: number, opts?: TensorOptions): Tensor;
export function arange(start: number, endOrOpts?: number | TensorOptions, stepOrOpts: number | TensorOptions = 1, opts: TensorOptions = {}): Tensor {
  let end: number | undefined;
  let step = 1;
  const isOpts = (v: unknown): v is TensorOptions => typeof v === "object" && v !== null;
  // Options in an earlier place than the last: nothing numeric may follow them.
  if ((isOpts(endOrOpts) && arguments.length > 2) || (isOpts(stepOrOpts) && arguments.length > 3)) {
    throw new ArgumentError("arange(): the options object must be the last argument");
  }
  if (isOpts(endOrOpts)) opts = endOrOpts;
  else end = endOrOpts;
  if (isOpts(stepOrOpts)) opts = stepOrOpts;
  else step = stepOrOpts;
  checkOptions("arange()", opts, TENSOR_OPTIONS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const v of [start, end, step]) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`arange(): unsupported range: ${start} -> ${end} with step ${step}`);
  }
  if (step === 0) throw new ArgumentError("step must be nonzero");
  if ((end - start) / step < 0) throw new ArgumentError("upper bound and larger bound inconsistent with step sign");
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype: DType = opts.dtype !== undefined ? checkDType(opts.dtype) : allInt ? "int64" : getDefaultDType();
  const ints = integerRange(dtype) !== null;
  // The ends are checked before allocating: every value lies between them.
  if (ints && n > 0) {
    castChecked(dtype, start, "arange()");
    castChecked(dtype, start + (n - 1) * step, "arange()");
  }
  const out = allocStorage(dtype, n, [n]);
  if (ints && allInt) {
    // Each partial sum is an integer inside the checked range, so adding is exact where start + i*step
    // could round (i*step may pass 2^53 before start brings it back).
    let v = start;
    for (let i = 0; i < n; i++, v += step) out[i] = v;
  } else if (ints) {
    for (let i = 0; i < n; i++) out[i] = castChecked(dtype, start + i * step, "arange()");
  } else {
    for (let i = 0; i < n; i++) out[i] = start + i * step;
  }
  return finish(Tensor.fromStorage(out, dtype, [n]), opts);
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  checkOptions("linspace()", opts, TENSOR_OPTIONS, { index: 4, positional: "dtype" });
  if (!Number.isSafeInteger(steps) || steps < 0) throw new ArgumentError(`number of steps must be non-negative, got ${steps}`);
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : getDefaultDType();
  const ints = integerRange(dtype) !== null;
  if (ints && steps > 0) {
    castChecked(dtype, start, "linspace()");
    castChecked(dtype, end, "linspace()");
  }
  const out = allocStorage(dtype, steps, [steps]);
  if (dtype === "float32" || dtype === "float64") {
    linspaceValues(out as Float32Array | Float64Array, start, end, steps);
    return finish(Tensor.fromStorage(out, dtype, [steps]), opts);
  }
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    const v = i < half ? start + step * i : end - step * (steps - 1 - i);
    out[i] = ints ? castChecked(dtype, v, "linspace()") : v;
  }
  return finish(Tensor.fromStorage(out, dtype, [steps]), opts);
}
