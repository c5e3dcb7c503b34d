/**
 * Worker threads that run slices of one GEMM over the shared WebAssembly memory.
 *
 * Each worker instantiates the same compiled module against the same memory, then sleeps in
 * Atomics.wait on its own control words. The main thread writes the driver's arguments there, wakes
 * it, runs its own slice, and waits for "done": one handoff per GEMM call, no messages.
 * Workers are unref'd so they never keep the process alive.
 */
import type { Worker } from "node:worker_threads";
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

/** Logical CPUs (Node), else navigator.hardwareConcurrency, else 1. */
export function cpuCount(): number {
  const p = (globalThis as { process?: NodeProcess }).process;
  const os = p?.getBuiltinModule?.("node:os") as typeof import("node:os") | undefined;
  if (os) return os.availableParallelism();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** Control words: [state, ready, -, -, args...]; state 0 idle, 1 posted, 2 done, 3 failed. */
const ARGS = 4;
const NARGS = 22;
/** Argument positions that are f32 (alpha, beta); the rest are i32. */
const FLOAT_ARGS = [15, 16];
const IDLE = 0, POSTED = 1, DONE = 2, FAILED = 3;

// Plain JS (CommonJS, eval'd) so it runs the same from src/ under tsx and from the compiled dist/.
const WORKER_SRC = `
const { workerData, parentPort } = require("node:worker_threads");
const { module, memory, ctl } = workerData;
const gemm = new WebAssembly.Instance(module, { env: { memory } }).exports.gemm;
const i32 = new Int32Array(ctl), f32 = new Float32Array(ctl);
const args = new Array(${NARGS});
Atomics.store(i32, 1, 1);
parentPort.postMessage("ready");
for (;;) {
  const s = Atomics.load(i32, 0);
  if (s !== ${POSTED}) { Atomics.wait(i32, 0, s); continue; }
  try {
    for (let i = 0; i < ${NARGS}; i++) args[i] = ${JSON.stringify(FLOAT_ARGS)}.includes(i) ? f32[${ARGS} + i] : i32[${ARGS} + i];
    gemm(...args);
    Atomics.store(i32, 0, ${DONE});
  } catch (e) {
    Atomics.store(i32, 0, ${FAILED});
  }
  Atomics.notify(i32, 0);
}
`;

interface Slot {
  worker: Worker;
  i32: Int32Array;
  f32: Float32Array;
}

export class GemmPool {
  private readonly slots: Slot[] = [];
  readonly ready: Promise<void>;

  constructor(module: WasmModule, memory: WasmMemory, workers: number) {
    const { Worker } = nodeWorkers()!;
    const started: Promise<void>[] = [];
    for (let w = 0; w < workers; w++) {
      const ctl = new SharedArrayBuffer((ARGS + NARGS) * 4);
      const worker = new Worker(WORKER_SRC, { eval: true, workerData: { module, memory, ctl } });
      worker.unref();
      started.push(new Promise((resolve) => {
        worker.once("message", () => resolve());
        worker.once("error", () => resolve());
        worker.once("exit", () => resolve());
      }));
      this.slots.push({ worker, i32: new Int32Array(ctl), f32: new Float32Array(ctl) });
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** Workers that finished starting (a call made before that runs on fewer threads). */
  readyCount(): number {
    return this.slots.filter((s) => Atomics.load(s.i32, 1) === 1).length;
  }

  /** Posts one argument list per ready worker (in order), without waiting. */
  post(argLists: number[][]): void {
    let k = 0;
    for (const s of this.slots) {
      if (k >= argLists.length) break;
      if (Atomics.load(s.i32, 1) !== 1) continue;
      const args = argLists[k++]!;
      for (let i = 0; i < NARGS; i++) {
        if (FLOAT_ARGS.includes(i)) s.f32[ARGS + i] = args[i]!;
        else s.i32[ARGS + i] = args[i]!;
      }
      Atomics.store(s.i32, 0, POSTED);
      Atomics.notify(s.i32, 0);
    }
  }

  /** Blocks until every posted job finished; throws if one trapped. */
  join(): void {
    let failed = false;
    for (const s of this.slots) {
      for (;;) {
        const st = Atomics.load(s.i32, 0);
        if (st === IDLE) break;
        if (st === DONE || st === FAILED) {
          failed ||= st === FAILED;
          Atomics.store(s.i32, 0, IDLE);
          break;
        }
        Atomics.wait(s.i32, 0, st);
      }
    }
    if (failed) throw new Error("wasm gemm worker failed");
  }

  terminate(): Promise<unknown> {
    return Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
