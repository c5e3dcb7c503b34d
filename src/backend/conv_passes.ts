/**
 * The optional kernel "convPasses" (src/backend/kernels.ts): whole-batch convolution passes, which
 * src/ops/conv.ts uses instead of its per-sample loop of im2col + GEMM calls when the backend has
 * them. The window is one group's (C = channels / groups); `y` holds the bias (beta 1) or is
 * overwritten (beta 0); `gx` is zero-filled by the caller; `gw` is overwritten with the sum over the
 * batch. Each returns false, having written nothing, when it declines the call.
 */
import type { Window2d } from "./backend.ts";

type F = Float32Array | Float64Array;

/** Batch size, input channels, output channels and groups. */
export interface ConvDims {
  N: number;
  C: number;
  O: number;
  G: number;
}

export interface ConvPasses {
  forward(x: F, w: F, y: F, win: Window2d, dims: ConvDims, beta: 0 | 1, relu?: boolean): boolean;
  backwardInput(g: F, w: F, gx: F, win: Window2d, dims: ConvDims): boolean;
  backwardWeight(g: F, x: F, gw: F, win: Window2d, dims: ConvDims): boolean;
  /** Optional: `y` overwritten with the bias [O] plus the convolution, the bias written per sample inside the pass. */
  forwardBias?(x: F, w: F, bias: F, y: F, win: Window2d, dims: ConvDims, relu?: boolean): boolean;
  /** Optional: backwardWeight, and `gb` [O] overwritten with the bias gradient (g summed over N, H, W) in the same pass. */
  backwardWeightBias?(g: F, x: F, gw: F, gb: F, win: Window2d, dims: ConvDims): boolean;
  /**
   * Optional: true where forward and forwardBias honour their `relu` argument (ops/conv_relu.ts), applying
   * max(y, 0) inside the pass (the relu kernel's bits) when they take the call.
   */
  fusesRelu?: boolean;
}
