/**
 * Loader for the optional native addon (build/Release/kindling_native.node, built by `npm install`
 * through node-gyp from native/ and binding.gyp).
 *
 * The addon is found relative to the package root, located by walking up from this module to the
 * nearest directory with a package.json that has the built addon next to it, so the same code works
 * from src/ (tsx) and from dist/ (tsc output).
 *
 * Environment: KINDLING_NO_NATIVE=1 makes loadNative() return null; KINDLING_NUM_THREADS=n sets
 * the addon's initial thread count; KINDLING_NATIVE_SIMD=avx2|generic caps the kernel family.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Kernel family the addon dispatched to at run time (best one the CPU supports by default). */
export type NativeSimdLevel = "avx512" | "avx2" | "generic";

export interface NativeAddon {
  /**
   * C[cOff..] = alpha * op(A) @ op(B) + beta * C, row-major, with the contract of `Backend.gemm`:
   * op(A) is MxK, op(B) is KxN, lda/ldb/ldc are row strides of the stored matrices, offsets are in
   * elements, and beta == 0 overwrites C. A, B and C must all be Float32Array or all Float64Array,
   * and C must not share memory with A or B. Throws TypeError / RangeError on invalid arguments.
   */
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: Float32Array | Float64Array, aOff: number, lda: number,
    B: Float32Array | Float64Array, bOff: number, ldb: number,
    beta: number, C: Float32Array | Float64Array, cOff: number, ldc: number,
  ): void;
  /** Threads used by gemm (1..256, process-wide). Default: the number of logical CPUs. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** The kernel family in use. */
  simdLevel(): NativeSimdLevel;
  /** Forces a kernel family the CPU supports (for testing and comparisons); returns the one in use. */
  setSimdLevel(level: NativeSimdLevel): NativeSimdLevel;
  /** Kernel families this CPU supports, lowest first. */
  supportedSimdLevels(): NativeSimdLevel[];
}

const ADDON_PATH = join("build", "Release", "kindling_native.node");

let cached: NativeAddon | null | undefined;

/** Directories from this module upwards that hold a package.json, nearest first. */
function packageRoots(): string[] {
  const roots: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) roots.push(dir);
    const parent = dirname(dir);
    if (parent === dir) return roots;
    dir = parent;
  }
}

function isAddon(x: unknown): x is NativeAddon {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  return ["gemm", "setNumThreads", "getNumThreads", "simdLevel", "setSimdLevel", "supportedSimdLevels"]
    .every((k) => typeof o[k] === "function");
}

function tryLoad(): NativeAddon | null {
  const flag = process.env["KINDLING_NO_NATIVE"];
  if (flag !== undefined && flag !== "" && flag !== "0") return null;
  const require = createRequire(import.meta.url);
  for (const root of packageRoots()) {
    const file = join(root, ADDON_PATH);
    if (!existsSync(file)) continue;
    try {
      const mod: unknown = require(file);
      return isAddon(mod) ? mod : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** The native addon, or null when it was not built or cannot be loaded here. Never throws. */
export function loadNative(): NativeAddon | null {
  if (cached === undefined) {
    try {
      cached = tryLoad();
    } catch {
      cached = null;
    }
  }
  return cached;
}
