/**
 * The wasm backend's `fusedOptimizer` optional kernel (src/backend/fused_optimizer.ts): plain float32
 * SGD, the update of the seed's training, runs as a SIMD kernel over linear memory. In JS the loop costs
 * ~1.3-2 ns per parameter, a third of the seed MLP's step; staged in and out of linear memory at
 * memcpy speed it is about three times cheaper. Every other update (momentum, weight decay, maximize,
 * float64, Adam) is declined and runs the JS loop; results are bit-identical either way.
 */
import type { FusedOptimizer } from "../fused_optimizer.ts";
import { slot } from "./elementwise.ts";
import type { WasmRuntime } from "./runtime.ts";

/** Below this many elements a parameter is updated by the JS loop (the staging costs more). */
const MIN_ELEMS = 2048;

export function wasmFusedOptimizer(rt: WasmRuntime): FusedOptimizer {
  const kernel = rt.exports["sgd"];
  return {
    sgdStep(params, grads, bufs, _first, s) {
      if (!kernel || bufs !== null || s.wd !== 0 || s.maximize) return false;
      if (!params.every((p) => p instanceof Float32Array) || !grads.every((g) => g instanceof Float32Array)) return false;
      const largest = Math.max(0, ...params.map((p) => (p.length >= MIN_ELEMS ? p.length : 0)));
      const pPos = 64, gPos = pPos + slot(largest);
      // Reserved before anything is written, so a decline leaves every parameter untouched.
      if (largest > 0 && !rt.reserve(gPos + slot(largest))) return false;
      const negLr = s.negLr;
      params.forEach((p, i) => {
        const g = grads[i]! as Float32Array, n = p.length;
        if (n < MIN_ELEMS) {
          for (let j = 0; j < n; j++) p[j] = Math.fround(p[j]! + negLr * g[j]!);
          return;
        }
        const f = rt.f32();
        f.set(p, pPos / 4);
        f.set(g, gPos / 4);
        kernel(pPos, gPos, n, negLr);
        p.set(f.subarray(pPos / 4, pPos / 4 + n));
      });
      return true;
    },
    adamStep: () => false,
  };
}
