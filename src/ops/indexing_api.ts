import { defineMethods, method } from "./define_methods.ts";
import type { Indices } from "./index_expr.ts";
import { type IndexPutOptions, index, indexPut, indexPut_ } from "./index_ops.ts";
import { type NonzeroOptions, maskedSelect, nonzero, take } from "./masked.ts";
import { scatter, scatterAdd, scatterAdd_, scatter_ } from "./scatter.ts";

/**
 * Indexing, the LibTorch way: `x.index([torch.Slice(1, 3), torch.Ellipsis, null, mask, idx])` is
 * Python's `x[1:3, ..., None, mask, idx]`, `x.indexPut_(expr, v)` is `x[expr] = v`, and both take the
 * string form too (`x.index("1:3, ..., None")`). Also scatter, nonzero, maskedSelect and take.
 */

export { Slice, Ellipsis, IndexSlice, type IndexItem, type IndexList, type Indices } from "./index_expr.ts";
export { indexPut, indexPut_, scatter, scatterAdd, nonzero, maskedSelect, take, type IndexPutOptions, type NonzeroOptions };

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Python's `x[expr]`: a view for ints, slices, null (None) and Ellipsis; a new tensor with tensor indices. */
    index(indices: Indices): Tensor;
    /** Python's `x[expr] = value`, in place (recorded for autograd); returns this. */
    indexPut_(indices: Indices, value: Tensor | number | boolean, opts?: IndexPutOptions): Tensor;
    /** A copy of this with `x[expr] = value` done (PyTorch's index_put). */
    indexPut(indices: Indices, value: Tensor | number | boolean, opts?: IndexPutOptions): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatter_(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    scatterAdd_(dim: number, index: Tensor, src: Tensor): Tensor;
    nonzero(opts?: NonzeroOptions & { asTuple?: false }): Tensor;
    nonzero(opts: NonzeroOptions & { asTuple: true }): Tensor[];
    maskedSelect(mask: Tensor): Tensor;
    take(index: Tensor): Tensor;
  }
}

defineMethods({
  index: method(index),
  indexPut_: method(indexPut_),
  indexPut: method(indexPut),
  scatter: method(scatter),
  scatter_: method(scatter_),
  scatterAdd: method(scatterAdd),
  scatterAdd_: method(scatterAdd_),
  nonzero: method(nonzero),
  maskedSelect: method(maskedSelect),
  take: method(take),
});
