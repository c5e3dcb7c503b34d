import type { Backend } from "../backend.ts";
import { jsBackend } from "../js/index.ts";
import { loadNative } from "./loader.ts";

/**
 * The native backend: kernels the addon provides run natively on the tensors' own memory; the rest
 * fall through to the JS kernels, so the backend is complete even while the addon grows.
 */
let cached: Backend | null | undefined;

export function loadNativeBackend(): Backend | null {
  if (cached !== undefined) return cached;
  const addon = loadNative();
  cached = addon
    ? {
        ...jsBackend,
        name: "native",
        gemm: addon.gemm.bind(addon),
        setNumThreads: (n: number) => addon.setNumThreads(n),
        getNumThreads: () => addon.getNumThreads(),
        describe: () => `${addon.simdLevel()}, ${addon.getNumThreads()} threads`,
      }
    : null;
  return cached;
}
