import type { FusedOptimizer } from "../fused_optimizer.ts";
import type { NativeAddon } from "./loader.ts";

/**
 * The native backend's `fusedOptimizer` optional kernel (src/backend/fused_optimizer.ts): whole-group SGD
 * and Adam steps in one addon call. Each returns false, having written nothing, when the addon
 * declines the call.
 */
export function nativeFusedOptimizer(addon: NativeAddon): FusedOptimizer {
  return {
    sgdStep: (params, grads, bufs, first, s) =>
      addon.sgdStep(params, grads, bufs, first, s.negLr, s.wd, s.mom, s.damp1, s.nesterov, s.maximize),
    adamStep: (params, grads, expAvg, expAvgSq, maxExpAvgSq, negStepSize, bc2Sqrt, s) =>
      addon.adamStep(params, grads, expAvg, expAvgSq, maxExpAvgSq, negStepSize, bc2Sqrt,
        s.l2, s.decay, s.b1, s.omb1, s.b2, s.omb2, s.eps, s.maximize),
  };
}
