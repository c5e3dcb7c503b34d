/**
 * Worker threads that run slices of one GEMM over the shared WebAssembly memory: Node's worker_threads,
 * or Web Workers in a cross-origin-isolated page.
 *
 * Each worker instantiates the same compiled module against the same memory and sleeps in
 * Atomics.wait on a generation counter. To run a GEMM the calling thread writes the driver's arguments
 * and a table of chunks (tile ranges) into a control buffer, bumps the generation and then claims
 * chunks itself; woken workers claim the rest from the same atomic counter. So a worker that the OS
 * runs late (other jobs on the machine) simply gets fewer chunks instead of stalling the call.
 * One handoff per GEMM, no messages. Workers are unref'd so they never keep the process alive.
 *
 * The calling thread waits with Atomics.wait, which a browser forbids on its main thread (it would
 * freeze the page): there the backend stays on one thread (canBlock() is false) and a page trains in a
 * Web Worker to get threads (see platform/worker_rpc.ts).
 */
import type { WasmMemory, WasmModule } from "./runtime.ts";

type NodeProcess = { getBuiltinModule?: (id: string) => unknown };

/**
 * Node's worker_threads, fetched without a static import so bundling this file for a browser does not
 * fail; null outside Node (or on a Node 20 too old for process.getBuiltinModule).
 */
export function nodeWorkers(): typeof import("node:worker_threads") | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return (p?.getBuiltinModule?.("node:worker_threads") as typeof import("node:worker_threads") | undefined) ?? null;
}

interface WebWorker {
  postMessage(data: unknown): void;
  terminate(): void;
  onmessage: ((e: unknown) => void) | null;
  onerror: ((e: unknown) => void) | null;
}
interface WebGlobals {
  Worker?: new (url: string) => WebWorker;
  Blob?: new (parts: string[], opts: { type: string }) => object;
  URL: { createObjectURL?(blob: object): string };
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
}
const web = globalThis as unknown as WebGlobals;

/**
 * Whether this thread may block in Atomics.wait: Node's threads all may; in a browser only a worker
 * may, and only with shared memory (a cross-origin-isolated page).
 */
export function canBlock(): boolean {
  if (nodeWorkers()) return true;
  return web.WorkerGlobalScope !== undefined && web.crossOriginIsolated === true;
}

/** Whether GEMM helper threads can be started here at all. */
export function canStartThreads(): boolean {
  if (nodeWorkers()) return true;
  return canBlock() && typeof web.Worker === "function" && typeof web.Blob === "function" && typeof web.URL.createObjectURL === "function";
}

/** Logical CPUs (Node), else navigator.hardwareConcurrency, else 1. */
export function cpuCount(): number {
  const p = (globalThis as { process?: NodeProcess }).process;
  const os = p?.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined;
  if (os) return os.availableParallelism();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/**
 * The driver's argument list (see wasm/gemm_module.ts) with the tile range and pack buffers left to
 * each chunk and thread: indices of those slots, and of the f32 arguments.
 */
export const NARGS = 22;
const M0 = 9, M1 = 10, N0 = 11, N1 = 12, PACK_A = 13, PACK_B = 14;
const FLOAT_ARGS = [15, 16];
export const MAX_CHUNKS = 64;

// Control words (Int32, the f32 arguments aliased through a Float32Array view).
const GEN = 0, NEXT = 1, FINISHED = 2, NCHUNKS = 3, FAILED = 4, SPLIT_N = 5, READY = 6, ACTIVE = 7;
const ARGS = 8, CHUNKS = ARGS + NARGS, PACKS = CHUNKS + 2 * MAX_CHUNKS;

/**
 * Claims and runs chunks of job `gen` until none are left. NEXT holds (gen << 16 | next chunk), so a
 * thread that wakes late for a finished job (and may have read half-rewritten arguments of the next)
 * fails its claim instead of running with them. The worker source below carries a plain-JS copy of
 * this loop (it cannot import); keep the two in step.
 */
function runChunks(i32: Int32Array, f32: Float32Array, slot: number, gen: number, gemm: (...a: number[]) => void, args: number[]): void {
  for (let i = 0; i < NARGS; i++) args[i] = FLOAT_ARGS.includes(i) ? f32[ARGS + i]! : i32[ARGS + i]!;
  args[PACK_A] = i32[PACKS + 2 * slot]!;
  args[PACK_B] = i32[PACKS + 2 * slot + 1]!;
  const n = i32[NCHUNKS]!, splitN = i32[SPLIT_N] === 1, tag = (gen & 0xffff) << 16;
  for (;;) {
    const w = Atomics.load(i32, NEXT);
    if ((w & ~0xffff) !== tag || (w & 0xffff) >= n) return;
    if (Atomics.compareExchange(i32, NEXT, w, w + 1) !== w) continue;
    const c = w & 0xffff;
    const lo = i32[CHUNKS + 2 * c]!, hi = i32[CHUNKS + 2 * c + 1]!;
    if (splitN) { args[N0] = lo; args[N1] = hi; } else { args[M0] = lo; args[M1] = hi; }
    try {
      gemm(...args);
    } catch {
      Atomics.store(i32, FAILED, 1);
    }
    if (Atomics.add(i32, FINISHED, 1) + 1 === n) Atomics.notify(i32, FINISHED);
  }
}

const WORKER_RUN_CHUNKS = `
function runChunks(gen) {
  for (let i = 0; i < ${NARGS}; i++) args[i] = ${JSON.stringify(FLOAT_ARGS)}.includes(i) ? f32[${ARGS} + i] : i32[${ARGS} + i];
  args[${PACK_A}] = i32[${PACKS} + 2 * slot];
  args[${PACK_B}] = i32[${PACKS} + 2 * slot + 1];
  const n = i32[${NCHUNKS}], splitN = i32[${SPLIT_N}] === 1, tag = (gen & 0xffff) << 16;
  for (;;) {
    const w = Atomics.load(i32, ${NEXT});
    if ((w & ~0xffff) !== tag || (w & 0xffff) >= n) return;
    if (Atomics.compareExchange(i32, ${NEXT}, w, w + 1) !== w) continue;
    const c = w & 0xffff;
    const lo = i32[${CHUNKS} + 2 * c], hi = i32[${CHUNKS} + 2 * c + 1];
    if (splitN) { args[${N0}] = lo; args[${N1}] = hi; } else { args[${M0}] = lo; args[${M1}] = hi; }
    try { gemm(...args); } catch { Atomics.store(i32, ${FAILED}, 1); }
    if (Atomics.add(i32, ${FINISHED}, 1) + 1 === n) Atomics.notify(i32, ${FINISHED});
  }
}`;

// Plain JS (eval'd in Node, a Blob URL in a browser) so it runs the same from src/ under tsx, from the
// compiled dist/ and from any bundle. serve(data, ready) never returns.
const WORKER_BODY = `
let i32, f32, args, gemm, slot;
${WORKER_RUN_CHUNKS}
function serve(data, ready) {
  slot = data.slot;
  gemm = new WebAssembly.Instance(data.module, { env: { memory: data.memory } }).exports.gemm;
  i32 = new Int32Array(data.ctl); f32 = new Float32Array(data.ctl); args = new Array(${NARGS});
  Atomics.add(i32, ${READY}, 1);
  ready();
  let gen = Atomics.load(i32, ${GEN});
  for (;;) {
    Atomics.wait(i32, ${GEN}, gen);
    gen = Atomics.load(i32, ${GEN});
    // Slots past ACTIVE have no pack buffers in this call: those workers sit it out.
    if (slot < Atomics.load(i32, ${ACTIVE})) runChunks(gen);
  }
}
`;
const NODE_WORKER_SRC = `${WORKER_BODY}
const { workerData, parentPort } = require("node:worker_threads");
serve(workerData, () => parentPort.postMessage("ready"));
`;
const WEB_WORKER_SRC = `${WORKER_BODY}
onmessage = (e) => { onmessage = null; serve(e.data, () => postMessage("ready")); };
`;

/** A started helper thread: resolves `started` once it runs (or failed to), stops on terminate(). */
interface HelperThread {
  started: Promise<void>;
  terminate(): Promise<unknown>;
}

let webWorkerUrl: string | null = null;

function spawnHelper(data: { module: WasmModule; memory: WasmMemory; ctl: SharedArrayBuffer; slot: number }): HelperThread {
  const node = nodeWorkers();
  if (node) {
    const worker = new node.Worker(NODE_WORKER_SRC, { eval: true, workerData: data });
    worker.unref();
    const started = new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.once("error", () => resolve());
      worker.once("exit", () => resolve());
    });
    return { started, terminate: () => worker.terminate() };
  }
  webWorkerUrl ??= web.URL.createObjectURL!(new web.Blob!([WEB_WORKER_SRC], { type: "text/javascript" }));
  const worker = new web.Worker!(webWorkerUrl);
  const started = new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.onerror = () => resolve();
  });
  worker.postMessage(data);
  return { started, terminate: async () => worker.terminate() };
}

export class GemmPool {
  private readonly workers: HelperThread[] = [];
  private readonly i32: Int32Array;
  private readonly f32: Float32Array;
  private readonly args: number[] = new Array<number>(NARGS);
  private readonly maxThreads: number;
  readonly ready: Promise<void>;

  constructor(module: WasmModule, memory: WasmMemory, workers: number) {
    this.maxThreads = workers + 1;
    const ctl = new SharedArrayBuffer((PACKS + 2 * this.maxThreads) * 4);
    this.i32 = new Int32Array(ctl);
    this.f32 = new Float32Array(ctl);
    const started: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) {
      const helper = spawnHelper({ module, memory, ctl, slot: w + 1 });
      started.push(helper.started);
      this.workers.push(helper);
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that finished starting (a call made before that runs on fewer threads). */
  readyCount(): number {
    return Atomics.load(this.i32, READY);
  }

  /**
   * Runs the driver over `chunks` (tile ranges along N when splitN, else M) on this thread and the
   * first packs.length - 1 workers; packs[t] = [packA, packB] byte offsets for thread slot t
   * (0 = the calling thread).
   * Returns when every chunk is done; throws if one trapped.
   */
  run(gemm: (...a: number[]) => void, args: number[], chunks: [number, number][], splitN: boolean, packs: [number, number][]): void {
    const { i32, f32 } = this;
    if (packs.length > this.maxThreads || chunks.length > MAX_CHUNKS) throw new Error("GemmPool.run: too many threads or chunks");
    for (let i = 0; i < NARGS; i++) {
      if (FLOAT_ARGS.includes(i)) f32[ARGS + i] = args[i]!;
      else i32[ARGS + i] = args[i]!;
    }
    chunks.forEach(([lo, hi], c) => { i32[CHUNKS + 2 * c] = lo; i32[CHUNKS + 2 * c + 1] = hi; });
    packs.forEach(([a, b], t) => { i32[PACKS + 2 * t] = a; i32[PACKS + 2 * t + 1] = b; });
    i32[NCHUNKS] = chunks.length;
    i32[SPLIT_N] = splitN ? 1 : 0;
    i32[ACTIVE] = packs.length;
    Atomics.store(i32, FAILED, 0);
    Atomics.store(i32, FINISHED, 0);
    const gen = (Atomics.load(i32, GEN) + 1) & 0xffff;
    Atomics.store(i32, NEXT, gen << 16);
    Atomics.store(i32, GEN, gen);
    Atomics.notify(i32, GEN);
    runChunks(i32, f32, 0, gen, gemm, this.args);
    for (;;) {
      const done = Atomics.load(i32, FINISHED);
      if (done >= chunks.length) break;
      Atomics.wait(i32, FINISHED, done);
    }
    if (Atomics.load(i32, FAILED)) throw new Error("wasm gemm trapped");
  }

  terminate(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
