/**
 * The DataLoader's worker threads, seen from the main thread: starts them, hands out batch requests and
 * turns replies back into values or errors. A worker is ref'd only while someone awaits one of its
 * batches, so neither an idle loader nor an abandoned iterator's prefetched requests keep the process
 * alive.
 */
import { Worker } from "../../platform/node.ts";
import { ArgumentError } from "../../errors.ts";
import type { DatasetRecipe } from "./recipe.ts";
import { BUILDING, decode, deserializeError } from "./transport.ts";
import type { WorkerReply, WorkerTask } from "./worker.ts";

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/** One batch asked of one worker. */
export interface BatchRequest {
  worker: number;
  id: number;
  promise: Promise<unknown>;
}

let live = 0;

/** DataLoader worker threads started by this thread that have not exited yet (for tests and diagnostics). */
export function liveWorkerThreads(): number {
  return live;
}

/**
 * A Worker running worker.ts or worker.js beside this module. Under tsx the entry is TypeScript, and on
 * Node 20 tsx installs its loader hooks only on the main thread (`--import tsx` in execArgv does nothing
 * in a worker), so a tiny plain-JS bootstrap registers tsx's ESM API inside the worker first.
 */
function spawnWorker(recipe: DatasetRecipe, progress: SharedArrayBuffer): Worker {
  const here = import.meta.url;
  const isTs = here.endsWith(".ts");
  const entry = new URL(isTs ? "./worker.ts" : "./worker.js", here);
  const workerData = { recipe, progress };
  if (!isTs) return new Worker(entry, { workerData });
  let api: string;
  try {
    api = import.meta.resolve("tsx/esm/api");
  } catch {
    throw new ArgumentError("DataLoader workers running from TypeScript sources need the tsx package (npm i -D tsx)");
  }
  const bootstrap = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  // execArgv [] keeps the parent's `--import tsx` out: on newer Node it would register tsx a second time.
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly pending: Map<number, Pending>[] = [];
  /** Per worker, written by the worker: [task id or BUILDING/IDLE, sample index or -1]. */
  private readonly progress: Float64Array[] = [];
  /** Per worker, how many awaits hold it ref'd. */
  private readonly holds: number[] = [];
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(recipe: DatasetRecipe, count: number) {
    try {
      for (let w = 0; w < count; w++) this.start(recipe, w);
    } catch (e) {
      void this.close();
      throw e;
    }
  }

  private start(recipe: DatasetRecipe, w: number): void {
    const progress = new Float64Array(new SharedArrayBuffer(16));
    progress[0] = BUILDING;
    progress[1] = -1;
    const worker = spawnWorker(recipe, progress.buffer as SharedArrayBuffer);
    live++;
    worker.on("message", (reply: WorkerReply) => this.onReply(w, reply));
    worker.on("error", (e: Error) => this.fail(new Error(`DataLoader worker ${w} crashed: ${e.message}`, { cause: e })));
    worker.on("exit", (code) => {
      live--;
      if (!this.closed) this.fail(new Error(`DataLoader worker ${w} exited unexpectedly (exit code ${code})`));
    });
    // After the listeners: Node refs a worker's message port again when its first "message" listener comes.
    worker.unref();
    this.workers.push(worker);
    this.pending.push(new Map());
    this.progress.push(progress);
    this.holds.push(0);
  }

  get size(): number {
    return this.workers.length;
  }

  /** A worker died or stopped answering; this pool serves nothing more and should be replaced. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Asks worker `w` for the batch at `indices`; the promise resolves with the decoded batch (or sample list). */
  request(w: number, indices: readonly number[], baseSeed: number, collate: boolean): BatchRequest {
    const id = this.nextId++;
    if (this.closed) return { worker: w, id, promise: Promise.reject(new ArgumentError("the DataLoader's workers were closed")) };
    if (this.failure) return { worker: w, id, promise: Promise.reject(this.failure) };
    const pending = this.pending[w]!;
    const promise = new Promise<unknown>((resolve, reject) => pending.set(id, { resolve, reject }));
    const task: WorkerTask = { id, indices: [...indices], baseSeed, collate };
    this.workers[w]!.postMessage(task);
    return { worker: w, id, promise };
  }

  /** Keeps the process alive while `r` is awaited (and only then). */
  async wait(r: BatchRequest): Promise<unknown> {
    const w = r.worker;
    if (this.holds[w]!++ === 0) this.workers[w]!.ref();
    try {
      return await r.promise;
    } finally {
      if (--this.holds[w]! === 0) this.workers[w]!.unref();
    }
  }

  /** What worker `r.worker` is doing about request `r`, for a timeout message: ", which was loading sample 13". */
  whereIs(r: BatchRequest): { text: string; sample?: number } {
    const [task, sample] = this.progress[r.worker]!;
    if (task === BUILDING) return { text: ", which was still building the dataset from its recipe" };
    if (task === r.id) {
      return sample! >= 0 ? { text: `, which was loading sample ${sample}`, sample } : { text: ", which was inside the dataset's getBatch" };
    }
    if (task! >= 0 && task! < r.id) {
      const what = sample! >= 0 ? `loading sample ${sample} of` : "in";
      return { text: `, which was still ${what} an earlier batch that nobody awaits any more` };
    }
    return { text: "" };
  }

  private onReply(w: number, reply: WorkerReply): void {
    const pending = this.pending[w]!;
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (!p) return;
    if (reply.error) p.reject(deserializeError(reply.error, w));
    else p.resolve(decode(reply.value));
  }

  private rejectAll(e: Error): void {
    for (const pending of this.pending) {
      const all = [...pending.values()];
      pending.clear();
      for (const p of all) p.reject(e);
    }
  }

  /** A dead or stuck worker fails everything in flight and every later request: its share of batches is lost. */
  fail(e: Error): void {
    if (this.failure === null) this.failure = e;
    this.rejectAll(e);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectAll(new ArgumentError("the DataLoader was closed while batches were loading"));
    // Node 20's terminate() promise did not always hold the event loop open until the worker's exit:
    // after a sibling worker died, a program awaiting close() ended with exit code 13 (unsettled
    // await) in 4-5 of 6 runs of 40 die-and-restart rounds (scripts/stress_worker_death.ts), in none
    // of 6 with this timer.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      // terminate() also stops a worker stuck in a synchronous loop or in Atomics.wait.
      await Promise.all(this.workers.map((w) => w.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }
}
