/**
 * 3-d pooling composed from the 2-d kernels: max and average windows are separable (a max of maxes; a sum
 * of sums over a divisor that is a product of per-dim counts), so each pools H and W with the 2-d op on
 * [N, C*D, H, W] and then combines depth slices. The maxima keep PyTorch's flat indices d*H*W + h*W + w
 * and its tie rule (the first maximum in d, h, w order gets the gradient).
 */
import { ArgumentError, ShapeError } from "../errors.ts";
import { full, tensor } from "../tensor/creation.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type IntOrTuple, tupleArg } from "./conv.ts";
import { cat, stack } from "./join.ts";
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from "./pool.ts";
import { adaptiveAvgPool1d, adaptiveMaxPool2d } from "./pool1d.ts";
import { checkOptions } from "../options.ts";

export interface MaxPool3dOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

export interface AvgPool3dOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** PyTorch's pooling_output_shape: with ceilMode the last window must still start inside the input or its left padding. */
function outSize(size: number, k: number, pad: number, stride: number, dil: number, ceil: boolean): number {
  let o = Math.floor((size + 2 * pad - dil * (k - 1) - 1 + (ceil ? stride - 1 : 0)) / stride) + 1;
  if (ceil && (o - 1) * stride >= size + pad) o--;
  return o;
}

/** [N, C, D, H, W], an unbatched input as a batch of one; PyTorch's 3-d pools word the error so. */
function batched(input: Tensor, op: string): Tensor {
  Tensor.check(input, "input");
  if ((input.ndim !== 4 && input.ndim !== 5) || input.shape.slice(1).some((s) => s === 0)) {
    const shape = fmtShape(input.shape);
    if (op === "adaptive_avg_pool3d") throw new ShapeError(`adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got ${shape}`);
    if (op === "adaptive_max_pool3d") throw new ShapeError(`adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: ${shape}`);
    throw new ShapeError("non-empty 4D or 5D (batch mode) tensor expected for input");
  }
  return input.ndim === 4 ? input.unsqueeze(0) : input;
}

interface Geometry {
  k: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
}

function geometry(kernelSize: IntOrTuple, stride: IntOrTuple | null | undefined, padding: IntOrTuple | undefined, dilation: IntOrTuple | undefined): Geometry {
  const k = tupleArg(kernelSize, 3, "kernel_size");
  const s = stride === null || stride === undefined || (Array.isArray(stride) && stride.length === 0) ? k : tupleArg(stride, 3, "stride");
  const p = tupleArg(padding ?? 0, 3, "padding");
  const d = tupleArg(dilation ?? 1, 3, "dilation");
  if (k.some((v) => v <= 0)) throw new ArgumentError(`kernel_size must be greater than zero, but got kT: ${k[0]} kH: ${k[1]} kW: ${k[2]}`);
  if (s.some((v) => v <= 0)) throw new ArgumentError(`stride should be greater than zero, but got dT: ${s[0]} dH: ${s[1]} dW: ${s[2]}`);
  if (d.some((v) => v <= 0)) throw new ArgumentError(`dilation should be greater than zero, but got dilationT: ${d[0]} dilationH: ${d[1]} dilationW: ${d[2]}`);
  if (p.some((v, i) => v > Math.floor(k[i]! / 2))) throw new ArgumentError("pad should be smaller than or equal to half of kernel size");
  return { k, stride: s, padding: p, dilation: d };
}

/** x [N, C, D, ...] padded along depth to `total` planes: `lo` before, the rest after, with `value`. */
function padDepth(x: Tensor, lo: number, total: number, value: number): Tensor {
  const hi = total - lo - x.shape[2]!;
  const parts: Tensor[] = [];
  const plane = (n: number): Tensor => full([x.shape[0]!, x.shape[1]!, n, ...x.shape.slice(3)], value, { dtype: x.dtype });
  if (lo > 0) parts.push(plane(lo));
  parts.push(hi < 0 ? x.slice(2, 0, x.shape[2]! + hi) : x);
  if (hi > 0) parts.push(plane(hi));
  return parts.length === 1 ? parts[0]! : cat(parts, 2);
}

/** The kD depth taps of every output plane: [kD, N, C, Do, ...]. */
function depthTaps(x: Tensor, k: number, stride: number, dil: number, out: number): Tensor {
  const taps: Tensor[] = [];
  for (let kd = 0; kd < k; kd++) taps.push(x.slice(2, kd * dil, kd * dil + (out - 1) * stride + 1, stride));
  return stack(taps, 0);
}

/** F.max_pool3d over [N, C, D, H, W] (or [C, D, H, W]); with returnIndices also the flat index into each D*H*W volume. */
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, opts?: MaxPool3dOptions & { returnIndices?: false }): Tensor;
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPool3dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool3d(input: Tensor, kernelSize: IntOrTuple, opts: MaxPool3dOptions & { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  checkOptions("F.maxPool3d()", opts, { stride: "ints?", padding: "ints", dilation: "ints", ceilMode: "boolean", returnIndices: "boolean" }, { index: 3, positional: "stride" });
  const x = batched(input, "max_pool3d");
  const g = geometry(kernelSize, opts.stride, opts.padding, opts.dilation);
  const ceil = opts.ceilMode ?? false;
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const Do = outSize(D, g.k[0]!, g.padding[0]!, g.stride[0]!, g.dilation[0]!, ceil);
  if (Do <= 0) throw new ShapeError(`Given input size: (${C}x${D}x${H}x${W}). Calculated output size: (${C}x${Do}x?x?). Output size is too small`);
  const [plane, planeIdx] = maxPool2d(x.reshape([N, C * D, H, W]), g.k.slice(1), {
    stride: g.stride.slice(1), padding: g.padding.slice(1), dilation: g.dilation.slice(1), ceilMode: ceil, returnIndices: true,
  });
  const [Ho, Wo] = plane.shape.slice(2) as [number, number];
  const total = (Do - 1) * g.stride[0]! + g.dilation[0]! * (g.k[0]! - 1) + 1;
  const vals = padDepth(plane.reshape([N, C, D, Ho, Wo]), g.padding[0]!, total, -Infinity);
  const taps = depthTaps(vals, g.k[0]!, g.stride[0]!, g.dilation[0]!, Do);
  const which = taps.argmax(0, true);
  const out = taps.gather(0, which).squeeze(0);
  const res = input.ndim === 4 ? out.squeeze(0) : out;
  if (opts.returnIndices !== true) return res;
  // The depth each maximum came from, and its plane index there: d*H*W + (h*W + w).
  const hw = padDepth(planeIdx.reshape([N, C, D, Ho, Wo]), g.padding[0]!, total, 0);
  const hwIdx = depthTaps(hw, g.k[0]!, g.stride[0]!, g.dilation[0]!, Do).gather(0, which).squeeze(0);
  const od = tensor(Array.from({ length: Do }, (_, i) => i * g.stride[0]! - g.padding[0]!), { dtype: "int64" }).reshape([1, 1, Do, 1, 1]);
  const d = which.squeeze(0).mul(g.dilation[0]!).add(od);
  const idx = d.mul(H * W).add(hwIdx);
  return [res, input.ndim === 4 ? idx.squeeze(0) : idx];
}

/** Per-output divisor along one dim (PyTorch's avg_pool count): the window clipped to input+padding, or to the input alone. */
function counts(size: number, k: number, pad: number, stride: number, out: number, includePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * stride - pad;
    const end = Math.min(start + k, size + pad);
    return includePad ? end - start : Math.min(end, size) - Math.max(start, 0);
  });
}

/** F.avg_pool3d over [N, C, D, H, W] (or [C, D, H, W]), with PyTorch's padding, ceil mode and divisor rules. */
export function avgPool3d(input: Tensor, kernelSize: IntOrTuple, opts: AvgPool3dOptions = {}): Tensor {
  checkOptions("F.avgPool3d()", opts, { stride: "ints?", padding: "ints", ceilMode: "boolean", countIncludePad: "boolean", divisorOverride: "int?" }, { index: 3, positional: "stride" });
  const x = batched(input, "avg_pool3d");
  const g = geometry(kernelSize, opts.stride, opts.padding, 1);
  const ceil = opts.ceilMode ?? false;
  const includePad = opts.countIncludePad ?? true;
  const divisor = opts.divisorOverride ?? null;
  if (divisor !== null && (!Number.isInteger(divisor) || divisor === 0)) throw new ArgumentError("divisor must be not zero");
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const out = [D, H, W].map((s, i) => outSize(s, g.k[i]!, g.padding[i]!, g.stride[i]!, 1, ceil));
  if (out.some((o) => o <= 0)) throw new ShapeError(`Given input size: (${C}x${D}x${H}x${W}). Calculated output size: (${C}x${out.join("x")}). Output size is too small`);
  const [Do, Ho, Wo] = out as [number, number, number];
  // Window sums over H and W (divisor 1), then over the depth taps.
  const sums = avgPool2d(x.reshape([N, C * D, H, W]), g.k.slice(1), { stride: g.stride.slice(1), padding: g.padding.slice(1), ceilMode: ceil, divisorOverride: 1 });
  const total = (Do - 1) * g.stride[0]! + g.k[0]!;
  const taps = depthTaps(padDepth(sums.reshape([N, C, D, Ho, Wo]), g.padding[0]!, total, 0), g.k[0]!, g.stride[0]!, 1, Do);
  let y = taps.sum(0);
  if (divisor !== null) y = y.div(divisor);
  else {
    const [cd, ch, cw] = [D, H, W].map((s, i) => counts(s, g.k[i]!, g.padding[i]!, g.stride[i]!, out[i]!, includePad));
    const div = tensor(cd!, { dtype: x.dtype }).reshape([Do, 1, 1]).mul(tensor(ch!, { dtype: x.dtype }).reshape([1, Ho, 1])).mul(tensor(cw!, { dtype: x.dtype }).reshape([1, 1, Wo]));
    y = y.div(div);
  }
  return input.ndim === 4 ? y.squeeze(0) : y;
}

type Size3 = number | readonly (number | null)[];

function adaptiveSizes(x: Tensor, outputSize: Size3): number[] {
  const s = typeof outputSize === "number" ? [outputSize, outputSize, outputSize] : outputSize.length === 1 ? [outputSize[0]!, outputSize[0]!, outputSize[0]!] : [...outputSize];
  if (s.length !== 3) throw new ArgumentError(`adaptive pool 3d: output_size must be 3, got ${s.length} values`);
  return s.map((v, i) => (v === null ? x.shape[i + 2]! : v));
}

/** F.adaptive_avg_pool3d: windows floor(i*In/Out) .. ceil((i+1)*In/Out) per dim, averaged (separable). */
export function adaptiveAvgPool3d(input: Tensor, outputSize: Size3): Tensor {
  const x = batched(input, "adaptive_avg_pool3d");
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [Do, Ho, Wo] = adaptiveSizes(x, outputSize) as [number, number, number];
  const hw = adaptiveAvgPool2d(x.reshape([N, C * D, H, W]), [Ho, Wo]).reshape([N, C, D, Ho * Wo]);
  // depth last for the 1-d pool: [N, C*Ho*Wo, D]
  const d = adaptiveAvgPool1d(hw.permute([0, 1, 3, 2]).reshape([N, C * Ho * Wo, D]), Do);
  const y = d.reshape([N, C, Ho, Wo, Do]).permute([0, 1, 4, 2, 3]).contiguous();
  return input.ndim === 4 ? y.squeeze(0) : y;
}

/** F.adaptive_max_pool3d; with returnIndices also the flat index into each D*H*W volume. */
export function adaptiveMaxPool3d(input: Tensor, outputSize: Size3, returnIndices?: false): Tensor;
export function adaptiveMaxPool3d(input: Tensor, outputSize: Size3, returnIndices: true): [Tensor, Tensor];
export function adaptiveMaxPool3d(input: Tensor, outputSize: Size3, returnIndices = false): Tensor | [Tensor, Tensor] {
  const x = batched(input, "adaptive_max_pool3d");
  const [N, C, D, H, W] = x.shape as [number, number, number, number, number];
  const [Do, Ho, Wo] = adaptiveSizes(x, outputSize) as [number, number, number];
  const [plane, planeIdx] = adaptiveMaxPool2d(x.reshape([N, C * D, H, W]), [Ho, Wo], true);
  const vals = plane.reshape([N, C, D, Ho, Wo]);
  const idx = planeIdx.reshape([N, C, D, Ho, Wo]);
  const outs: Tensor[] = [];
  const inds: Tensor[] = [];
  for (let o = 0; o < Do; o++) {
    const start = Math.floor((o * D) / Do);
    const end = Math.ceil(((o + 1) * D) / Do);
    const win = vals.slice(2, start, end);
    const which = win.argmax(2, true);
    outs.push(win.gather(2, which));
    if (returnIndices) inds.push(which.add(start).mul(H * W).add(idx.slice(2, start, end).gather(2, which)));
  }
  const y = cat(outs, 2);
  const res = input.ndim === 4 ? y.squeeze(0) : y;
  if (!returnIndices) return res;
  const i = cat(inds, 2);
  return [res, input.ndim === 4 ? i.squeeze(0) : i];
}
