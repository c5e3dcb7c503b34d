/**
 * PyTorch's `PackedSequence`: the steps of several sequences of different lengths, stored time-major
 * without padding. `data` holds step 0 of every sequence, then step 1 of those that have one, and so
 * on; `batchSizes[t]` says how many sequences take part in step t (non-increasing), so the sequences
 * are sorted longest first. `sortedIndices[i]` is the original batch position of sorted column i and
 * `unsortedIndices` its inverse (both null when the input was already sorted).
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { tensor } from "../../tensor/creation.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { indexSelect } from "../../ops/indexing.ts";

export class PackedSequence {
  readonly data: Tensor;
  /** int64, one entry per time step. */
  readonly batchSizes: Tensor;
  readonly sortedIndices: Tensor | null;
  readonly unsortedIndices: Tensor | null;

  constructor(data: Tensor, batchSizes: Tensor, sortedIndices: Tensor | null = null, unsortedIndices: Tensor | null = null) {
    Tensor.check(data, "data");
    Tensor.check(batchSizes, "batch_sizes");
    if (batchSizes.ndim !== 1 || batchSizes.dtype !== "int64") {
      throw new ArgumentError(`PackedSequence: batch_sizes should always be a 1-D int64 tensor, got ${batchSizes.dtype} of ${batchSizes.ndim} dims`);
    }
    const sizes = batchSizesOf(batchSizes);
    const n = sizes.reduce((s, b) => s + b, 0);
    if (data.ndim < 1 || data.shape[0] !== n) {
      throw new ShapeError(`PackedSequence: data has ${data.shape[0] ?? 0} rows but batch_sizes sum to ${n}`);
    }
    this.data = data;
    this.batchSizes = batchSizes;
    this.sortedIndices = sortedIndices;
    // As PyTorch's constructor: the inverse permutation is derived when only the sorting is given.
    this.unsortedIndices = unsortedIndices ?? (sortedIndices === null ? null : invertPermutation(sortedIndices));
  }

  /** The same packing over other data (PyTorch's `_replace(data=...)`), e.g. a layer's output. */
  withData(data: Tensor): PackedSequence {
    return new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  get isCuda(): boolean {
    return false;
  }

  toString(): string {
    return `PackedSequence(data=${String(this.data)}, batch_sizes=${String(this.batchSizes)}, ` +
      `sorted_indices=${String(this.sortedIndices)}, unsorted_indices=${String(this.unsortedIndices)})`;
  }
}

/** The batch sizes as JS numbers, checked non-increasing and positive. */
export function batchSizesOf(batchSizes: Tensor): number[] {
  const sizes = Array.from(batchSizes.toTypedArray() as ArrayLike<number>, Number);
  sizes.forEach((b, t) => {
    if (!(b >= 1) || (t > 0 && b > sizes[t - 1]!)) {
      throw new ArgumentError(`PackedSequence: batch_sizes must be positive and non-increasing, got [${sizes.join(", ")}]`);
    }
  });
  return sizes;
}

/** inverse[perm[i]] = i. */
export function invertPermutation(perm: Tensor): Tensor {
  const p = Array.from(perm.toTypedArray() as ArrayLike<number>, Number);
  const inv = new Array<number>(p.length).fill(0);
  p.forEach((v, i) => (inv[v] = i));
  return tensor(inv, { dtype: "int64" });
}

/** PyTorch's `permute_hidden`: the batch dim (1) of a state reordered by `perm` (nothing when null). */
export function permuteBatch(h: Tensor, perm: Tensor | null): Tensor {
  return perm === null ? h : indexSelect(h, 1, perm);
}
