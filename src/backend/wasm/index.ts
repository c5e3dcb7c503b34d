/**
 * The "wasm" backend: WebAssembly SIMD GEMM (relaxed-SIMD FMA where the runtime validates it, plain
 * mul+add otherwise), parallel over worker threads where shared memory is available and this thread
 * may block (Node; a Web Worker in a cross-origin-isolated page, never a page's main thread), and float32
 * kernels for the hot elementwise ops, column sums, im2col/col2im, max pooling and plain SGD updates,
 * and convolution passes whose columns stay in linear memory (conv.ts).
 * Every other kernel, float64 and integer dtypes, and layouts these kernels do not cover run on the
 * JS backend.
 *
 * Register it with `registerBackend("wasm", loadWasmBackend)`; loading is synchronous once the module
 * files are compiled (at once in Node, after loadWasmAssets() / `torch.ready()` in a browser).
 */
import type { Backend } from "../backend.ts";
import type { FusedOptimizer } from "../fused_optimizer.ts";
import { jsRegistry } from "../js/index.ts";
import { type FastKernel, KernelRegistry } from "../kernels.ts";
import { wasmBinary, wasmBinaryScalar, wasmReduce, wasmUnary } from "./elementwise.ts";
import { BLOCKING, wasmGemm, type GemmContext } from "./gemm.ts";
import { wasmConvPasses } from "./conv.ts";
import { wasmFusedOptimizer } from "./optim.ts";
import { createRuntime, type RuntimeOptions } from "./runtime.ts";
import { wasmAssetsSettled } from "./assets.ts";
import { TaskPool, canStartThreads, cpuCount } from "./threads.ts";
import { wasmCol2im, wasmIm2col, wasmMaxPool2d } from "./window.ts";

export interface WasmBackendOptions extends RuntimeOptions {
  /**
   * Total threads for large GEMMs (default: the CPU count up to 8; 1 without shared memory, and on a
   * browser's main thread, where waiting for workers would block the page).
   */
  threads?: number;
  /** Calls with fewer multiply-adds go to the JS kernel (default 384; 0 sends everything to WASM). */
  minMacs?: number;
}

export interface WasmBackendInfo {
  relaxed: boolean;
  shared: boolean;
  threads: number;
  /** Workers that have finished starting (threads - 1 once started and warm). */
  readyWorkers: number;
}

/** Below this many multiply-adds the JS kernel wins: staging and the call cost more than the math. */
const MIN_MACS = 384;

export interface WasmBackend extends Backend {
  /** Also its optional kernel "fusedOptimizer"; kept here for callers holding this backend itself. */
  readonly fusedOptimizer: FusedOptimizer;
  readonly info: () => WasmBackendInfo;
  /** Starts the worker threads if they are not yet, and resolves once they are ready (a no-op for one thread). */
  readonly whenReady: () => Promise<void>;
  setNumThreads(n: number): void;
  /** 1 plus the workers actually started (1 until the first large GEMM or whenReady(), or without shared memory). */
  getNumThreads(): number;
  describe(): string;
  /** Stops the workers; the backend keeps working single-threaded. */
  dispose(): Promise<void>;
}

/**
 * Runs small GEMMs of each layout, packed and read-in-place, until V8 has tiered every kernel up
 * (its baseline code is several times slower), so the first real call runs optimized code.
 */
function warmUp(ctx: GemmContext): void {
  const big = 384, n = 96, m = 16;
  const a = new Float32Array(big * n).fill(0.5), c = new Float32Array(big * n);
  const single = { ...ctx, pool: null };
  for (let i = 0; i < 3; i++) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const [M, N] of [[n, big], [big, n], [m, n], [n, m]]) {
        wasmGemm(single, ta, tb, M!, N!, n, 1, a, 0, ta ? M! : n, a, 0, tb ? n : N!, i & 1, c, 0, N!);
      }
    }
  }
}

export function createWasmBackend(opts: WasmBackendOptions = {}): WasmBackend | null {
  const rt = createRuntime(opts);
  if (!rt) return null;
  const minMacs = opts.minMacs ?? MIN_MACS;
  const wanted = opts.threads ?? Math.min(cpuCount(), 8);
  // Workers start on the first GEMM big enough to split (or whenReady()), not at load: a backend
  // that is only probed (availableBackends, setNumThreads on every backend) costs no threads.
  const canThread = rt.shared && canStartThreads();
  let threads = 1;
  let pool: TaskPool | null = null;
  const ctx: GemmContext = { rt, pool: null, threads: 1 };
  const startPool = (): void => {
    // A pool only grows: fewer threads just leave some workers asleep.
    if (threads > 1 && (!pool || pool.size < threads - 1)) {
      void pool?.terminate();
      pool = new TaskPool(rt.module, rt.memory, threads - 1);
    }
    ctx.pool = threads > 1 ? pool : null;
  };
  const setNumThreads = (n: number): void => {
    threads = canThread ? Math.max(1, Math.floor(n)) : 1;
    ctx.threads = threads;
    ctx.pool = threads > 1 ? pool : null;
    if (pool && pool.size < threads - 1) startPool();
  };
  warmUp(ctx);
  setNumThreads(wanted);

  /** Starts the workers on the first call big enough to split. */
  const prepare = (macs: number): void => {
    if (threads > 1 && !ctx.pool && macs >= BLOCKING.THREAD_MIN_MACS) startPool();
  };
  const gemm: FastKernel<"gemm"> = (transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) => {
    const f32 = A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array;
    const macs = M * N * K;
    prepare(macs);
    return f32 && M > 0 && N > 0 && K > 0 && alpha !== 0 && macs >= minMacs &&
      wasmGemm(ctx, transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
  };
  const fusedOptimizer = wasmFusedOptimizer(rt, ctx);
  const registry = new KernelRegistry("wasm", jsRegistry)
    .registerAllFast({
      gemm,
      unary: (op, x, out, n) => wasmUnary(rt, op, x, out, n, ctx),
      binary: (op, a, b, out, shape) => wasmBinary(rt, op, a, b, out, shape, ctx),
      binaryScalar: (op, x, s, out, n, scalarFirst) => wasmBinaryScalar(rt, op, x, s, out, n, scalarFirst, ctx),
      reduce: (op, x, out, outer, size, inner, indices) => !indices && wasmReduce(rt, op, x, out, outer, size, inner),
      im2col: (x, xOff, win, cols, colsOff) => wasmIm2col(rt, x, xOff, win, cols, colsOff),
      col2im: (cols, colsOff, win, x, xOff) => wasmCol2im(rt, cols, colsOff, win, x, xOff),
      maxPool2d: (x, win, out, indices) => wasmMaxPool2d(ctx, x, win, out, indices),
    })
    .registerOptional("fusedOptimizer", fusedOptimizer);
  registry.registerOptional("convPasses", wasmConvPasses(ctx, prepare));
  // Threads that really run: this one, plus the workers that have started (none until the first
  // GEMM big enough to split, or whenReady(); none at all without shared memory).
  const running = (): number => (ctx.pool ? 1 + Math.min(threads - 1, ctx.pool.readyCount()) : 1);

  const describe = (): string => {
    const n = running();
    return `${rt.relaxed ? "relaxed-simd" : "simd"}, ${n} thread${n > 1 ? "s" : ""}`;
  };

  return {
    ...registry.view({ setNumThreads, getNumThreads: running, describe }),
    describe,
    fusedOptimizer,
    info: () => ({ relaxed: rt.relaxed, shared: rt.shared, threads, readyWorkers: ctx.pool?.readyCount() ?? 0 }),
    whenReady: () => {
      startPool();
      return ctx.pool?.ready ?? Promise.resolve();
    },
    setNumThreads,
    getNumThreads: running,
    async dispose() {
      const p = pool;
      pool = null;
      setNumThreads(1);
      await p?.terminate();
    },
  };
}

let shared: WasmBackend | null | undefined;

/**
 * The process-wide wasm backend (created on first call), or null where WebAssembly SIMD is unavailable
 * (or, in a browser, while its modules are still being fetched: that null is not kept).
 */
export function loadWasmBackend(): WasmBackend | null {
  if (shared === undefined) {
    let made: WasmBackend | null = null;
    try {
      made = createWasmBackend();
    } catch {
      made = null;
    }
    // Not yet, rather than never: a browser asks again after loadWasmAssets().
    if (made === null && !wasmAssetsSettled()) return null;
    shared = made;
  }
  return shared;
}
