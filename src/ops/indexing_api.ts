import { Tensor } from "../tensor/tensor.ts";
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

const P = Tensor.prototype as unknown as Record<string, unknown>;
const define = (methods: Record<string, (this: Tensor, ...args: never[]) => unknown>) => Object.assign(P, methods);

define({
  index(this: Tensor, i: Indices) { return index(this, i); },
  indexPut_(this: Tensor, i: Indices, v: Tensor | number | boolean, o?: IndexPutOptions) { return indexPut_(this, i, v, o); },
  indexPut(this: Tensor, i: Indices, v: Tensor | number | boolean, o?: IndexPutOptions) { return indexPut(this, i, v, o); },
  scatter(this: Tensor, d: number, i: Tensor, s: Tensor | number) { return scatter(this, d, i, s); },
  scatter_(this: Tensor, d: number, i: Tensor, s: Tensor | number) { return scatter_(this, d, i, s); },
  scatterAdd(this: Tensor, d: number, i: Tensor, s: Tensor) { return scatterAdd(this, d, i, s); },
  scatterAdd_(this: Tensor, d: number, i: Tensor, s: Tensor) { return scatterAdd_(this, d, i, s); },
  nonzero(this: Tensor, o?: NonzeroOptions) { return nonzero(this, o as NonzeroOptions & { asTuple?: false }); },
  maskedSelect(this: Tensor, m: Tensor) { return maskedSelect(this, m); },
  take(this: Tensor, i: Tensor) { return take(this, i); },
});
