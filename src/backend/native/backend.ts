import type { Backend } from "../backend.ts";
import { jsBackend } from "../js/index.ts";
import { type NativeFusedOptimizer, nativeFusedOptimizer } from "./fused_optim.ts";
import { nativeKernels } from "./kernels.ts";
import { hasKernels, loadNative } from "./loader.ts";

/**
 * The native backend: kernels the addon provides (GEMM; elementwise, broadcast, reduction, softmax
 * and copy kernels for float32/float64) run natively on the tensors' own memory; the rest fall
 * through to the JS kernels, so the backend is complete even while the addon grows.
 *
 * Beyond the Backend interface it carries `fusedOptimizer`, an optional capability that
 * src/optim/fused.ts looks for on the active backend: whole-group SGD/Adam updates in one call.
 */
export interface NativeBackend extends Backend {
  readonly fusedOptimizer?: NativeFusedOptimizer;
}

let cached: NativeBackend | null | undefined;

export function loadNativeBackend(): NativeBackend | null {
  if (cached !== undefined) return cached;
  const addon = loadNative();
  if (!addon) return (cached = null);
  const full = hasKernels(addon) ? addon : null;
  cached = {
    ...jsBackend,
    ...(full ? nativeKernels(full) : {}),
    name: "native",
    gemm: addon.gemm.bind(addon),
    setNumThreads: (n: number) => addon.setNumThreads(n),
    getNumThreads: () => addon.getNumThreads(),
    describe: () => `${addon.simdLevel()}, ${addon.getNumThreads()} threads`,
    ...(full ? { fusedOptimizer: nativeFusedOptimizer(full) } : {}),
  };
  return cached;
}
