/**
 * torch.utils.data datasets: the map-style `Dataset` (indexable, sized), `IterableDataset` (a stream), and
 * the wrappers PyTorch ships (TensorDataset, Subset, ConcatDataset, random_split).
 */
import { ArgumentError, IndexError, ShapeError } from "../../errors.ts";
import { indexSelect } from "../../ops/indexing.ts";
import type { IndexList, IndexSlice } from "../../ops/index_expr.ts";
import { index as indexTensor } from "../../ops/index_ops.ts";
import { select } from "../../ops/views.ts";
import type { Generator } from "../../tensor/random.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { Collated } from "./collate.ts";
import { type DatasetRecipe, type JsonValue, datasetFromRecipe } from "./recipe.ts";
import { type RandomSource, getDefaultRandomSource, randomSplitLengths, randperm } from "./samplers.ts";

/**
 * Per-sample context the DataLoader passes to `getItem`. `generator` is seeded from (the epoch's base seed,
 * the sample index), so random augmentation is the same whichever worker thread loads the sample.
 */
export interface SampleContext {
  generator?: Generator;
}

/** What a DataLoader needs from a map-style dataset; `Dataset` subclasses have it, so may plain objects. */
export interface MapDataset<T> {
  getItem(index: number, ctx?: SampleContext): T;
  readonly length: number;
  /**
   * Optional fast path: the whole batch for these indices, exactly as defaultCollate would build it, or
   * undefined to decline (then the loader fetches and collates sample by sample).
   */
  getBatch?(indices: readonly number[]): Collated<T> | undefined;
  /** Optional: how a worker thread rebuilds this dataset; needed for `numWorkers > 0`. */
  workerRecipe?(): DatasetRecipe;
}

export abstract class Dataset<T> implements MapDataset<T> {
  abstract getItem(index: number, ctx?: SampleContext): T;
  abstract get length(): number;
}

/** A stream of samples; the DataLoader batches it in order, with no sampler. */
export abstract class IterableDataset<T> implements Iterable<T> {
  abstract [Symbol.iterator](): Iterator<T>;
}

function checkIndex(index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new IndexError(`index ${index} is out of bounds for dimension 0 with size ${length}`);
  }
  return index < 0 ? index + length : index;
}

/** Samples are the i-th rows of each tensor (views that share storage, as in PyTorch). */
export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    if (tensors.length === 0) throw new ArgumentError("TensorDataset needs at least one tensor");
    tensors.forEach((t, i) => {
      Tensor.check(t, `tensors[${i}]`);
      if (t.ndim === 0 || t.shape[0] !== tensors[0]!.shape[0]) {
        throw new ShapeError(
          `Size mismatch between tensors: tensor 0 has shape ${fmtShape(tensors[0]!.shape)} and tensor ${i} has shape ${fmtShape(t.shape)}`,
        );
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /**
   * The index-th rows; like PyTorch's `ds[index]`, a slice (`torch.Slice(0, 64)`), an index tensor or a
   * list of indices gives the batch of those rows from each tensor.
   */
  getItem(index: number | IndexSlice | Tensor | IndexList): Tensor[] {
    if (typeof index !== "number") return this.tensors.map((t) => indexTensor(t, [index]));
    const i = checkIndex(index, this.length);
    return this.tensors.map((t) => select(t, 0, i));
  }

  /** One gather per tensor instead of B views stacked. */
  getBatch(indices: readonly number[]): Tensor[] {
    const n = this.length;
    const idx = Tensor.fromStorage(Float64Array.from(indices, (i) => checkIndex(i, n)), "int64", [indices.length]);
    return this.tensors.map((t) => indexSelect(t, 0, idx));
  }
}

/** The dataset restricted to `indices`, in that order. */
export class Subset<T> extends Dataset<T> {
  readonly indices: readonly number[];

  constructor(
    readonly dataset: MapDataset<T>,
    indices: ArrayLike<number>,
  ) {
    super();
    this.indices = Array.from(indices);
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number, ctx?: SampleContext): T {
    return this.dataset.getItem(this.indices[checkIndex(index, this.indices.length)]!, ctx);
  }

  getBatch(indices: readonly number[]): Collated<T> | undefined {
    if (!this.dataset.getBatch) return undefined;
    return this.dataset.getBatch(indices.map((i) => this.indices[checkIndex(i, this.indices.length)]!));
  }

  workerRecipe(): DatasetRecipe {
    if (!this.dataset.workerRecipe) throw noRecipe(this.dataset);
    return { module: import.meta.url, export: "Subset", args: { dataset: recipeJson(this.dataset.workerRecipe()), indices: [...this.indices] } };
  }

  static async fromRecipe(args: JsonValue): Promise<Subset<unknown>> {
    const a = args as unknown as { dataset: DatasetRecipe; indices: number[] };
    return new Subset((await datasetFromRecipe(a.dataset)) as MapDataset<unknown>, a.indices);
  }
}

/** Several datasets one after another. */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly MapDataset<T>[];
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: Iterable<MapDataset<T>>) {
    super();
    this.datasets = [...datasets];
    if (this.datasets.length === 0) throw new ArgumentError("datasets should not be an empty iterable");
    let acc = 0;
    this.cumulativeSizes = this.datasets.map((d) => {
      if (d instanceof IterableDataset) throw new ArgumentError("ConcatDataset does not support IterableDataset");
      return (acc += d.length);
    });
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  getItem(index: number, ctx?: SampleContext): T {
    if (index < 0) {
      if (-index > this.length) throw new ArgumentError("absolute value of index should not exceed dataset length");
      index += this.length;
    }
    checkIndex(index, this.length);
    // First dataset whose cumulative size exceeds the index (bisect_right).
    let lo = 0;
    let hi = this.cumulativeSizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulativeSizes[mid]! <= index) lo = mid + 1;
      else hi = mid;
    }
    const start = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.getItem(index - start, ctx);
  }

  workerRecipe(): DatasetRecipe {
    const parts = this.datasets.map((d) => {
      if (!d.workerRecipe) throw noRecipe(d);
      return recipeJson(d.workerRecipe());
    });
    return { module: import.meta.url, export: "ConcatDataset", args: parts };
  }

  static async fromRecipe(args: JsonValue): Promise<ConcatDataset<unknown>> {
    const parts = await Promise.all((args as unknown as DatasetRecipe[]).map((r) => datasetFromRecipe(r)));
    return new ConcatDataset(parts as MapDataset<unknown>[]);
  }
}

function recipeJson(r: DatasetRecipe): JsonValue {
  return { module: r.module, export: r.export, args: r.args };
}

export function noRecipe(ds: unknown): ArgumentError {
  const name = (ds as object)?.constructor?.name ?? typeof ds;
  return new ArgumentError(
    `${name} cannot be loaded in DataLoader worker threads (numWorkers > 0): it has no workerRecipe() describing how to rebuild it in a worker; use numWorkers: 0`,
  );
}

/**
 * Splits a dataset into non-overlapping random subsets. `lengths` are sizes summing to the dataset's
 * length, or fractions summing to 1 (floors, then the remainder handed out round-robin, as PyTorch).
 */
export function randomSplit<T>(dataset: MapDataset<T>, lengths: readonly number[], generator?: RandomSource): Subset<T>[] {
  const sizes = randomSplitLengths(dataset.length, lengths);
  const fractional = lengths.some((l) => !Number.isInteger(l));
  if (fractional) {
    sizes.forEach((s, i) => {
      if (s === 0) console.warn(`Length of split at index ${i} is 0. This might result in an empty dataset.`);
    });
  }
  const perm = randperm(dataset.length, generator ?? getDefaultRandomSource());
  let offset = 0;
  return sizes.map((s) => {
    const part = new Subset(dataset, perm.slice(offset, offset + s));
    offset += s;
    return part;
  });
}
