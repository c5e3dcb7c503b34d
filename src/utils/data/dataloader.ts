/**
 * torch.utils.data.DataLoader: batches a dataset through a sampler and a collate function. Iterate with
 * `for...of` (numWorkers 0) or `for await` (always); each iteration is one epoch, reshuffled.
 *
 * Fast path: when collating by default and the dataset has `getBatch(indices)` (MNIST, TensorDataset,
 * cached image folders), the loader takes whole ready batches from it instead of fetching and stacking
 * samples one by one.
 *
 * numWorkers > 0: samples are loaded and collated in worker threads that rebuild the dataset from its
 * `workerRecipe()`; batches still arrive in sampler order, and each sample's random augmentation comes from
 * a generator seeded by (epoch base seed, sample index), so results equal numWorkers 0 for the same seed.
 * As in PyTorch, workers start with each epoch and stop at its end (or at `break`), unless
 * `persistentWorkers` keeps them until `close()`; a loader or iterator dropped without either has its
 * workers stopped when it is garbage-collected.
 */
import { checkArity, checkOptions } from "../../options.ts";
import { ArgumentError } from "../../errors.ts";
import { type Generator, defaultGenerator } from "../../tensor/random.ts";
import { type Collated, defaultCollate } from "./collate.ts";
import { IterableDataset, type MapDataset, noRecipe } from "./dataset.ts";
import type { DatasetRecipe } from "./recipe.ts";
import { BatchSampler, RandomSampler, SequentialSampler, type Sized } from "./samplers.ts";
import { drawSeed } from "./seeding.ts";
import { PoolSlot, releaseWithOwner } from "./pool_slot.ts";
import { fetchBatch } from "./transport.ts";
import { workerEpoch } from "./worker_epoch.ts";

export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1); null turns batching off and yields samples one by one. */
  batchSize?: number | null;
  /** Reshuffle every epoch (a RandomSampler over the dataset). */
  shuffle?: boolean;
  sampler?: Iterable<number> & Sized;
  batchSampler?: Iterable<readonly number[]> & Sized;
  /** Batch builder; runs on the main thread even with workers (functions cannot be sent to them). */
  collateFn?: (batch: T[]) => B;
  dropLast?: boolean;
  /** Source of shuffles and of the per-epoch augmentation seed; kindling's default generator otherwise. */
  generator?: Generator;
  /** Worker threads loading batches (0: load on the calling thread). */
  numWorkers?: number;
  /** Batches in flight per worker (PyTorch's prefetch_factor, default 2). */
  prefetch?: number;
  /** Keep the workers between epochs until `close()` (default false: they start and stop with each epoch). */
  persistentWorkers?: boolean;
  /**
   * Seconds to wait for each batch from the workers (default 0: forever). A batch that takes longer raises
   * a TimeoutError naming it and stops the workers. Needs numWorkers > 0.
   */
  timeout?: number;
  /**
   * Accepted and kept, with no effect: pinned memory is for copies to a GPU, and kindling has none (a
   * CPU-only PyTorch takes pin_memory=True the same way; ports of CUDA code paths pass it).
   */
  pinMemory?: boolean;
}

const DATALOADER_OPTIONS = {
  batchSize: "int?",
  shuffle: "boolean",
  sampler: "object",
  batchSampler: "object",
  collateFn: "function",
  dropLast: "boolean",
  generator: "object",
  numWorkers: "int",
  prefetch: "int",
  persistentWorkers: "boolean",
  timeout: "any",
  pinMemory: "boolean",
} as const;

export type AnyDataset<T> = MapDataset<T> | IterableDataset<T>;

function isIterableDataset<T>(ds: AnyDataset<T>): ds is IterableDataset<T> {
  return ds instanceof IterableDataset || (typeof (ds as MapDataset<T>).getItem !== "function" && Symbol.iterator in ds);
}

/**
 * `D` is the dataset's own type, so `loader.dataset.length` (Python's `len(loader.dataset)`) typechecks
 * for a map-style dataset. An annotation `DataLoader<T, B>` means one over a map-style dataset; name `D`
 * (`DataLoader<T, B, IterableDataset<T>>`) for a loader over a stream.
 */
export class DataLoader<T, B = Collated<T>, D extends AnyDataset<T> = MapDataset<T>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number | null;
  readonly dropLast: boolean;
  readonly numWorkers: number;
  readonly pinMemory: boolean;
  readonly prefetch: number;
  readonly persistentWorkers: boolean;
  readonly generator: Generator | undefined;
  readonly sampler: (Iterable<number> & Sized) | null;
  readonly batchSampler: (Iterable<readonly number[]> & Sized) | null;
  readonly collateFn: ((batch: T[]) => B) | null;
  private readonly recipe: DatasetRecipe | null = null;
  private timeoutSeconds = 0;
  /** Slots now holding workers (the persistent one, and each running epoch's otherwise). */
  private readonly active = new Set<PoolSlot>();
  private readonly keptWorkers: PoolSlot | null = null;

  constructor(
    readonly dataset: D & AnyDataset<T>,
    options: DataLoaderOptions<T, B> = {},
  ) {
    checkArity("DataLoader()", arguments, 2);
    checkOptions("DataLoader()", options, DATALOADER_OPTIONS, { index: 2, positional: "batchSize" });
    const o = options;
    const iterable = isIterableDataset(dataset);
    let shuffle = o.shuffle ?? false;
    const numWorkers = o.numWorkers ?? 0;
    if (iterable) {
      if (shuffle) throw new ArgumentError(`DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=${shuffle}`);
      if (o.sampler) throw new ArgumentError("DataLoader with IterableDataset: expected unspecified sampler option, but got sampler=" + String(o.sampler));
      if (o.batchSampler) throw new ArgumentError("DataLoader with IterableDataset: expected unspecified batch_sampler option, but got batch_sampler=" + String(o.batchSampler));
    }
    shuffle = Boolean(shuffle);
    if (o.sampler && shuffle) throw new ArgumentError("sampler option is mutually exclusive with shuffle");
    let batchSize = o.batchSize === undefined ? 1 : o.batchSize;
    let dropLast = o.dropLast ?? false;
    if (o.batchSampler) {
      if (batchSize !== 1 || shuffle || o.sampler || dropLast) {
        throw new ArgumentError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last");
      }
      batchSize = null;
      dropLast = false;
    } else if (batchSize === null && dropLast) {
      throw new ArgumentError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    }
    if (!Number.isInteger(numWorkers) || numWorkers < 0) {
      throw new ArgumentError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    }
    if (numWorkers === 0 && o.prefetch !== undefined) {
      throw new ArgumentError("prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.");
    }
    if (numWorkers === 0 && o.persistentWorkers === true) throw new ArgumentError("persistent_workers option needs num_workers > 0");
    const prefetch = o.prefetch ?? 2;
    if (!Number.isInteger(prefetch) || prefetch < 1) throw new ArgumentError(`prefetch should be a positive integer, but got prefetch=${prefetch}`);

    this.batchSize = batchSize;
    this.dropLast = dropLast;
    this.numWorkers = numWorkers;
    this.pinMemory = o.pinMemory ?? false;
    this.prefetch = prefetch;
    this.persistentWorkers = o.persistentWorkers ?? false;
    this.timeout = o.timeout ?? 0;
    this.generator = o.generator;
    this.collateFn = o.collateFn ?? null;
    if (iterable) {
      this.sampler = null;
      this.batchSampler = null;
      if (numWorkers > 0) throw new ArgumentError("numWorkers > 0 is not supported for an IterableDataset (every worker would replay the whole stream)");
      return;
    }
    const map = dataset as MapDataset<T>;
    this.sampler = o.sampler ?? (shuffle ? new RandomSampler(map, { generator: o.generator }) : new SequentialSampler(map));
    this.batchSampler = o.batchSampler ?? (batchSize !== null ? new BatchSampler(this.sampler, batchSize, dropLast) : null);
    if (numWorkers > 0) {
      // Asked now, so a dataset or transform that cannot go to a worker (a Lambda) fails here, not mid-epoch.
      if (typeof map.workerRecipe !== "function") throw noRecipe(map);
      this.recipe = map.workerRecipe();
      if (this.persistentWorkers) {
        this.keptWorkers = new PoolSlot(this.recipe, numWorkers, this.active);
        releaseWithOwner(this, this.keptWorkers);
      }
    }
  }

  /** Seconds to wait for each batch from the workers (0: forever); read when an epoch starts. */
  get timeout(): number {
    return this.timeoutSeconds;
  }

  set timeout(t: number) {
    if (typeof t !== "number" || !(t >= 0)) {
      const got = typeof t === "string" ? JSON.stringify(t) : String(t);
      throw new ArgumentError(`timeout option should be non-negative (seconds), but got timeout=${got}`);
    }
    if (t > 0 && this.numWorkers === 0) {
      throw new ArgumentError("timeout option needs num_workers > 0 (a batch loading on the calling thread cannot be interrupted)");
    }
    this.timeoutSeconds = t;
  }

  /** Batches per epoch (samples, when batching is off). */
  get length(): number {
    if (this.batchSampler) return this.batchSampler.length;
    if (this.sampler) return this.sampler.length;
    const n = (this.dataset as { length?: unknown }).length;
    if (typeof n !== "number") throw new ArgumentError("DataLoader: its dataset is an IterableDataset without a length, so the loader has no len()");
    if (this.batchSize === null) return n;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Index lists, one per yielded value. */
  private *indexBatches(): IterableIterator<readonly number[]> {
    if (this.batchSampler) yield* this.batchSampler;
    else for (const i of this.sampler!) yield [i];
  }

  private get autoCollate(): boolean {
    return this.batchSize !== null || this.batchSampler !== null;
  }

  /** Applies the user's collateFn (or, without batching, passes the sample through). */
  private finish(loaded: unknown, collatedAlready: boolean): B {
    if (collatedAlready) return loaded as B;
    const samples = loaded as T[];
    if (!this.autoCollate) return this.collateFn ? (this.collateFn as unknown as (s: T) => B)(samples[0]!) : (samples[0] as unknown as B);
    return this.collateFn!(samples);
  }

  private *iterableEpoch(): IterableIterator<B> {
    const it = (this.dataset as IterableDataset<T>)[Symbol.iterator]();
    const collate = (batch: T[]) => (this.collateFn ? this.collateFn(batch) : (defaultCollate(batch) as B));
    if (this.batchSize === null) {
      for (let r = it.next(); !r.done; r = it.next()) yield this.collateFn ? (this.collateFn as unknown as (s: T) => B)(r.value) : (r.value as unknown as B);
      return;
    }
    let batch: T[] = [];
    for (let r = it.next(); !r.done; r = it.next()) {
      batch.push(r.value);
      if (batch.length === this.batchSize) {
        yield collate(batch);
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield collate(batch);
  }

  private *syncEpoch(): IterableIterator<B> {
    if (this.sampler === null) {
      yield* this.iterableEpoch();
      return;
    }
    const ds = this.dataset as MapDataset<T>;
    const collateHere = this.autoCollate && this.collateFn === null;
    const base = drawSeed(this.generator ?? defaultGenerator);
    for (const indices of this.indexBatches()) yield this.finish(fetchBatch(ds, indices, base, collateHere).value, collateHere);
  }

  [Symbol.iterator](): Iterator<B> {
    if (this.numWorkers > 0) {
      throw new ArgumentError("a DataLoader with numWorkers > 0 loads asynchronously: iterate it with `for await`");
    }
    return this.syncEpoch();
  }

  [Symbol.asyncIterator](): AsyncIterator<B> {
    if (this.numWorkers === 0) return this.syncAsync();
    const collate = this.autoCollate && this.collateFn === null;
    let slot = this.keptWorkers;
    if (slot === null) slot = new PoolSlot(this.recipe!, this.numWorkers, this.active);
    const epoch = workerEpoch({
      slot,
      batches: this.indexBatches(),
      baseSeed: drawSeed(this.generator ?? defaultGenerator),
      collate,
      prefetch: this.prefetch,
      timeout: this.timeout,
      keepWorkers: this.persistentWorkers,
      finish: (loaded) => this.finish(loaded, collate),
    });
    // An iterator abandoned mid-epoch without return() still has its workers stopped once collected.
    if (slot !== this.keptWorkers) releaseWithOwner(epoch, slot);
    return epoch;
  }

  private async *syncAsync(): AsyncGenerator<B, void, undefined> {
    yield* this.syncEpoch();
  }

  /** Stops every worker thread of this loader (a later epoch starts new ones). */
  async close(): Promise<void> {
    await Promise.all([...this.active].map((slot) => slot.release()));
  }
}
