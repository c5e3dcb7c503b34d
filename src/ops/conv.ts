import type { Window2d } from "../backend/backend.ts";
import type { ConvDims } from "../backend/conv_passes.ts";
import { backend, optionalKernel } from "../backend/registry.ts";
import { recomputeGrads } from "../autograd/fused.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { allocStorage, isFloating } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { conv2dComposed } from "./conv_composed.ts";
import { sum } from "./reduce.ts";
import { denseData, fresh, freshOutput, zeroedOutput } from "./util.ts";
import { squeeze, unsqueeze } from "./views.ts";

/**
 * Convolutions as im2col + GEMM: each (sample, group) unfolds its input patch into columns
 * [C/g*kH*kW, oH*oW] and multiplies the group's weight rows by them. Backward reuses the same two
 * kernels with GEMM's transpose flags (weight^T @ grad, then col2im; grad @ columns^T), so no
 * transposed copy is ever made. Per-sample columns keep the scratch buffer small (one image's worth);
 * a 1x1 stride-1 unpadded conv skips im2col since the input already is its own column matrix.
 * A backend with the optional kernel "convPasses" (native, wasm) runs the same per-sample steps
 * itself, samples split across threads (src/backend/conv_passes.ts); the loops here are the
 * reference and the fallback.
 *
 * Why im2col rather than a direct loop (bench/conv.ts, conv 32->64 3x3 on 64x26x26): with the plain
 * JS GEMM both take ~2-3 s (same multiply-adds, same unit-stride inner loop), but im2col hands all the
 * arithmetic to the backend's GEMM, so a SIMD GEMM (native, wasm) runs it in ~30-120 ms, and backward
 * needs no kernels beyond im2col/col2im.
 */

type F = Float32Array | Float64Array;
export type IntOrTuple = number | readonly number[];
export type ConvPadding = IntOrTuple | "same" | "valid";

export interface ConvOptions {
  stride?: IntOrTuple;
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  groups?: number;
}

/** `v` as n integers: a number repeats, a 1-tuple repeats, an n-tuple stays. */
export function tupleArg(v: IntOrTuple, n: number, name: string): number[] {
  const a = typeof v === "number" ? new Array<number>(n).fill(v) : v.length === 1 ? new Array<number>(n).fill(v[0]!) : [...v];
  if (a.length !== n || a.some((x) => !Number.isInteger(x))) {
    throw new ArgumentError(`${name} must be an integer or a tuple of ${n} integers, got ${JSON.stringify(v)}`);
  }
  return a;
}

/** Checked conv arguments; `lo`/`hi` are the before/after padding of each spatial dim. */
interface ConvGeometry {
  stride: number[];
  dilation: number[];
  lo: number[];
  hi: number[];
  groups: number;
}

/** PyTorch's argument and shape checks, on the caller's own shapes so messages name them. */
function checkConv(input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions, k: number): ConvGeometry {
  const fn = `conv${k}d`;
  Tensor.check(input, "input");
  Tensor.check(weight, "weight");
  if (bias !== null) Tensor.check(bias, "bias");
  if (input.ndim !== k + 1 && input.ndim !== k + 2) {
    throw new ShapeError(`Expected ${k + 1}D (unbatched) or ${k + 2}D (batched) input to ${fn}, but got input of size: ${fmtShape(input.shape)}`);
  }
  if (weight.ndim < 3) throw new ShapeError("weight should have at least three dimensions");
  const x = input.ndim === k + 1 ? [1, ...input.shape] : [...input.shape];
  if (weight.ndim !== k + 2) {
    throw new ShapeError(
      `Expected ${weight.ndim}-dimensional input for ${weight.ndim}-dimensional weight ${fmtShape(weight.shape)}, but got ${x.length}-dimensional input of size ${fmtShape(x)} instead`,
    );
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`${fn}: expected a floating point input, got ${input.dtype}`);
  for (const [t, what] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t && t.dtype !== input.dtype) throw new DTypeError(`expected scalar type ${input.dtype} but found ${t.dtype} (${what})`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError("non-positive groups is not supported");
  const stride = tupleArg(opts.stride ?? 1, k, "stride");
  const dilation = tupleArg(opts.dilation ?? 1, k, "dilation");
  if (stride.some((s) => s <= 0)) throw new ArgumentError("non-positive stride is not supported");
  if (dilation.some((d) => d <= 0)) throw new ArgumentError(`dilation should be greater than zero, but got ${fmtShape(dilation)}`);
  const kernel = weight.shape.slice(2);
  const pad = opts.padding ?? 0;
  let lo: number[];
  let hi: number[];
  if (pad === "valid") lo = hi = new Array<number>(k).fill(0);
  else if (pad === "same") {
    if (stride.some((s) => s !== 1)) throw new ArgumentError("padding='same' is not supported for strided convolutions");
    // An even dilated kernel leaves one extra row/column of padding, which PyTorch puts after.
    const total = kernel.map((kk, i) => dilation[i]! * (kk - 1));
    lo = total.map((t) => Math.floor(t / 2));
    hi = total.map((t, i) => t - lo[i]!);
  } else if (typeof pad === "string") throw new ArgumentError(`Invalid padding string: '${pad}'`);
  else {
    lo = hi = tupleArg(pad, k, "padding");
    if (lo.some((p) => p < 0)) throw new ArgumentError("negative padding is not supported");
  }
  const O = weight.shape[0]!;
  if (O % groups !== 0) {
    throw new ShapeError(`Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${fmtShape(weight.shape)} instead`);
  }
  if (x[1] !== weight.shape[1]! * groups) {
    throw new ShapeError(
      `Given groups=${groups}, weight of size ${fmtShape(weight.shape)}, expected input${fmtShape(x)} to have ${weight.shape[1]! * groups} channels, but got ${x[1]} channels instead`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new ShapeError(
      `Given weight of size ${fmtShape(weight.shape)}, expected bias to be 1-dimensional with ${O} elements, but got bias of size ${fmtShape(bias.shape)} instead`,
    );
  }
  const padded = x.slice(2).map((s, i) => s + lo[i]! + hi[i]!);
  const dilated = kernel.map((kk, i) => dilation[i]! * (kk - 1) + 1);
  if (padded.some((p, i) => p < dilated[i]!)) {
    throw new ShapeError(
      `Calculated padded input size per channel: (${padded.join(" x ")}). Kernel size: (${dilated.join(" x ")}). Kernel size can't be greater than actual input size`,
    );
  }
  return { stride, dilation, lo, hi, groups };
}

/**
 * Checked, batched, 4-D operands: forward and backward of the convolution. With `relu` the output holds
 * max(conv, 0) (for conv_relu.ts, which records the ReLU): rectified inside the backend's pass where it
 * can, by one relu kernel call otherwise. The node's backward reads x and W only, never this output.
 */
function conv2dCore(x: Tensor, weight: Tensor, bias: Tensor | null, geo: ConvGeometry, relu = false): Tensor {
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, kH, kW] = weight.shape as [number, number, number, number];
  const { groups: G, stride, dilation, lo, hi } = geo;
  const oH = Math.floor((H + lo[0]! + hi[0]! - dilation[0]! * (kH - 1) - 1) / stride[0]!) + 1;
  const oW = Math.floor((W + lo[1]! + hi[1]! - dilation[1]! * (kW - 1) - 1) / stride[1]!) + 1;
  const win: Window2d = { C: Cg, H, W, kH, kW, sH: stride[0]!, sW: stride[1]!, pH: lo[0]!, pW: lo[1]!, dH: dilation[0]!, dW: dilation[1]!, oH, oW };
  const Og = O / G;
  const K = Cg * kH * kW;
  const L = oH * oW;
  const identityCols = kH === 1 && kW === 1 && win.sH === 1 && win.sW === 1 && lo.every((p) => p === 0) && hi.every((p) => p === 0);
  const k = backend();
  const X = denseData(x) as F;
  const Wt = denseData(weight) as F;
  let scratch: F | null = null;
  /** The column matrix of sample n, group g as (array, offset); computed into scratch unless identity. */
  const columns = (n: number, g: number): [F, number] => {
    const xOff = (n * C + g * Cg) * H * W;
    if (identityCols) return [X, xOff];
    scratch ??= allocStorage(x.dtype, K * L) as F;
    k.im2col(X, xOff, win, scratch, 0);
    return [scratch, 0];
  };

  const passes = optionalKernel("convPasses");
  const dims: ConvDims = { N, C, O, G };

  const out = freshOutput([N, O, oH, oW], x.dtype);
  const Y = out.storage as F;
  let rectifyAfter = false;
  const biasFused = bias !== null && passes?.forwardBias?.(X, Wt, denseData(bias) as F, Y, win, dims, relu) === true;
  // Bias first, broadcast over samples and positions, so the GEMMs accumulate onto it (beta = 1).
  if (bias && !biasFused) k.copy({ data: bias.storage, offset: bias.offset, strides: [0, bias.strides[0]!, 0] }, [N, O, L], Y);
  const passRan = biasFused || passes?.forward(X, Wt, Y, win, dims, bias ? 1 : 0, relu) === true;
  if (relu && !(passRan && passes?.fusesRelu === true)) rectifyAfter = true;
  if (!passRan) {
    for (let n = 0; n < N; n++) {
      for (let g = 0; g < G; g++) {
        const [B, bOff] = columns(n, g);
        k.gemm(false, false, Og, L, K, 1, Wt, g * Og * K, K, B, bOff, L, bias ? 1 : 0, Y, (n * O + g * Og) * L, L);
      }
    }
  }

  if (rectifyAfter) k.unary("relu", Y, Y, Y.length);

  return record(out, "ConvolutionBackward0", [x, weight, bias], (grad, needs) => {
    if (isGradEnabled()) return recomputeGrads([x, weight, bias], needs, grad, (x, w, b) => conv2dComposed(x!, w!, b, geo));
    const Gd = denseData(grad) as F;
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (needs[0]) {
      gx = zeroedOutput(x.shape, x.dtype);
      const GX = gx.storage as F;
      if (!passes?.backwardInput(Gd, Wt, GX, win, dims)) {
        const gcols = identityCols ? null : (allocStorage(x.dtype, K * L) as F);
        for (let n = 0; n < N; n++) {
          for (let g = 0; g < G; g++) {
            const xOff = (n * C + g * Cg) * H * W;
            const [D, dOff] = gcols ? [gcols, 0] : [GX, xOff];
            k.gemm(true, false, K, L, Og, 1, Wt, g * Og * K, K, Gd, (n * O + g * Og) * L, L, 0, D, dOff, L);
            if (gcols) k.col2im(gcols, 0, win, GX, xOff);
          }
        }
      }
    }
    let gb: Tensor | null = null;
    if (needs[1]) {
      gw = fresh(weight.shape, weight.dtype);
      const GW = gw.storage as F;
      // The bias gradient in the same pass over g when the backend has it.
      const gbFused = needs[2] ? freshOutput([O], weight.dtype) : null;
      if (gbFused && passes?.backwardWeightBias?.(Gd, X, GW, gbFused.storage as F, win, dims)) gb = gbFused;
      else if (!passes?.backwardWeight(Gd, X, GW, win, dims)) {
        for (let n = 0; n < N; n++) {
          for (let g = 0; g < G; g++) {
            const [B, bOff] = columns(n, g);
            k.gemm(false, true, Og, K, L, 1, Gd, (n * O + g * Og) * L, L, B, bOff, L, 1, GW, g * Og * K, K);
          }
        }
      }
    }
    if (needs[2] && !gb) gb = sum(grad, [0, 2, 3]);
    return [gx, gw, gb];
  });
}

/** 2-D convolution (cross-correlation) with PyTorch's semantics; input [N, C, H, W] or unbatched [C, H, W]. */
/** relu(conv2d(...)) values under the conv's own node, for a batched input (ops/conv_relu.ts records the ReLU). */
export function conv2dRectified(input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions): Tensor {
  const geo = checkConv(input, weight, bias, opts, 2);
  if (input.ndim !== 4) throw new ShapeError(`conv2dRectified: expected a batched 4-D input, got ${fmtShape(input.shape)}`);
  return conv2dCore(input, weight, bias, geo, true);
}

export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvOptions = {}): Tensor {
  const geo = checkConv(input, weight, bias, opts, 2);
  if (input.ndim === 3) return squeeze(conv2dCore(unsqueeze(input, 0), weight, bias, geo), 0);
  return conv2dCore(input, weight, bias, geo);
}

/** 1-D convolution over [N, C, L] (or [C, L]), run as a 2-D one with a height of 1 (views, no copies). */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvOptions = {}): Tensor {
  const g1 = checkConv(input, weight, bias, opts, 1);
  const geo: ConvGeometry = {
    groups: g1.groups,
    stride: [1, ...g1.stride],
    dilation: [1, ...g1.dilation],
    lo: [0, ...g1.lo],
    hi: [0, ...g1.hi],
  };
  const x = input.ndim === 2 ? unsqueeze(input, 0) : input;
  const out = squeeze(conv2dCore(unsqueeze(x, 2), unsqueeze(weight, 2), bias, geo), 2);
  return input.ndim === 2 ? squeeze(out, 0) : out;
}
