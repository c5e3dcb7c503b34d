import { ArgumentError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { prelu } from "./activation_extra.ts";
import { defineMethods, method, sizesMethod } from "./define_methods.ts";
import { type IndexReduceMode, type IndexReduceOptions, indexReduce, indexReduce_ } from "./index_reduce.ts";
import { type PutOptions, maskedScatter, maskedScatter_, put, put_ } from "./masked_scatter.ts";
import type { DiagonalOptions } from "./shape_extra_diag.ts";
import { type SliceScatterOptions, diagonalScatter, selectScatter, sliceScatter } from "./scatter_views.ts";
import { narrowCopy, splitWithSizes, sumToSize, unsafeChunk, unsafeSplit, unsafeSplitWithSizes } from "./split_more.ts";

/**
 * The public face of masked_scatter, put, index_reduce, the *_scatter ops and the split variants:
 * torch.* functions and Tensor methods.
 */

export { maskedScatter, put, type PutOptions } from "./masked_scatter.ts";
export { indexReduce, type IndexReduceMode, type IndexReduceOptions } from "./index_reduce.ts";
export { diagonalScatter, selectScatter, sliceScatter, type SliceScatterOptions } from "./scatter_views.ts";
export { narrowCopy, splitWithSizes, unsafeChunk, unsafeSplit, unsafeSplitWithSizes } from "./split_more.ts";
export { prelu } from "./activation_extra.ts";

type PutArgs = (boolean | PutOptions | undefined)[];

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Self (broadcast with mask) with source's first values, in order, where mask is true. */
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    maskedScatter_(mask: Tensor, source: Tensor): Tensor;
    /** Self read as 1-d with source written at index (`accumulate` adds instead). */
    put(index: Tensor, source: Tensor, ...args: PutArgs): Tensor;
    put_(index: Tensor, source: Tensor, ...args: PutArgs): Tensor;
    indexReduce(dim: number, index: Tensor, source: Tensor, reduce: IndexReduceMode, opts?: IndexReduceOptions): Tensor;
    indexReduce_(dim: number, index: Tensor, source: Tensor, reduce: IndexReduceMode, opts?: IndexReduceOptions): Tensor;
    diagonalScatter(src: Tensor, ...args: (number | DiagonalOptions | undefined)[]): Tensor;
    selectScatter(src: Tensor, dim: number, index: number): Tensor;
    sliceScatter(src: Tensor, ...args: (number | null | SliceScatterOptions | undefined)[]): Tensor;
    narrowCopy(dim: number, start: number, length: number): Tensor;
    splitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
    unsafeChunk(chunks: number, dim?: number): Tensor[];
    unsafeSplit(splitSize: number, dim?: number): Tensor[];
    unsafeSplitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
    /** Sums the broadcast dims away to `size` (`x.sumToSize(1, 4)` or `x.sumToSize([1, 4])`). */
    sumToSize(...size: (number | readonly number[])[]): Tensor;
    prelu(weight: Tensor): Tensor;
  }
}

defineMethods({
  maskedScatter: method(maskedScatter),
  maskedScatter_: method(maskedScatter_),
  put: method(put),
  put_: method(put_),
  indexReduce: method(indexReduce),
  indexReduce_: method(indexReduce_),
  diagonalScatter: method(diagonalScatter),
  selectScatter: method(selectScatter),
  sliceScatter: method(sliceScatter),
  narrowCopy: method(narrowCopy),
  splitWithSizes: method(splitWithSizes),
  unsafeChunk: method(unsafeChunk),
  unsafeSplit: method(unsafeSplit),
  unsafeSplitWithSizes: method(unsafeSplitWithSizes),
  sumToSize(this: Tensor, ...size: (number | readonly number[])[]) {
    if (size.length === 0) throw new ArgumentError('sum_to_size() missing 1 required positional arguments: "size"');
    return sizesMethod(sumToSize).call(this, ...size);
  },
  prelu: method(prelu),
});
