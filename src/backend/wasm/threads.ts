/**
 * Worker threads that run jobs over the shared WebAssembly memory: Node's worker_threads, or Web
 * Workers in a cross-origin-isolated page.
 *
 * A job is a list of independent tasks, each a short list of calls of the module's exports (a slice
 * of one GEMM; or im2col, a whole GEMM and col2im for a few samples of a convolution). Each worker
 * instantiates the same compiled module against the same memory and sleeps in Atomics.wait on a
 * generation counter. To run a job the calling thread writes it into a control buffer, bumps the
 * generation and claims tasks itself; woken workers claim the rest from the same atomic counter, so a
 * worker that the OS runs late (other jobs on the machine) simply gets fewer tasks instead of
 * stalling the call. One handoff per job, no messages. Workers are unref'd so they never keep the
 * process alive. Each thread has its own scratch memory (pack buffers, columns): arguments flagged
 * in a call's `rel` mask are offsets into it.
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

/** Whether helper threads can be started here at all. */
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

type Call = (...a: number[]) => unknown;

/**
 * Independent tasks, each a list of calls: export `fn` (its index among the module's exports) with
 * `args`, where bit i of `rel` adds the running thread's scratch base to argument i.
 */
export class Job {
  readonly words: number[] = [];
  readonly ends: number[] = [];

  call(fn: number, args: number[], rel = 0): this {
    this.words.push(fn, args.length, rel, ...args);
    return this;
  }

  /** Closes the current task. */
  end(): this {
    this.ends.push(this.words.length);
    return this;
  }

  /** Runs every task on this thread with scratch base `base`. */
  runHere(fns: Call[], base: number): void {
    const w = this.words;
    for (let p = 0; p < w.length; p += 3 + w[p + 1]!) {
      const a = w.slice(p + 3, p + 3 + w[p + 1]!);
      for (let i = 0; i < a.length; i++) if ((w[p + 2]! >> i) & 1) a[i]! += base;
      fns[w[p]!]!(...a);
    }
  }
}

// Control words (Int32): GEN 0, NEXT 1, FINISHED 2, NTASKS 3, FAILED 4, READY 5, ACTIVE 6, then the
// scratch base of each thread slot from word 8. Float64 words from TABLE on: task t's calls lie in
// words [f64[TABLE + t], f64[TABLE + t + 1]), each [fn, argc, rel, ...args].
const GEN = 0, NEXT = 1, FINISHED = 2, NTASKS = 3, FAILED = 4, READY = 5, ACTIVE = 6, BASES = 8;
export const MAX_THREADS = 32;
const TABLE = (BASES + MAX_THREADS) / 2;
/** Float64 words of the control buffer (256 KB): a larger job runs in several handoffs. */
const CTL_WORDS = 1 << 15;

/**
 * Claims and runs tasks of job `gen` until none are left. NEXT holds (gen << 16 | next task), so a
 * thread that wakes late for a finished job (and may have read half of the next) fails its claim
 * instead of running it. The workers run this very function (its source, see WORKER_SRC): it may
 * use only its parameters, the literal word indices above, and no nested functions.
 */
function runTasks(i32: Int32Array, f64: Float64Array, slot: number, gen: number, fns: Call[], a: number[]): void {
  const n = i32[3]!, tag = (gen & 0xffff) << 16, base = i32[8 + slot]!;
  for (;;) {
    const w = Atomics.load(i32, 1);
    if ((w & ~0xffff) !== tag || (w & 0xffff) >= n) return;
    if (Atomics.compareExchange(i32, 1, w, w + 1) !== w) continue;
    const t = w & 0xffff;
    try {
      for (let p = f64[20 + t]!, e = f64[21 + t]!; p < e; p += 3 + a.length) {
        a.length = f64[p + 1]!;
        for (let i = 0; i < a.length; i++) a[i] = f64[p + 3 + i]! + ((f64[p + 2]! >> i) & 1 ? base : 0);
        fns[f64[p]!]!(...a);
      }
    } catch {
      Atomics.store(i32, 4, 1);
    }
    if (Atomics.add(i32, 2, 1) + 1 === n) Atomics.notify(i32, 2);
  }
}

interface WorkerData { module: WasmModule; memory: WasmMemory; ctl: SharedArrayBuffer; slot: number }

/** A worker's life (run from its source too): instantiate, report ready, then run each job it is woken for. */
function serve(data: WorkerData, ready: () => void, run: typeof runTasks): void {
  const WA = (globalThis as unknown as { WebAssembly: { Instance: new (m: WasmModule, i: object) => { exports: object } } }).WebAssembly;
  const fns = Object.values(new WA.Instance(data.module, { env: { memory: data.memory } }).exports) as Call[];
  const i32 = new Int32Array(data.ctl), f64 = new Float64Array(data.ctl), a: number[] = [];
  Atomics.add(i32, 5, 1);
  ready();
  let gen = Atomics.load(i32, 0);
  for (;;) {
    Atomics.wait(i32, 0, gen);
    gen = Atomics.load(i32, 0);
    // Slots past ACTIVE have no scratch in this job: those workers sit it out.
    if (data.slot < Atomics.load(i32, 6)) run(i32, f64, data.slot, gen, fns, a);
  }
}

// Plain JS (eval'd in Node, a Blob URL in a browser) so it runs the same from src/ under tsx, from the
// compiled dist/ and from any bundle; serve() never returns.
const WORKER_SRC = (start: string): string => `const run = ${runTasks.toString()};\n(${serve.toString()})${start}`;

/** A started helper thread: resolves `started` once it runs (or failed to), stops on terminate(). */
interface HelperThread {
  started: Promise<void>;
  terminate(): Promise<unknown>;
}

let webWorkerUrl: string | null = null;

function spawnHelper(data: WorkerData): HelperThread {
  const node = nodeWorkers();
  if (node) {
    const src = WORKER_SRC(`(require("node:worker_threads").workerData, () => require("node:worker_threads").parentPort.postMessage(1), run);`);
    const worker = new node.Worker(src, { eval: true, workerData: data });
    worker.unref();
    const started = new Promise<void>((resolve) => {
      worker.once("message", () => resolve());
      worker.once("error", () => resolve());
      worker.once("exit", () => resolve());
    });
    return { started, terminate: () => worker.terminate() };
  }
  webWorkerUrl ??= web.URL.createObjectURL!(new web.Blob!([`onmessage = (e) => { onmessage = null; ${WORKER_SRC("(e.data, () => postMessage(1), run);")} };`], { type: "text/javascript" }));
  const worker = new web.Worker!(webWorkerUrl);
  const started = new Promise<void>((resolve) => {
    worker.onmessage = () => resolve();
    worker.onerror = () => resolve();
  });
  worker.postMessage(data);
  return { started, terminate: async () => worker.terminate() };
}

export class TaskPool {
  private readonly workers: HelperThread[] = [];
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly args: number[] = [];
  readonly ready: Promise<void>;

  constructor(module: WasmModule, memory: WasmMemory, workers: number) {
    workers = Math.min(workers, MAX_THREADS - 1);
    const ctl = new SharedArrayBuffer(CTL_WORDS * 8);
    this.i32 = new Int32Array(ctl);
    this.f64 = new Float64Array(ctl);
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

  /** Workers that finished starting (a job run before that runs on fewer threads). */
  readyCount(): number {
    return Atomics.load(this.i32, READY);
  }

  /**
   * Runs `job` on this thread and the first bases.length - 1 workers; bases[t] = the scratch base of
   * thread slot t (0 = the calling thread). Returns when every task is done; throws if one trapped.
   */
  run(fns: Call[], job: Job, bases: number[]): void {
    const { i32, f64 } = this;
    bases.forEach((b, t) => { i32[BASES + t] = b; });
    i32[ACTIVE] = bases.length;
    // As many whole tasks per handoff as the control buffer holds.
    for (let t0 = 0; t0 < job.ends.length;) {
      let t1 = t0, p = TABLE;
      const from = t0 === 0 ? 0 : job.ends[t0 - 1]!;
      while (t1 < job.ends.length && TABLE + (t1 - t0 + 2) + job.ends[t1]! - from <= CTL_WORDS) t1++;
      if (t1 === t0) throw new Error("wasm job: a task too large for the control buffer");
      const n = t1 - t0, calls = TABLE + n + 1;
      for (let t = t0; t <= t1; t++) f64[p++] = calls + (t === t0 ? 0 : job.ends[t - 1]! - from);
      f64.set(job.words.slice(from, job.ends[t1 - 1]), calls);
      i32[NTASKS] = n;
      Atomics.store(i32, FAILED, 0);
      Atomics.store(i32, FINISHED, 0);
      const gen = (Atomics.load(i32, GEN) + 1) & 0xffff;
      Atomics.store(i32, NEXT, gen << 16);
      Atomics.store(i32, GEN, gen);
      Atomics.notify(i32, GEN);
      runTasks(i32, f64, 0, gen, fns, this.args);
      for (;;) {
        const done = Atomics.load(i32, FINISHED);
        if (done >= n) break;
        Atomics.wait(i32, FINISHED, done);
      }
      if (Atomics.load(i32, FAILED)) throw new Error("wasm task trapped");
      t0 = t1;
    }
  }

  terminate(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}
