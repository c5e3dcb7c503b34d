import type { Window2d } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import { recordAdjoint } from "../autograd/higher_order.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type IntOrTuple, tupleArg } from "./conv.ts";
import { gather } from "./indexing.ts";
import { denseData, fresh, freshOutput, zeroedOutput } from "./util.ts";
import { flatten, reshape } from "./views.ts";

/**
 * 2-D pooling over [N, C, H, W] or unbatched [C, H, W]. Max and average pools run backend kernels
 * over all N*C planes at once, and so does adaptive average pooling (a kernel of its own: as two
 * matmuls with averaging matrices, a NaN would spread to every window through 0 * NaN).
 */

type F = Float32Array | Float64Array;

export interface MaxPool2dOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** PyTorch's pooling_output_shape: the last window must start inside the input or its left padding. */
function outSize(size: number, k: number, pad: number, stride: number, dil: number, ceil: boolean): number {
  let o = Math.floor((size + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (o - 1) * stride >= size + pad) o--;
  return o;
}

/** Checks pool arguments in PyTorch's order and returns the window over all N*C planes. */
function poolWindow(fn: string, x: Tensor, kernelSize: IntOrTuple, stride0: IntOrTuple | null | undefined, padding: IntOrTuple, dilation0: IntOrTuple, ceil: boolean): Window2d {
  Tensor.check(x, "input");
  if (!isFloating(x.dtype)) throw new DTypeError(`"${fn}" not implemented for '${x.dtype}'`);
  if (typeof kernelSize !== "number" && (kernelSize.length < 1 || kernelSize.length > 2)) {
    throw new ArgumentError(`${fn}: kernel_size must either be a single int, or a tuple of two ints`);
  }
  const [kH, kW] = tupleArg(kernelSize, 2, "kernel_size") as [number, number];
  const stride = stride0 === null || stride0 === undefined || (Array.isArray(stride0) && stride0.length === 0) ? [kH, kW] : tupleArg(stride0, 2, "stride");
  const [pH, pW] = tupleArg(padding, 2, "padding") as [number, number];
  const [dH, dW] = tupleArg(dilation0, 2, "dilation") as [number, number];
  const [sH, sW] = stride as [number, number];
  if (pH < 0 || pW < 0) throw new ArgumentError(`pad must be non-negative, but got pad: ${pH < 0 ? pH : pW}`);
  if (sH === 0 || sW === 0) throw new ArgumentError("stride should not be zero");
  if (kH <= 0 || kW <= 0) throw new ArgumentError(`kernel size should be greater than zero, but got kH: ${kH} kW: ${kW}`);
  if (sH < 0 || sW < 0) throw new ArgumentError(`stride should be greater than zero, but got dH: ${sH} dW: ${sW}`);
  if (dH <= 0 || dW <= 0) throw new ArgumentError(`dilation should be greater than zero, but got dilationH: ${dH} dilationW: ${dW}`);
  const batched = x.ndim === 4;
  if ((x.ndim !== 3 && x.ndim !== 4) || x.shape.slice(batched ? 1 : 0).some((s) => s === 0)) {
    throw new ShapeError(`Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmtShape(x.shape)}`);
  }
  const badH = pH > Math.floor(kH / 2);
  if (badH || pW > Math.floor(kW / 2)) {
    throw new ArgumentError(`pad should be at most half of kernel size, but got pad=${badH ? pH : pW} and kernel_size=${badH ? kH : kW}`);
  }
  const [C, H, W] = x.shape.slice(-3) as [number, number, number];
  const oH = outSize(H, kH, pH, sH, dH, ceil);
  const oW = outSize(W, kW, pW, sW, dW, ceil);
  if (oH < 1 || oW < 1) {
    throw new ShapeError(`Given input size: (${C}x${H}x${W}). Calculated output size: (${C}x${oH}x${oW}). Output size is too small`);
  }
  const planes = batched ? x.shape[0]! * C : C;
  return { C: planes, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW };
}

function outShape(x: Tensor, win: Window2d): number[] {
  return [...x.shape.slice(0, -2), win.oH, win.oW];
}

/** Max pooling; with `returnIndices` also the flat h*W + w position of each maximum in its plane. */
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, opts?: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPool2dOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  const win = poolWindow("max_pool2d", input, kernelSize, opts.stride, opts.padding ?? 0, opts.dilation ?? 1, opts.ceilMode ?? false);
  const shape = outShape(input, win);
  const out = freshOutput(shape, input.dtype);
  const indices = freshOutput(shape, "int64");
  backend().maxPool2d(denseData(input) as F, win, out.storage as F, indices.storage);
  const y = record(out, "MaxPool2DWithIndicesBackward0", [input], (g) => {
    const gx = zeroedOutput(input.shape, input.dtype);
    backend().maxPool2dBackward(denseData(g) as F, indices.storage, win, gx.storage as F);
    // createGraph: the scatter's adjoint gathers gx's gradient at the same positions.
    return [recordAdjoint("MaxPool2DWithIndicesBackwardBackward0", gx, g, (gg) =>
      reshape(gather(flatten(gg, -2), -1, flatten(indices, -2)), shape))];
  });
  return opts.returnIndices ? [y, indices] : y;
}

/** Average pooling; `divisorOverride` replaces the window size as the divisor. */
export function avgPool2d(input: Tensor, kernelSize: IntOrTuple, opts: AvgPool2dOptions = {}): Tensor {
  const win = poolWindow("avg_pool2d", input, kernelSize, opts.stride, opts.padding ?? 0, 1, opts.ceilMode ?? false);
  const divisor = opts.divisorOverride ?? 0;
  if (opts.divisorOverride !== undefined && opts.divisorOverride !== null && divisor === 0) throw new ArgumentError("divisor must be not zero");
  const include = opts.countIncludePad ?? true;
  const out = freshOutput(outShape(input, win), input.dtype);
  backend().avgPool2d(denseData(input) as F, win, out.storage as F, include, divisor);
  return record(out, "AvgPool2DBackward0", [input], (g) => {
    const gx = zeroedOutput(input.shape, input.dtype);
    backend().avgPool2dBackward(denseData(g) as F, win, gx.storage as F, include, divisor);
    return [recordAdjoint("AvgPool2DBackwardBackward0", gx, g, (gg) => avgPool2d(gg, kernelSize, opts))];
  }, false);
}

/** Average pooling to a fixed output size; a null entry keeps that input dim's size. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  Tensor.check(input, "input");
  if (input.ndim !== 3 && input.ndim !== 4) {
    throw new ShapeError(`adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got ${fmtShape(input.shape)}`);
  }
  for (let d = input.ndim - 3; d < input.ndim; d++) {
    if (input.shape[d] === 0) {
      throw new ShapeError(
        `adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(input.shape)} with dimension ${d} being empty`,
      );
    }
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`"adaptive_avg_pool2d" not implemented for '${input.dtype}'`);
  const [H, W] = input.shape.slice(-2) as [number, number];
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : [...outputSize];
  if (sizes.length !== 2) throw new ArgumentError(`adaptive_avg_pool2d: output_size must be 2, got ${sizes.length}`);
  const [oH, oW] = [sizes[0] ?? H, sizes[1] ?? W];
  if (!Number.isInteger(oH) || !Number.isInteger(oW) || oH < 0 || oW < 0) {
    throw new ArgumentError(`adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {${oH}, ${oW}}`);
  }
  const win = { C: numelOf(input.shape.slice(0, -2)), H, W, oH, oW };
  const out = fresh([...input.shape.slice(0, -2), oH, oW], input.dtype);
  backend().adaptiveAvgPool2d(denseData(input) as F, win, out.storage as F);
  return record(out, "AdaptiveAvgPool2DBackward0", [input], (g) => {
    const gx = fresh(input.shape, input.dtype);
    backend().adaptiveAvgPool2dBackward(denseData(g) as F, win, gx.storage as F);
    return [recordAdjoint("AdaptiveAvgPool2DBackwardBackward0", gx, g, (gg) => adaptiveAvgPool2d(gg, outputSize))];
  }, false);
}
