/**
 * When DataLoader worker threads stop: `timeout` (a hung getItem), `break`, `persistentWorkers`, and
 * loaders or iterators dropped without close() (garbage collection). Threads are counted with the pool's
 * own live count, which drops only on each worker's "exit" event.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ArgumentError, TimeoutError } from "../../src/errors.ts";
import "../../src/ops/methods.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { DataLoader, type DataLoaderOptions, type Sized } from "../../src/utils/data/index.ts";
import { failedSampleIndex } from "../../src/utils/data/transport.ts";
import { liveWorkerThreads } from "../../src/utils/data/worker_pool.ts";
import { SlowRange, type SlowRangeOptions } from "./recipe_dataset.ts";

type Loader = DataLoader<number, Tensor>;
const loader = (n: number, ds: SlowRangeOptions, o: DataLoaderOptions<number, Tensor>): Loader =>
  new DataLoader<number, Tensor>(new SlowRange(n, ds), { batchSize: 4, numWorkers: 1, ...o });

/** gc() whether or not node ran with --expose-gc (npm test passes it; a bare `node --test` may not). */
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ?? (setFlagsFromString("--expose-gc"), runInNewContext("gc") as () => void);

/** Collects until no worker thread is left, or `ms` pass; returns the live count. */
async function collectWorkers(ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  while (liveWorkerThreads() > 0 && Date.now() < deadline) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  return liveWorkerThreads();
}

async function values(dl: Loader): Promise<number[]> {
  const out: number[] = [];
  for await (const b of dl) out.push(...(b.tolist() as number[]));
  return out;
}

/** A sampler whose order the test changes between epochs. */
class Order implements Iterable<number>, Sized {
  constructor(public ids: number[]) {}
  get length(): number {
    return this.ids.length;
  }
  [Symbol.iterator](): Iterator<number> {
    return this.ids[Symbol.iterator]();
  }
}

/**
 * Loaders and iterators whose only references are in the returned list. Built in a function of its own:
 * a suspended async function may keep its dead locals alive, which would hide a leak-free loader.
 */
async function sixDroppable(): Promise<unknown[]> {
  const held: unknown[] = [];
  const one = { numWorkers: 1, prefetch: 1 };
  for (let k = 0; k < 2; k++) {
    // A persistent loader used for a whole epoch; a persistent and a plain loader each left mid-epoch by
    // an iterator read by hand and never return()ed.
    const whole = loader(8, {}, { ...one, persistentWorkers: true });
    for await (const _ of whole) void _;
    const kept = loader(8, {}, { ...one, persistentWorkers: true });
    const keptIt = kept[Symbol.asyncIterator]();
    const plainIt = loader(8, {}, one)[Symbol.asyncIterator]();
    await Promise.all([keptIt.next(), plainIt.next()]);
    held.push(whole, kept, keptIt, plainIt);
  }
  return held;
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);

describe("DataLoader timeout", () => {
  it("is validated as PyTorch does: non-negative, and only with workers", () => {
    const arg = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ArgumentError && re.test(e.message));
    arg(() => loader(8, {}, { timeout: -1 }), /^timeout option should be non-negative \(seconds\), but got timeout=-1$/);
    arg(() => loader(8, {}, { timeout: Number.NaN }), /^timeout option should be non-negative \(seconds\), but got timeout=NaN$/);
    arg(() => loader(8, {}, { timeout: "5" as unknown as number }), /got timeout="5"$/);
    arg(() => loader(8, {}, { numWorkers: 0, timeout: 2 }), /^timeout option needs num_workers > 0/);
    arg(() => loader(8, {}, { numWorkers: 0, persistentWorkers: true }), /^persistent_workers option needs num_workers > 0$/);
    const dl = loader(8, {}, {});
    assert.equal(dl.timeout, 0);
    assert.equal(dl.persistentWorkers, false);
    arg(() => (dl.timeout = -0.5), /timeout=-0.5/);
    dl.timeout = 1.5;
    assert.equal(dl.timeout, 1.5);
    assert.equal(loader(8, {}, { numWorkers: 0, timeout: 0 }).timeout, 0);
    assert.equal(liveWorkerThreads(), 0, "constructing a loader starts no thread");
  });

  it("raises a TimeoutError naming the batch and the stuck sample, and stops a worker in an endless loop", async () => {
    // Epoch 1 starts the (persistent) workers with a generous timeout, so slow thread start-up on a busy
    // machine cannot trip the short one; epoch 2 then meets sample 13, whose getItem never returns.
    const order = new Order(range(0, 8));
    const dl = loader(16, { hangAt: 13, hang: "spin" }, { sampler: order, persistentWorkers: true, timeout: 120 });
    assert.deepEqual(await values(dl), range(0, 8));
    assert.equal(liveWorkerThreads(), 1);
    order.ids = [...range(0, 4), ...range(12, 16), ...range(4, 12)];
    dl.timeout = 0.5;
    const got: number[] = [];
    const t0 = Date.now();
    await assert.rejects(
      async () => {
        for await (const b of dl) got.push(...(b.tolist() as number[]));
      },
      (e: unknown) => {
        assert.ok(e instanceof TimeoutError, String(e));
        assert.match(
          e.message,
          /^DataLoader timed out after 0\.5 seconds waiting for batch 1 \(samples 12\.\.15\) from worker 0, which was loading sample 13; its workers were stopped\. /,
        );
        assert.equal(failedSampleIndex(e), 13);
        return true;
      },
    );
    const waited = Date.now() - t0;
    assert.ok(waited >= 450 && waited < 15_000, `timed out after ${waited} ms`);
    assert.deepEqual(got, range(0, 4));
    assert.equal(liveWorkerThreads(), 0, "the spinning worker was terminated");
    // The next epoch starts fresh workers.
    order.ids = range(0, 12);
    dl.timeout = 120;
    assert.deepEqual(await values(dl), range(0, 12));
    await dl.close();
    assert.equal(liveWorkerThreads(), 0);
  });
});

describe("DataLoader worker lifetime", () => {
  it("stops the workers when a for-await loop breaks, and at the end of each epoch", async () => {
    const dl = loader(32, {}, {});
    let n = 0;
    for await (const _ of dl) if (++n === 2) break;
    assert.equal(liveWorkerThreads(), 0, "break released the workers");
    assert.deepEqual(await values(dl), range(0, 32));
    assert.equal(liveWorkerThreads(), 0, "a finished epoch released the workers");
  });

  it("keeps the same threads across epochs only with persistentWorkers", async () => {
    const threads = async (dl: Loader) => new Set(await values(dl));
    const fresh = loader(16, { threadIds: true }, {});
    const a = await threads(fresh);
    assert.equal(liveWorkerThreads(), 0);
    const b = await threads(fresh);
    assert.equal(a.size, 1);
    assert.equal(b.size, 1);
    assert.notDeepEqual(a, b, "each epoch had a new thread");

    const kept = loader(16, { threadIds: true }, { persistentWorkers: true });
    const c = await threads(kept);
    assert.equal(liveWorkerThreads(), 1);
    let n = 0;
    for await (const _ of kept) if (++n === 1) break;
    assert.equal(liveWorkerThreads(), 1, "break keeps persistent workers");
    assert.deepEqual(await threads(kept), c, "the same thread served every epoch");
    await kept.close();
    assert.equal(liveWorkerThreads(), 0);
  });

  it("stops the workers of loaders and iterators dropped without close() once collected", async () => {
    // Six, not the thirty of the issue (test/utils/dropped_loaders.ts measures those): each thread costs
    // ~0.4 s of CPU to start under tsx.
    let held: unknown[] | null = await sixDroppable();
    assert.equal(liveWorkerThreads(), 6);
    held = null;
    assert.equal(await collectWorkers(20_000), 0);
  });

  it("never keeps the process alive: a hung prefetched batch nobody awaits, a persistent loader left mid-epoch", () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-lifetime-"));
    try {
      const script = join(root, "exit.mts");
      const url = (p: string) => JSON.stringify(new URL(p, import.meta.url).href);
      writeFileSync(
        script,
        `import { DataLoader } from ${url("../../src/utils/data/index.ts")};
         import { SlowRange } from ${url("./recipe_dataset.ts")};
         const hung = new DataLoader(new SlowRange(16, { hangAt: 5, hang: "block" }), { batchSize: 4, numWorkers: 1 });
         const it = hung[Symbol.asyncIterator]();
         console.log("first", (await it.next()).value.tolist().join(","));
         const kept = new DataLoader(new SlowRange(64), { batchSize: 4, numWorkers: 1, persistentWorkers: true });
         for await (const b of kept) { console.log("kept", b.tolist().join(",")); break; }`,
      );
      const cwd = fileURLToPath(new URL("../..", import.meta.url));
      const r = spawnSync(process.execPath, ["--import", "tsx", script], { cwd, encoding: "utf8", timeout: 60_000 });
      assert.equal(r.status, 0, `status ${r.status}, signal ${r.signal}: ${r.stderr}`);
      assert.equal(r.stdout, "first 0,1,2,3\nkept 0,1,2,3\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
