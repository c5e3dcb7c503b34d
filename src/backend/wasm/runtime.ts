/**
 * Instantiates the GEMM module synchronously (so `setBackend("wasm")` needs no await once the module
 * is compiled: at once in Node, after `torch.ready()` in a browser, see assets.ts) and owns its linear
 * memory: one arena that grows on demand and is shared with worker threads when the runtime supports
 * shared memory.
 */
import { type GemmVariant, type WasmModule, gemmModule } from "./assets.ts";
import { MEMORY_PAGES } from "./gemm_assets.ts";

// The project's TS lib has no WebAssembly typings; this is the slice of the JS API we use.
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type { WasmModule };
interface WasmApi {
  Instance: new (m: WasmModule, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** gemm(aRaw, aLd, aTrans, bRaw, bLd, bTrans, C, ldc, K, mt0, mt1, nt0, nt1, packA, packB, alpha, beta, loadC, KC, MCt, NCt, direct) */
export type GemmFn = (...args: number[]) => void;

export interface WasmRuntime {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly shared: boolean;
  readonly relaxed: boolean;
  readonly gemm: GemmFn;
  /** Every export by name (the elementwise kernels are looked up here). */
  readonly exports: Readonly<Record<string, (...args: number[]) => unknown>>;
  /** The exports in order, and each one's index there (how a Job names its calls). */
  readonly fns: ((...args: number[]) => unknown)[];
  readonly id: Readonly<Record<string, number>>;
  /** A Float32Array over the whole memory, refreshed after growth. */
  f32(): Float32Array;
  /** Makes the memory at least `bytes` long; false when it cannot grow that far. */
  reserve(bytes: number): boolean;
}

const PAGE = 65536;

/** Shared memory needs the threads feature (and cross-origin isolation in browsers); try it first. */
function makeMemory(shared: boolean): WasmMemory | null {
  // A smaller maximum still links (the import only bounds it from above) and suits 32-bit hosts.
  for (const maximum of [MEMORY_PAGES.max, 16384, 4096]) {
    try {
      return new WA!.Memory({ initial: MEMORY_PAGES.min, maximum, shared });
    } catch {
      // fall through to a smaller reservation
    }
  }
  return null;
}

export interface RuntimeOptions {
  /** Use the relaxed-SIMD FMA variant: true/false forces, undefined picks it when the runtime validates it. */
  relaxed?: boolean;
  /** Allow shared memory (needed for threads); default true. */
  shared?: boolean;
}

/** Compiles and instantiates a variant; null when WebAssembly SIMD is not available here. */
export function createRuntime(opts: RuntimeOptions = {}): WasmRuntime | null {
  if (!WA) return null;
  const canRelaxed = gemmModule("relaxedPlain") !== null || gemmModule("relaxedShared") !== null;
  if (opts.relaxed === true && !canRelaxed) return null;
  const relaxed = opts.relaxed ?? canRelaxed;
  for (const shared of opts.shared === false ? [false] : [true, false]) {
    const variant: GemmVariant = shared ? (relaxed ? "relaxedShared" : "simdShared") : (relaxed ? "relaxedPlain" : "simdPlain");
    const module = gemmModule(variant);
    if (!module) continue;
    const memory = makeMemory(shared);
    if (!memory) continue;
    try {
      const inst = new WA.Instance(module, { env: { memory } });
      return finish(module, memory, shared, relaxed, inst.exports as WasmRuntime["exports"]);
    } catch {
      // e.g. shared memory rejected by this host: try the next variant
    }
  }
  return null;
}

function finish(module: WasmModule, memory: WasmMemory, shared: boolean, relaxed: boolean,
  exports: WasmRuntime["exports"]): WasmRuntime {
  let view = new Float32Array(memory.buffer);
  return {
    module, memory, shared, relaxed, exports, gemm: exports["gemm"] as GemmFn,
    fns: Object.values(exports), id: Object.fromEntries(Object.keys(exports).map((k, i) => [k, i])),
    f32() {
      if (view.buffer !== memory.buffer || view.byteLength !== memory.buffer.byteLength) view = new Float32Array(memory.buffer);
      return view;
    },
    reserve(bytes) {
      const have = memory.buffer.byteLength;
      if (bytes <= have) return true;
      try {
        memory.grow(Math.ceil((bytes - have) / PAGE));
        return true;
      } catch {
        return false;
      }
    },
  };
}
