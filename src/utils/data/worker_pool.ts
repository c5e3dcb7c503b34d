/**
 * The DataLoader's worker threads, seen from the main thread: starts them, hands out batch requests and
 * turns replies back into values or errors. Workers are unref'd whenever nothing is pending, so an idle
 * loader never keeps the process alive.
 */
import { Worker } from "node:worker_threads";
import { ArgumentError } from "../../errors.ts";
import type { DatasetRecipe } from "./recipe.ts";
import { decode, deserializeError } from "./transport.ts";
import type { WorkerReply, WorkerTask } from "./worker.ts";

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/**
 * A Worker running worker.ts or worker.js beside this module. Under tsx the entry is TypeScript, and on
 * Node 20 tsx installs its loader hooks only on the main thread (`--import tsx` in execArgv does nothing
 * in a worker), so a tiny plain-JS bootstrap registers tsx's ESM API inside the worker first.
 */
function spawnWorker(recipe: DatasetRecipe): Worker {
  const here = import.meta.url;
  const isTs = here.endsWith(".ts");
  const entry = new URL(isTs ? "./worker.ts" : "./worker.js", here);
  const workerData = { recipe };
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
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  constructor(recipe: DatasetRecipe, count: number) {
    for (let w = 0; w < count; w++) {
      const worker = spawnWorker(recipe);
      const pending = new Map<number, Pending>();
      worker.unref();
      worker.on("message", (reply: WorkerReply) => this.onReply(w, reply));
      worker.on("error", (e: Error) => this.fail(new Error(`DataLoader worker ${w} crashed: ${e.message}`, { cause: e })));
      worker.on("exit", (code) => {
        if (!this.closed) this.fail(new Error(`DataLoader worker ${w} exited unexpectedly (exit code ${code})`));
      });
      this.workers.push(worker);
      this.pending.push(pending);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** A worker died; this pool serves nothing more and should be replaced. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** Asks worker `w` for the batch at `indices`; resolves with the decoded batch (or sample list). */
  run(w: number, indices: readonly number[], baseSeed: number, collate: boolean): Promise<unknown> {
    if (this.closed) return Promise.reject(new ArgumentError("the DataLoader's workers were closed"));
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const pending = this.pending[w]!;
    const worker = this.workers[w]!;
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      const task: WorkerTask = { id, indices: [...indices], baseSeed, collate };
      worker.postMessage(task);
    });
  }

  private settle(w: number, id: number): Pending | undefined {
    const pending = this.pending[w]!;
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) this.workers[w]!.unref();
    return p;
  }

  private onReply(w: number, reply: WorkerReply): void {
    const p = this.settle(w, reply.id);
    if (!p) return;
    if (reply.error) p.reject(deserializeError(reply.error, w));
    else p.resolve(decode(reply.value));
  }

  /** A dead worker fails everything in flight and every later request: its share of batches is lost. */
  private fail(e: Error): void {
    if (this.failure === null) this.failure = e;
    this.pending.forEach((pending, w) => {
      for (const id of [...pending.keys()]) this.settle(w, id)?.reject(e);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new ArgumentError("the DataLoader was closed while batches were loading");
    this.pending.forEach((pending, w) => {
      for (const id of [...pending.keys()]) this.settle(w, id)?.reject(error);
    });
    // Node 20's terminate() promise did not always hold the event loop open until the worker's exit:
    // after a sibling worker died, a program awaiting close() ended with exit code 13 (unsettled
    // await) in 4-5 of 6 runs of 40 die-and-restart rounds (scripts/stress_worker_death.ts), in none
    // of 6 with this timer.
    const keepAlive = setInterval(() => {}, 1000);
    try {
      await Promise.all(this.workers.map((w) => w.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }
}
