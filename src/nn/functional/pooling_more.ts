/**
 * `torch.nn.functional`'s 1-d pools, adaptive max pools, max unpooling, pixel (un)shuffle and channel shuffle, with PyTorch's
 * parameters positionally or by keyword: `F.maxPool1d(x, 3, 2)`, `F.maxPool1d(x, 3, { stride: 2, returnIndices: true })`.
 */
import { ArgumentError } from "../../errors.ts";
import type { IntOrTuple } from "../../ops/conv.ts";
import * as P from "../../ops/pool1d.ts";
import { type MaxUnpool1dOptions, type MaxUnpool2dOptions, maxUnpool1d as maxUnpool1dOp, maxUnpool2d as maxUnpool2dOp } from "../../ops/max_unpool.ts";
import { channelShuffle as channelShuffleOp, pixelShuffle as pixelShuffleOp, pixelUnshuffle as pixelUnshuffleOp } from "../../ops/pixel_shuffle.ts";
import { type ValueType, checkArg, keywordArgs } from "../../options.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** PyTorch's positional-or-keyword parameters after input and the required first one (`first`). */
function params(fn: string, first: unknown, firstName: string, firstType: ValueType, rest: readonly unknown[], names: readonly string[], spec: Record<string, ValueType>): Record<string, unknown> {
  const where = `F.${fn}()`;
  const a = keywordArgs(where, [first, ...rest], [firstName, ...names], { [firstName]: firstType, ...spec });
  if (a[firstName] === undefined) throw new ArgumentError(`${where}: missing required argument '${firstName}'`);
  checkArg(where, a[firstName], firstType, 2, firstName);
  return a;
}

export interface MaxPool1dKeywords extends P.MaxPool1dOptions {
  kernelSize?: IntOrTuple;
}

const MAX1D = { stride: "ints?", padding: "ints", dilation: "ints", ceilMode: "boolean", returnIndices: "boolean" } as const;

type MaxArg = IntOrTuple | null | boolean | MaxPool1dKeywords;

/** F.max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False). */
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple | MaxPool1dKeywords, opts?: MaxPool1dKeywords & { returnIndices?: false }): Tensor;
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple | MaxPool1dKeywords, opts: MaxPool1dKeywords & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple | MaxPool1dKeywords, ...rest: MaxArg[]): Tensor | [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: IntOrTuple | MaxPool1dKeywords, ...rest: unknown[]): Tensor | [Tensor, Tensor] {
  const a = params("maxPool1d", kernelSize, "kernelSize", "ints", rest, ["stride", "padding", "dilation", "ceilMode", "returnIndices"], MAX1D);
  const { kernelSize: k, ...o } = a as MaxPool1dKeywords;
  return o.returnIndices ? P.maxPool1d(x, k!, { ...o, returnIndices: true }) : P.maxPool1d(x, k!, { ...o, returnIndices: false });
}

export interface AvgPool1dKeywords extends P.AvgPool1dOptions {
  kernelSize?: IntOrTuple;
}

/** F.avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export function avgPool1d(x: Tensor, kernelSize: IntOrTuple | AvgPool1dKeywords, ...rest: (IntOrTuple | null | boolean | AvgPool1dKeywords)[]): Tensor {
  const spec = { stride: "ints?", padding: "ints", ceilMode: "boolean", countIncludePad: "boolean" } as const;
  const a = params("avgPool1d", kernelSize, "kernelSize", "ints", rest, ["stride", "padding", "ceilMode", "countIncludePad"], spec);
  const { kernelSize: k, ...o } = a as AvgPool1dKeywords;
  return P.avgPool1d(x, k!, o);
}

/** F.adaptive_avg_pool1d(input, output_size). */
export function adaptiveAvgPool1d(x: Tensor, outputSize: IntOrTuple | { outputSize?: IntOrTuple }): Tensor {
  const a = params("adaptiveAvgPool1d", outputSize, "outputSize", "ints", [], [], {});
  return P.adaptiveAvgPool1d(x, a.outputSize as IntOrTuple);
}

export interface AdaptiveMaxKeywords<S> {
  outputSize?: S;
  returnIndices?: boolean;
}

type Size2d = number | readonly (number | null)[];

/** F.adaptive_max_pool1d(input, output_size, return_indices=False). */
export function adaptiveMaxPool1d(x: Tensor, outputSize: IntOrTuple | AdaptiveMaxKeywords<IntOrTuple>, returnIndices?: false | AdaptiveMaxKeywords<IntOrTuple> & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool1d(x: Tensor, outputSize: IntOrTuple | AdaptiveMaxKeywords<IntOrTuple>, returnIndices: true | AdaptiveMaxKeywords<IntOrTuple> & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: IntOrTuple | AdaptiveMaxKeywords<IntOrTuple>, returnIndices?: boolean | AdaptiveMaxKeywords<IntOrTuple>): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool1d(x: Tensor, outputSize: IntOrTuple | AdaptiveMaxKeywords<IntOrTuple>, returnIndices?: boolean | AdaptiveMaxKeywords<IntOrTuple>): Tensor | [Tensor, Tensor] {
  const a = params("adaptiveMaxPool1d", outputSize, "outputSize", "ints", [returnIndices], ["returnIndices"], { returnIndices: "boolean" });
  return a.returnIndices === true ? P.adaptiveMaxPool1d(x, a.outputSize as IntOrTuple, true) : P.adaptiveMaxPool1d(x, a.outputSize as IntOrTuple);
}

/** An int, or a tuple of ints and nulls (null keeps the input's size). */
const SIZE2D = "any" as const;

/** F.adaptive_max_pool2d(input, output_size, return_indices=False). */
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2d | AdaptiveMaxKeywords<Size2d>, returnIndices?: false | AdaptiveMaxKeywords<Size2d> & { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2d | AdaptiveMaxKeywords<Size2d>, returnIndices: true | AdaptiveMaxKeywords<Size2d> & { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2d | AdaptiveMaxKeywords<Size2d>, returnIndices?: boolean | AdaptiveMaxKeywords<Size2d>): Tensor | [Tensor, Tensor];
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2d | AdaptiveMaxKeywords<Size2d>, returnIndices?: boolean | AdaptiveMaxKeywords<Size2d>): Tensor | [Tensor, Tensor] {
  const a = params("adaptiveMaxPool2d", outputSize, "outputSize", SIZE2D, [returnIndices], ["returnIndices"], { returnIndices: "boolean" });
  checkSize2d("F.adaptiveMaxPool2d()", a.outputSize);
  return a.returnIndices === true ? P.adaptiveMaxPool2d(x, a.outputSize as Size2d, true) : P.adaptiveMaxPool2d(x, a.outputSize as Size2d);
}

/** Refuses an output size that is neither an int nor an array of ints and nulls. */
export function checkSize2d(where: string, v: unknown): void {
  if (Number.isInteger(v) || (Array.isArray(v) && v.every((s) => s === null || Number.isInteger(s)))) return;
  throw new ArgumentError(`${where}: argument 2 (outputSize) must be an int or a tuple of ints and nulls, got ${Array.isArray(v) ? "an array" : typeof v}`);
}

export interface MaxUnpool2dKeywords extends MaxUnpool2dOptions {
  kernelSize?: IntOrTuple;
}

/** F.max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool2d(x: Tensor, indices: Tensor, kernelSize: IntOrTuple | MaxUnpool2dKeywords, ...rest: (IntOrTuple | null | MaxUnpool2dKeywords)[]): Tensor {
  const spec = { stride: "ints?", padding: "ints", outputSize: "int[]?" } as const;
  const a = params("maxUnpool2d", kernelSize, "kernelSize", "ints", rest, ["stride", "padding", "outputSize"], spec);
  const { kernelSize: k, ...o } = a as MaxUnpool2dKeywords;
  return maxUnpool2dOp(x, indices, k!, o);
}

export interface MaxUnpool1dKeywords extends MaxUnpool1dOptions {
  kernelSize?: IntOrTuple;
}

/** F.max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None). */
export function maxUnpool1d(x: Tensor, indices: Tensor, kernelSize: IntOrTuple | MaxUnpool1dKeywords, ...rest: (IntOrTuple | null | MaxUnpool1dKeywords)[]): Tensor {
  const spec = { stride: "ints?", padding: "ints", outputSize: "int[]?" } as const;
  const a = params("maxUnpool1d", kernelSize, "kernelSize", "ints", rest, ["stride", "padding", "outputSize"], spec);
  const { kernelSize: k, ...o } = a as MaxUnpool1dKeywords;
  return maxUnpool1dOp(x, indices, k!, o);
}

/** F.pixel_shuffle(input, upscale_factor). */
export function pixelShuffle(x: Tensor, upscaleFactor: number | { upscaleFactor?: number }): Tensor {
  return pixelShuffleOp(x, params("pixelShuffle", upscaleFactor, "upscaleFactor", "int", [], [], {}).upscaleFactor as number);
}

/** F.pixel_unshuffle(input, downscale_factor). */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number | { downscaleFactor?: number }): Tensor {
  return pixelUnshuffleOp(x, params("pixelUnshuffle", downscaleFactor, "downscaleFactor", "int", [], [], {}).downscaleFactor as number);
}

/** F.channel_shuffle(input, groups). */
export function channelShuffle(x: Tensor, groups: number | { groups?: number }): Tensor {
  return channelShuffleOp(x, params("channelShuffle", groups, "groups", "int", [], [], {}).groups as number);
}
