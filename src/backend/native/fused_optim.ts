import type { NativeKernels } from "./loader.ts";

/**
 * The native backend's `fusedOptimizer` capability: whole-group SGD and Adam steps in one addon
 * call. The optimizers find it on the active backend (src/optim/fused.ts declares the shape it
 * needs); the kernel layer knows nothing of optimizers, so the types here are plain arrays and
 * numbers. Each returns false, having written nothing, when the addon declines the call.
 */
type F = Float32Array | Float64Array;

export interface NativeSgdScalars {
  negLr: number;
  wd: number;
  mom: number;
  damp1: number;
  nesterov: boolean;
  maximize: boolean;
}

export interface NativeAdamScalars {
  maximize: boolean;
  l2: number;
  decay: number;
  b1: number;
  omb1: number;
  b2: number;
  omb2: number;
  eps: number;
}

export interface NativeFusedOptimizer {
  sgdStep(params: F[], grads: F[], bufs: F[] | null, first: boolean[] | null, s: NativeSgdScalars): boolean;
  adamStep(
    params: F[], grads: F[], expAvg: F[], expAvgSq: F[], maxExpAvgSq: F[] | null,
    negStepSize: number[], bc2Sqrt: number[], s: NativeAdamScalars,
  ): boolean;
}

export function nativeFusedOptimizer(addon: NativeKernels): NativeFusedOptimizer {
  return {
    sgdStep: (params, grads, bufs, first, s) =>
      addon.sgdStep(params, grads, bufs, first, s.negLr, s.wd, s.mom, s.damp1, s.nesterov, s.maximize),
    adamStep: (params, grads, expAvg, expAvgSq, maxExpAvgSq, negStepSize, bc2Sqrt, s) =>
      addon.adamStep(params, grads, expAvg, expAvgSq, maxExpAvgSq, negStepSize, bc2Sqrt,
        s.l2, s.decay, s.b1, s.omb1, s.b2, s.omb2, s.eps, s.maximize),
  };
}
