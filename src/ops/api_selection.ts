import { Tensor } from "../tensor/tensor.ts";
import { defineMethods, method } from "./define_methods.ts";
import type { ValuesIndices } from "./extremum.ts";
import { type DimOptions, kthvalue, median, mode, nanmedian } from "./selection.ts";
import { msort } from "./sorting.ts";

/** The public face of the sorting and selection ops: torch.* functions and their Tensor methods. */

export { msort } from "./sorting.ts";
export { kthvalue, median, nanmedian, mode, type DimOptions } from "./selection.ts";

declare module "../tensor/tensor.ts" {
  interface Tensor {
    msort(): Tensor;
    kthvalue(k: number, dim?: number | DimOptions, keepdim?: boolean): ValuesIndices;
    median(): Tensor;
    median(dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
    nanmedian(): Tensor;
    nanmedian(dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
    mode(dim?: number | DimOptions, keepdim?: boolean): ValuesIndices;
  }
}

defineMethods({
  msort: method(msort),
  kthvalue: method(kthvalue),
  median: method(median as (x: Tensor, dim?: number | DimOptions, keepdim?: boolean) => Tensor | ValuesIndices),
  nanmedian: method(nanmedian as (x: Tensor, dim?: number | DimOptions, keepdim?: boolean) => Tensor | ValuesIndices),
  mode: method(mode),
});
