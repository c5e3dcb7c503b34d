/**
 * Loader for the optional native addon (build/Release/kindling_native.node, built by `npm install`
 * through node-gyp from native/ and binding.gyp).
 *
 * The addon is found relative to the package root, located by walking up from this module to the
 * nearest directory with a package.json that has the built addon next to it, so the same code works
 * from src/ (tsx) and from dist/ (tsc output).
 *
 * Environment: KINDLING_NO_NATIVE=1 makes loadNative() return null; KINDLING_NUM_THREADS=n sets
 * the addon's initial thread count; KINDLING_NATIVE_SIMD=avx2|generic caps the kernel family;
 * KINDLING_MALLOC_TUNE=0 leaves the C allocator's thresholds alone (see ALLOCATOR below).
 */
import { log } from "../../log.ts";
import { createRequire, env, fileURLToPath, fs, isNode, path } from "../../platform/node.ts";
import type { CrossEntropyKernel } from "../cross_entropy.ts";
import type { LinearForward } from "../linear_forward.ts";
import type { RecurrentCells } from "../recurrent_cells.ts";

/** Kernel family the addon dispatched to at run time (best one the CPU supports by default). */
export type NativeSimdLevel = "avx512" | "avx2" | "generic";

export interface NativeAddon extends NativeKernels {
  /** The ABI the addon was built for (kd::napi::kAbiVersion); the loader uses only NATIVE_ABI_VERSION. */
  readonly abiVersion: number;
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
  /** Threads used by every kernel (1..256, process-wide). Default: the number of logical CPUs. */
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** The kernel family in use. */
  simdLevel(): NativeSimdLevel;
  /** Forces a kernel family the CPU supports (for testing and comparisons); returns the one in use. */
  setSimdLevel(level: NativeSimdLevel): NativeSimdLevel;
  /** Kernel families this CPU supports, lowest first. */
  supportedSimdLevels(): NativeSimdLevel[];
  /** Sets glibc's mmap and trim thresholds (bytes) for the whole process; false where the C library is not glibc. */
  tuneAllocator(mmapThreshold: number, trimThreshold: number): boolean;
  /**
   * Convolution's im2col (x[C,H,W] -> cols[C*kH*kW, oH*oW]) and col2im (cols added back into x), the JS
   * backend's loops bit for bit; win = [C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW]. false when the
   * arrays are not both float32 or both float64 (nothing written).
   */
  im2col(x: Float32Array | Float64Array, xOff: number, cols: Float32Array | Float64Array, colsOff: number, win: Float64Array): boolean;
  col2im(cols: Float32Array | Float64Array, colsOff: number, x: Float32Array | Float64Array, xOff: number, win: Float64Array): boolean;
  /**
   * Max pooling over win[0] planes and its backward (gx[plane, indices[k]] += g[k]), the JS loops bit for
   * bit; indices is int64 storage (a Float64Array). false, with nothing written, for other array types,
   * overlapping arrays, or (backward) an index outside its plane.
   */
  maxPool2d(x: Float32Array | Float64Array, out: Float32Array | Float64Array, indices: Float64Array, win: Float64Array): boolean;
  maxPool2dBackward(g: Float32Array | Float64Array, indices: Float64Array, gx: Float32Array | Float64Array, win: Float64Array): boolean;
  /**
   * Whole-batch convolution passes (src/backend/conv_passes.ts), samples split across threads; dims =
   * [N, C, O, G] (forward: and beta). false, with nothing written, for mixed or non-float arrays,
   * overlapping outputs, or scratch memory that cannot be had. Optional (ABI 2): the forward's `bias`
   * [O] written into y by the pass (beta must be 0), the weight pass's `gb` [O] = g summed over N, H, W.
   */
  convForward(x: Float32Array | Float64Array, w: Float32Array | Float64Array, y: Float32Array | Float64Array, win: Float64Array, dims: Float64Array, bias?: Float32Array | Float64Array | null): boolean;
  convBackwardInput(g: Float32Array | Float64Array, w: Float32Array | Float64Array, gx: Float32Array | Float64Array, win: Float64Array, dims: Float64Array): boolean;
  convBackwardWeight(g: Float32Array | Float64Array, x: Float32Array | Float64Array, gw: Float32Array | Float64Array, win: Float64Array, dims: Float64Array, gb?: Float32Array | Float64Array | null): boolean;
}

/**
 * Typed arrays are allocated by the C allocator. glibc mmaps blocks over its threshold and unmaps them
 * when they die, so each training step would fault its gradients in again page by page (an 8 MB GEMM
 * output: 4.4 ms into fresh pages, 0.36 ms into reused ones). Blocks up to 64 MB stay in the heap for
 * reuse, and up to 256 MB of free heap is kept rather than returned to the kernel at once.
 */
export const ALLOCATOR = { mmapThreshold: 64 << 20, trimThreshold: 256 << 20 };

function tuneAllocator(addon: NativeAddon): void {
  const flag = env["KINDLING_MALLOC_TUNE"];
  if (flag === "0") return;
  addon.tuneAllocator(ALLOCATOR.mmapThreshold, ALLOCATOR.trimThreshold);
}

/** Op names per kernel family, in op-code order: `unary(names.unary.indexOf("exp"), ...)`. */
export interface NativeOpNames {
  unary: string[];
  binary: string[];
  reduce: string[];
}

type F = Float32Array | Float64Array;
type AnyArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * The addon's elementwise, reduction, softmax, copy and fused-optimizer kernels (addon_ops.cc,
 * addon_optim.cc). They work on the typed arrays' memory in place and return true, or return false
 * without touching anything when the call is valid but outside what they cover (integer or mixed
 * dtypes, more than 16 dims, an output overlapping an input other than exactly in place), so the
 * caller runs its reference kernel instead. Malformed arguments (a view reaching outside its array,
 * an unknown op code) throw TypeError / RangeError. float32 results are bit-identical to the JS
 * backend's for everything but exp/log/tanh/sigmoid/expm1 and sums (within an ulp of double there).
 */
export interface NativeKernels {
  opNames(): NativeOpNames;
  /** out[i] = op(x[i]) for i < n; x, out both Float32Array or both Float64Array (out may be x). */
  unary(op: number, x: AnyArray, out: AnyArray, n: number): boolean;
  /**
   * out (contiguous) = op(a, b) over strided views; layout = [nd, shape[nd], aStrides[nd], bStrides[nd]].
   * Comparisons write 0/1 into a Uint8Array out.
   */
  binary(op: number, a: AnyArray, aOff: number, b: AnyArray, bOff: number, out: AnyArray, layout: Float64Array): boolean;
  binaryScalar(op: number, x: AnyArray, s: number, out: AnyArray, n: number, scalarFirst: boolean): boolean;
  /** [outer, size, inner] -> [outer, inner]; indices (max/min positions) must be a Float64Array. */
  reduce(op: number, x: AnyArray, out: AnyArray, outer: number, size: number, inner: number, indices: AnyArray | null): boolean;
  softmax(x: AnyArray, out: AnyArray, outer: number, size: number, inner: number, log: boolean): boolean;
  softmaxBackward(g: AnyArray, y: AnyArray, out: AnyArray, outer: number, size: number, inner: number, log: boolean): boolean;
  /** Strided view (layout = [nd, shape[nd], strides[nd]]) -> contiguous out, same type or float32 <-> float64. */
  copy(src: AnyArray, srcOff: number, out: AnyArray, layout: Float64Array): boolean;
  /**
   * Fused dropout (native/addon_dropout.cc; Backend.dropout): state a Uint32Array of the 4 xoshiro128**
   * words, advanced in place. Absent from addons built before it.
   */
  dropout?(state: Uint32Array, keepProb: number, scale: number, x: AnyArray, keep: Uint8Array | null, out: AnyArray, n: number): boolean;
  dropoutBackward?(keep: Uint8Array, scale: number, g: AnyArray, out: AnyArray, n: number): boolean;
  /** Fused layer norm, forward and backward (native/addon_norm.cc; Backend.layerNorm). Absent from addons built before it. */
  layerNorm?(x: AnyArray, w: AnyArray | null, b: AnyArray | null, out: AnyArray, xhat: AnyArray, rstd: AnyArray, rows: number, size: number, eps: number): boolean;
  layerNormBackward?(
    g: AnyArray, xhat: AnyArray, w: AnyArray | null, rstd: AnyArray, gx: AnyArray | null, gw: AnyArray | null, gb: AnyArray | null, rows: number, size: number,
  ): boolean;
  /** Fused recurrent cell steps (native/addon_recurrent.cc; the optional kernel recurrentCells). Absent from addons built before them. */
  lstmCellForward?: RecurrentCells["lstmForward"];
  lstmCellBackward?: RecurrentCells["lstmBackward"];
  gruCellForward?: RecurrentCells["gruForward"];
  gruCellBackward?: RecurrentCells["gruBackward"];
  rnnCellForward?: RecurrentCells["rnnForward"];
  rnnCellBackward?: RecurrentCells["rnnBackward"];
  /** Fused cross entropy (native/addon_loss.cc; the optional kernel crossEntropy). Absent from addons built before it. */
  crossEntropyForward?: CrossEntropyKernel["forward"];
  crossEntropyBackward?: CrossEntropyKernel["backward"];
  /** A linear layer's forward with its bias and ReLU epilogue (native/addon_linear.cc). Absent from addons built before it. */
  linearForward?: LinearForward;
  /**
   * One SGD step over many parameters (src/optim/sgd.ts's float32/float64 loops, bit for bit):
   * bufs null without momentum; first[i]: bufs[i] is new this step. Scalars rounded to the params' precision.
   */
  sgdStep(
    params: F[], grads: F[], bufs: F[] | null, first: boolean[] | null,
    negLr: number, wd: number, mom: number, damp1: number, nesterov: boolean, maximize: boolean,
  ): boolean;
  /** One Adam/AdamW step over many parameters (src/optim/adam.ts's loops, bit for bit). */
  adamStep(
    params: F[], grads: F[], expAvg: F[], expAvgSq: F[], maxExpAvgSq: F[] | null,
    negStepSize: number[], bc2Sqrt: number[],
    l2: number, decay: number, b1: number, omb1: number, b2: number, omb2: number, eps: number, maximize: boolean,
  ): boolean;
}

/**
 * The addon ABI this code is written against (native/kd_napi.h, kAbiVersion): an addon reporting
 * another version (or none: built before versions existed) is not used at all, rather than probed
 * member by member. Bump both together whenever an export is added, removed or changes its contract.
 */
export const NATIVE_ABI_VERSION = 2;

/**
 * The addon when it reports NATIVE_ABI_VERSION, else null with one warning naming both versions
 * (a build left over from other sources: `npm rebuild` makes a matching one).
 */
export function checkAbi(mod: unknown, warn: (msg: string) => void = (m) => log("warn", m)): NativeAddon | null {
  const version = typeof mod === "object" && mod !== null ? (mod as { abiVersion?: unknown }).abiVersion : undefined;
  if (version === NATIVE_ABI_VERSION) return mod as NativeAddon;
  const found = typeof version === "number" ? `version ${version}` : "no version (an older build)";
  warn(`native addon ${ADDON_PATH} has ABI ${found} but kindling expects version ${NATIVE_ABI_VERSION}; ` +
    "not using it (run npm rebuild)");
  return null;
}

// A plain string, not path.join: nothing here may touch Node at import time (the browser build imports it too).
const ADDON_PATH = "build/Release/kindling_native.node";

let cached: NativeAddon | null | undefined;

/** Directories from this module upwards that hold a package.json, nearest first. */
function packageRoots(): string[] {
  const roots: string[] = [];
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) roots.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) return roots;
    dir = parent;
  }
}

function tryLoad(): NativeAddon | null {
  if (!isNode) return null;
  const flag = env["KINDLING_NO_NATIVE"];
  if (flag !== undefined && flag !== "" && flag !== "0") return null;
  const require = createRequire(import.meta.url);
  for (const root of packageRoots()) {
    const file = path.join(root, ADDON_PATH);
    if (!fs.existsSync(file)) continue;
    try {
      const addon = checkAbi(require(file));
      if (addon) tuneAllocator(addon);
      return addon;
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
