/**
 * One epoch of a DataLoader with worker threads: keeps `prefetch` batches in flight per worker (handed out
 * round-robin), yields them in sampler order, and enforces the loader's `timeout` on each wait. A batch
 * that does not arrive in time raises a TimeoutError naming it, and its workers are stopped (a worker
 * stuck in a synchronous loop cannot be reached any other way).
 */
import { TimeoutError } from "../../errors.ts";
import type { PoolSlot } from "./pool_slot.ts";
import { annotate } from "./transport.ts";
import type { BatchRequest, WorkerPool } from "./worker_pool.ts";

export interface WorkerEpochPlan<B> {
  slot: PoolSlot;
  batches: Iterator<readonly number[]>;
  baseSeed: number;
  /** Collate in the workers (default collate) rather than send sample lists back. */
  collate: boolean;
  prefetch: number;
  /** Seconds to wait for each batch; 0 waits forever. */
  timeout: number;
  /** Leave the workers running when the epoch ends (persistentWorkers). */
  keepWorkers: boolean;
  finish: (loaded: unknown) => B;
}

/** setTimeout's longest delay (about 24.8 days); a longer timeout is, in practice, no timeout. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** "samples 12..15", "sample 7", "samples 41, 7, 19", "64 samples: 41, 7, 19, 3, 22, 8, 50, 1, ...". */
export function describeSamples(indices: readonly number[]): string {
  if (indices.length === 1) return `sample ${indices[0]}`;
  const consecutive = indices.length > 0 && indices.every((v, k) => v === indices[0]! + k);
  if (consecutive) return `samples ${indices[0]}..${indices[indices.length - 1]}`;
  if (indices.length <= 8) return `samples ${indices.join(", ")}`;
  return `${indices.length} samples: ${indices.slice(0, 8).join(", ")}, ...`;
}

function seconds(s: number): string {
  return s === 1 ? "1 second" : `${s} seconds`;
}

interface InFlight {
  batch: number;
  indices: readonly number[];
  request: BatchRequest;
}

/** Waits for `f`, or fails the pool with a TimeoutError after `timeout` seconds. */
async function waitFor(pool: WorkerPool, f: InFlight, timeout: number): Promise<unknown> {
  const ms = timeout * 1000;
  if (timeout === 0 || ms > MAX_DELAY_MS) return pool.wait(f.request);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const where = pool.whereIs(f.request);
      const e = new TimeoutError(
        `DataLoader timed out after ${seconds(timeout)} waiting for batch ${f.batch} (${describeSamples(f.indices)}) ` +
          `from worker ${f.request.worker}${where.text}; its workers were stopped. ` +
          "Raise the timeout option if loading is only slow, or fix the dataset's getItem.",
      );
      if (where.sample !== undefined) annotate(e, where.sample);
      pool.fail(e);
      reject(e);
    }, ms);
  });
  try {
    return await Promise.race([pool.wait(f.request), expired]);
  } finally {
    clearTimeout(timer);
  }
}

export async function* workerEpoch<B>(plan: WorkerEpochPlan<B>): AsyncGenerator<B, void, undefined> {
  const pool = await plan.slot.acquire();
  const inflight: InFlight[] = [];
  let sent = 0;
  const fill = () => {
    while (inflight.length < plan.prefetch * pool.size) {
      const r = plan.batches.next();
      if (r.done) return;
      const request = pool.request(sent % pool.size, r.value, plan.baseSeed, plan.collate);
      // Marked handled now: after an early `break` nobody awaits the rest.
      request.promise.catch(() => {});
      inflight.push({ batch: sent, indices: r.value, request });
      sent++;
    }
  };
  try {
    fill();
    while (inflight.length > 0) {
      const loaded = await waitFor(pool, inflight.shift()!, plan.timeout);
      fill();
      yield plan.finish(loaded);
    }
  } finally {
    // A failed pool (dead or timed-out worker) is stopped even when persistent: the next epoch starts afresh.
    if (!plan.keepWorkers || pool.failed) await plan.slot.release(pool);
  }
}
