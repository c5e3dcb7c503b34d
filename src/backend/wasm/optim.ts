/**
 * The wasm backend's `fusedOptimizer` optional kernel (src/backend/fused_optimizer.ts): float32 SGD,
 * plain or with momentum (no weight decay, not maximizing, not Nesterov: the updates of the seed's and
 * the CNN bench's training), runs as SIMD kernels over linear memory. In JS the loops cost ~1.3-5 ns
 * per parameter (6.5 ms of the CNN's step with momentum); staged in and out of linear memory at
 * memcpy speed they are several times cheaper. Every other update (weight decay, maximize, Nesterov,
 * float64, Adam) is declined and runs the JS loop; results are bit-identical either way.
 */
import type { FusedOptimizer } from "../fused_optimizer.ts";
import { slot } from "./elementwise.ts";
import type { WasmRuntime } from "./runtime.ts";
import { type GemmContext, splitCall } from "./gemm.ts";

/** Below this many elements a parameter is updated by the JS loop (the staging costs more). */
const MIN_ELEMS = 2048;

export function wasmFusedOptimizer(rt: WasmRuntime, ctx?: GemmContext): FusedOptimizer {
  const plain = rt.exports["sgd"], momentum = rt.exports["sgd_mom"];
  return {
    sgdStep(params, grads, bufs, first, s) {
      if (!plain || s.wd !== 0 || s.maximize || (bufs && (s.nesterov || !momentum))) return false;
      const all = [...params, ...grads, ...(bufs ?? [])];
      if (!all.every((a) => a instanceof Float32Array)) return false;
      const largest = Math.max(0, ...params.map((p) => (p.length >= MIN_ELEMS ? p.length : 0)));
      const pPos = 64, gPos = pPos + slot(largest), bPos = gPos + slot(largest);
      // Reserved before anything is written, so a decline leaves every parameter untouched.
      if (largest > 0 && !rt.reserve(bPos + slot(largest))) return false;
      const { negLr, mom, damp1 } = s, fr = Math.fround;
      params.forEach((p, i) => {
        const g = grads[i]! as Float32Array, b = bufs?.[i] as Float32Array | undefined, n = p.length;
        // The first step with momentum sets buf = g, then steps as plain SGD.
        if (b && first![i]) b.set(g);
        const withMom = b !== undefined && !first![i];
        if (n < MIN_ELEMS) {
          for (let j = 0; j < n; j++) {
            const d = withMom ? (b[j] = fr(fr(b[j]! * mom) + damp1 * g[j]!)) : g[j]!;
            p[j] = fr(p[j]! + negLr * d);
          }
          return;
        }
        const f = rt.f32();
        f.set(p, pPos / 4);
        f.set(g, gPos / 4);
        if (withMom) {
          f.set(b, bPos / 4);
          splitCall(rt, ctx, "sgd_mom", n, 4, n, (a, z) => [pPos + 4 * a, gPos + 4 * a, bPos + 4 * a, z - a, negLr, mom, damp1]);
          b.set(f.subarray(bPos / 4, bPos / 4 + n));
        } else splitCall(rt, ctx, "sgd", n, 4, n, (a, z) => [pPos + 4 * a, gPos + 4 * a, z - a, negLr]);
        p.set(f.subarray(pPos / 4, pPos / 4 + n));
      });
      return true;
    },
    adamStep: () => false,
  };
}
