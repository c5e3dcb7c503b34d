import { isGradEnabled } from "../autograd/grad_mode.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { IntOrTuple } from "./conv.ts";
import { gather } from "./indexing.ts";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "./pool.ts";
import { denseData, fresh } from "./util.ts";
import { trunc } from "./elementwise.ts";
import { narrow, reshape, squeeze, to, unsqueeze } from "./views.ts";

/**
 * 1-d pooling over [N, C, L] or unbatched [C, L], as PyTorch runs it: the 2-d pool on [.., 1, L] with a
 * 1 x k window (so gradients and indices are the 2-d ones), after PyTorch's own 1-d argument checks.
 * Adaptive max pooling finds each window's maximum here (NaN wins, then the first of equal maxima)
 * and gathers it, the gather carrying the gradient to that element.
 */

export interface MaxPool1dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool1dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** The 2 to 3 dims PyTorch's checkDimRange asks of a 1-d pool's input. */
function checkDims(fn: string, x: Tensor): void {
  Tensor.check(x, "input");
  if (x.ndim < 2 || x.ndim > 3) {
    throw new ShapeError(`Expected 2 to 3 dimensions, but got ${x.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for ${fn})`);
  }
}

/** One int from an int or a one-element tuple ("kernel_size must be ... of size 1"). */
function single(fn: string, v: IntOrTuple, name: string): number {
  const a = typeof v === "number" ? [v] : v;
  if (a.length !== 1) throw new ArgumentError(`${fn}() ${name} must be an int, list of ints or tuple of ints of size 1 but got size ${a.length}`);
  return a[0]!;
}

const noStride = (s: IntOrTuple | null | undefined): boolean => s === null || s === undefined || (Array.isArray(s) && s.length === 0);

/** max_pool1d's own checks and output length (PyTorch's max_pool1d_impl, taken without indices). */
function maxPool1dLength(x: Tensor, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const fn = "max_pool1d";
  if (x.ndim < 2 || x.ndim > 3 || x.shape.slice(x.ndim === 3 ? 1 : 0).some((n) => n === 0)) {
    throw new ShapeError(`max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:${fmtShape(x.shape)}`);
  }
  if (k <= 0) throw new ArgumentError(`${fn}() kernel_size must be greater than zero, but got ${k}`);
  if (s <= 0) throw new ArgumentError(`${fn}() stride must be greater than zero, but got ${s}`);
  if (p < 0) throw new ArgumentError(`${fn}() padding must be non-negative, but got ${p}`);
  if (p > Math.floor(k / 2)) throw new ArgumentError(`${fn}() padding should be at most half of kernel size, but got padding=${p} and kernel_size=${k}`);
  if (d <= 0) throw new ArgumentError(`${fn}() dilation must be greater than zero, but got ${d}`);
  const L = x.shape[x.ndim - 1]!;
  let o = Math.floor((L + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= L + p) o--;
  if (o < 0) throw new ShapeError(`${fn}() Invalid computed output size: ${o}`);
  return o;
}

export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, opts?: MaxPool1dOptions & { returnIndices?: false }): Tensor;
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPool1dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool1d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPool1dOptions = {}): Tensor | [Tensor, Tensor] {
  Tensor.check(input, "input");
  // PyTorch computes indices too when the input requires grad, with that path's checks and messages.
  const withIndices = opts.returnIndices === true || (input.requiresGrad && isGradEnabled());
  if (opts.returnIndices) checkDims("max_pool1d", input);
  const k = single("max_pool1d", kernelSize, "kernel_size");
  const s = noStride(opts.stride) ? k : single("max_pool1d", opts.stride!, "stride");
  const p = single("max_pool1d", opts.padding ?? 0, "padding");
  const d = single("max_pool1d", opts.dilation ?? 1, "dilation");
  const ceilMode = opts.ceilMode ?? false;
  const o = { stride: [1, s], padding: [0, p], dilation: [1, d], ceilMode };
  const len = opts.returnIndices ? -1 : maxPool1dLength(input, k, s, p, d, ceilMode);
  if (withIndices) {
    const [v, i] = maxPool2d(unsqueeze(input, -2), [1, k], { ...o, returnIndices: true });
    return opts.returnIndices ? [squeeze(v, -2), squeeze(i, -2)] : squeeze(v, -2);
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`"max_pool1d_impl" not implemented for '${scalarTypeName(input.dtype)}'`);
  if (len === 0) return narrow(input, -1, 0, 0);
  return squeeze(maxPool2d(unsqueeze(input, -2), [1, k], o), -2);
}

/** Average pooling over the last dim of [N, C, L] or [C, L]. */
export function avgPool1d(input: Tensor, kernelSize: IntOrTuple, opts: AvgPool1dOptions = {}): Tensor {
  checkDims("avg_pool1d", input);
  const one = (v: IntOrTuple, name: string): number => {
    const a = typeof v === "number" ? [v] : v;
    if (a.length !== 1) throw new ArgumentError(`avg_pool1d() argument '${name}' should contain one int (got ${a.length})`);
    return a[0]!;
  };
  const k = one(kernelSize, "kernel_size");
  const s = noStride(opts.stride) ? k : one(opts.stride!, "stride");
  const p = one(opts.padding ?? 0, "padding");
  const o = { stride: [1, s], padding: [0, p], ceilMode: opts.ceilMode ?? false, countIncludePad: opts.countIncludePad ?? true };
  if (input.dtype === "int64") {
    // PyTorch's int64 kernel divides the window sum as C++ integers do: toward zero.
    return to(trunc(avgPool1d(to(input, "float64"), k, { ...opts, stride: s, padding: p })), "int64");
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`"avg_pool2d" not implemented for '${scalarTypeName(input.dtype)}'`);
  return squeeze(avgPool2d(unsqueeze(input, -2), [1, k], o), -2);
}

function adaptiveSize1d(fn: string, input: Tensor, outputSize: IntOrTuple): number {
  checkDims(fn, input);
  const a = typeof outputSize === "number" ? [outputSize] : outputSize;
  if (a.length !== 1) throw new ArgumentError(`${fn}() argument 'output_size' should contain one int (got ${a.length})`);
  return a[0]!;
}

/** Average pooling of the last dim down to `outputSize` windows. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: IntOrTuple): Tensor {
  const o = adaptiveSize1d("adaptive_avg_pool1d", input, outputSize);
  const empty = input.shape.slice(input.ndim - 2).some((n) => n === 0);
  if (!empty && !isFloating(input.dtype)) throw new DTypeError(`"adaptive_avg_pool2d" not implemented for '${scalarTypeName(input.dtype)}'`);
  return squeeze(adaptiveAvgPool2d(unsqueeze(input, -2), [1, o]), -2);
}

export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrTuple, returnIndices?: false): Tensor;
export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrTuple, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool1d(input: Tensor, outputSize: IntOrTuple, returnIndices = false): Tensor | [Tensor, Tensor] {
  const o = adaptiveSize1d("adaptive_max_pool1d", input, outputSize);
  const [v, i] = adaptiveMaxPool2d(unsqueeze(input, -2), [1, o], true);
  return returnIndices ? [squeeze(v, -2), squeeze(i, -2)] : squeeze(v, -2);
}

/** Window [start, end) of output cell i of n over a length-L dim (PyTorch's start_index / end_index). */
const start = (i: number, n: number, L: number): number => Math.floor((i * L) / n);
const end = (i: number, n: number, L: number): number => Math.ceil(((i + 1) * L) / n);

export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], returnIndices?: false): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | readonly (number | null)[], returnIndices = false): Tensor | [Tensor, Tensor] {
  Tensor.check(input, "input");
  if (input.ndim !== 3 && input.ndim !== 4) throw new ShapeError(`adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: ${fmtShape(input.shape)}`);
  for (let d = input.ndim - 3; d < input.ndim; d++) {
    if (input.shape[d] === 0) {
      throw new ShapeError(
        `adaptive_max_pool2d(): Expected input to have non-zero size for non-batch dimensions, but input has sizes ${fmtShape(input.shape)} with dimension ${d} being empty`,
      );
    }
  }
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : [...outputSize];
  if (sizes.length !== 2) throw new ArgumentError("adaptive_max_pool2d(): internal error: output_size.size() must be 2");
  const [H, W] = input.shape.slice(-2) as [number, number];
  const oH = sizes[0] ?? H;
  const oW = sizes[1] ?? W;
  const lead = input.shape.slice(0, -2);
  if (oH < 0 || oW < 0) throw new ShapeError(`Trying to create tensor with negative dimension ${oH < 0 ? oH : oW}: ${fmtShape([...lead, oH, oW])}`);
  if (!isFloating(input.dtype)) throw new DTypeError(`"adaptive_max_pool2d" not implemented for '${scalarTypeName(input.dtype)}'`);
  const planes = lead.reduce((a, b) => a * b, 1);
  const data = denseData(input);
  const idx = fresh([...lead, oH * oW], "int64");
  const out = idx.storage;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let i = 0; i < oH; i++) {
      const h0 = start(i, oH, H);
      const h1 = end(i, oH, H);
      for (let j = 0; j < oW; j++) {
        const w0 = start(j, oW, W);
        const w1 = end(j, oW, W);
        let best = h0 * W + w0;
        let max = -Infinity;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const v = data[base + h * W + w] as number;
            if (v > max || Number.isNaN(v)) {
              max = v;
              best = h * W + w;
            }
          }
        }
        out[(p * oH + i) * oW + j] = best;
      }
    }
  }
  const values = reshape(gather(reshape(input, [...lead, H * W]), -1, idx), [...lead, oH, oW]);
  return returnIndices ? [values, reshape(idx, [...lead, oH, oW])] : values;
}
