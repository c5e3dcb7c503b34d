import { Tensor } from "../tensor/tensor.ts";
import { defineMethods, method } from "./define_methods.ts";
import type { ValuesIndices } from "./extremum.ts";
import { bincount, histc } from "./searching.ts";
import { type DimOptions, type MinMax, aminmax, kthvalue, median, mode, nanmedian } from "./selection.ts";
import { cummax, cummin, logcumsumexp } from "./selection_cum.ts";
import { type QuantileOptions, nanquantile, quantile } from "./selection_quantile.ts";
import { msort } from "./sorting.ts";
import { type UniqueConsecutiveOptions, type UniqueOptions, unique, uniqueConsecutive } from "./unique.ts";

/** The public face of the sorting and selection ops: torch.* functions and their Tensor methods. */

export { msort } from "./sorting.ts";
export { aminmax, kthvalue, median, nanmedian, mode, type DimOptions, type MinMax } from "./selection.ts";
export { cummax, cummin, logcumsumexp } from "./selection_cum.ts";
export { quantile, nanquantile, type QuantileInterpolation, type QuantileOptions } from "./selection_quantile.ts";
export { bincount, bucketize, histc, searchsorted, type BincountOptions, type BucketizeOptions, type HistcOptions, type SearchsortedOptions } from "./searching.ts";
export { unique, uniqueConsecutive, type UniqueConsecutiveOptions, type UniqueOptions } from "./unique.ts";

type MedianFn = (x: Tensor, dim?: number | DimOptions, keepdim?: boolean) => Tensor | ValuesIndices;
type UniqueFn = (x: Tensor, opts?: UniqueOptions) => Tensor | Tensor[];

declare module "../tensor/tensor.ts" {
  interface Tensor {
    msort(): Tensor;
    kthvalue(k: number, dim?: number | DimOptions, keepdim?: boolean): ValuesIndices;
    median(): Tensor;
    median(dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
    nanmedian(): Tensor;
    nanmedian(dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
    mode(dim?: number | DimOptions, keepdim?: boolean): ValuesIndices;
    aminmax(opts?: { dim?: number | null; keepdim?: boolean }): MinMax;
    cummax(dim: number): ValuesIndices;
    cummin(dim: number): ValuesIndices;
    logcumsumexp(dim: number): Tensor;
    quantile(q: number | Tensor, dim?: number | null | QuantileOptions, keepdim?: boolean, opts?: QuantileOptions): Tensor;
    nanquantile(q: number | Tensor, dim?: number | null | QuantileOptions, keepdim?: boolean, opts?: QuantileOptions): Tensor;
    unique(opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    unique(opts: UniqueOptions): Tensor | Tensor[];
    uniqueConsecutive(opts?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    uniqueConsecutive(opts: UniqueConsecutiveOptions): Tensor | Tensor[];
    bincount(opts?: { weights?: Tensor | null; minlength?: number }): Tensor;
    histc(bins?: number | { bins?: number; min?: number; max?: number }, min?: number, max?: number): Tensor;
  }
}

defineMethods({
  msort: method(msort),
  kthvalue: method(kthvalue),
  median: method(median as MedianFn),
  nanmedian: method(nanmedian as MedianFn),
  mode: method(mode),
  aminmax: method(aminmax),
  cummax: method(cummax),
  cummin: method(cummin),
  logcumsumexp: method(logcumsumexp),
  quantile: method(quantile),
  nanquantile: method(nanquantile),
  unique: method(unique as UniqueFn),
  uniqueConsecutive: method(uniqueConsecutive as UniqueFn),
  bincount: method(bincount),
  histc: method(histc),
});

