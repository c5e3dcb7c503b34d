import { DTypeError } from "../errors.ts";
import { checkArg, checkArity } from "../options.ts";
import { DTYPES, type DType, checkDType, tensorTypeName } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { uncountedAlias } from "../tensor/version.ts";
import { type CumOptions, cumprod, cumsum } from "./cumulative.ts";
import type { ValuesIndices } from "./extremum.ts";
import { type AddmmOptions, type MatrixOrd, type VectorNormOptions, addmm, baddbmm, dot, norm, outer } from "./linalg.ts";
import { type AllcloseOptions, all, allclose, any, equal, isclose } from "./logical_reduce.ts";
import { type MultinomialOptions, multinomial } from "./multinomial.ts";

import {
  type DiffOptions, type RepeatInterleaveOptions,
  chunk, diff, flip, repeat, repeatInterleave, roll, split, tile, tril, triu, unbind,
} from "./shape_ops.ts";
import { type SortOptions, type TopkOptions, argsort, sort, topk } from "./sorting.ts";
import { defineMethods, method, sizesMethod } from "./define_methods.ts";
import { to, view } from "./views.ts";
import "./tensor_iteration.ts";

/**
 * The public face of issue 13's ops: torch.* functions, Tensor methods, torch.linalg, dtype aliases,
 * Tensor.data and Tensor.type. The ops themselves live in shape_ops, sorting, cumulative, linalg,
 * logical_reduce, einsum and multinomial.
 */

export { chunk, split, unbind, flip, roll, tile, repeatInterleave, tril, triu, diff, meshgrid } from "./shape_ops.ts";
export type { DiffOptions, MeshgridOptions, RepeatInterleaveOptions } from "./shape_ops.ts";
export { sort, argsort, topk, type SortOptions, type TopkOptions } from "./sorting.ts";
export { cumsum, cumprod, type CumOptions } from "./cumulative.ts";
export { einsum } from "./einsum.ts";
export { outer, dot, addmm, baddbmm, norm, type AddmmOptions, type VectorNormOptions, type MatrixOrd } from "./linalg.ts";
export { all, any, equal, allclose, isclose, type AllcloseOptions } from "./logical_reduce.ts";
export { multinomial, type MultinomialOptions } from "./multinomial.ts";
export * as linalg from "./linalg_namespace.ts";

// torch.float, torch.long...: kindling's dtypes are their names, so an alias is the string itself.
const float32: DType = "float32";
const float64: DType = "float64";
const int32: DType = "int32";
const int64: DType = "int64";
const bool: DType = "bool";
export { float32, float64, int32, int64, bool, float32 as float, float64 as double, int32 as int, int64 as long };

/** A dtype from PyTorch's legacy type name ("torch.FloatTensor"), "torch.<dtype>" or the dtype's name. */
function typeFromName(t: string): DType {
  const d = DTYPES.find((d) => t === tensorTypeName(d) || t === `torch.${d}`);
  if (d !== undefined) return d;
  if (t.startsWith("torch.")) throw new DTypeError(`invalid type: '${t}'`);
  return checkDType(t);
}

type Sizes = (number | readonly number[])[];

declare module "../tensor/tensor.ts" {
  interface Tensor {
    chunk(chunks: number, dim?: number): Tensor[];
    split(splitSize: number | readonly number[], dim?: number): Tensor[];
    unbind(dim?: number): Tensor[];
    flip(...dims: Sizes): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor;
    repeat(...sizes: Sizes): Tensor;
    tile(...dims: Sizes): Tensor;
    repeatInterleave(repeats: number | Tensor, dim?: number | null | RepeatInterleaveOptions): Tensor;
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    diff(n?: number, dim?: number, opts?: DiffOptions): Tensor;
    sort(dim?: number | SortOptions, descending?: boolean): ValuesIndices;
    argsort(dim?: number | SortOptions, descending?: boolean): Tensor;
    topk(k: number, dim?: number | TopkOptions, largest?: boolean, sorted?: boolean): ValuesIndices;
    cumsum(dim: number, opts?: CumOptions): Tensor;
    cumprod(dim: number, opts?: CumOptions): Tensor;
    outer(vec2: Tensor): Tensor;
    dot(other: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, opts?: AddmmOptions): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, opts?: AddmmOptions): Tensor;
    norm(p?: MatrixOrd | null, dim?: number | readonly number[] | null, keepdim?: boolean, opts?: VectorNormOptions): Tensor;
    all(dim?: number, keepdim?: boolean): Tensor;
    any(dim?: number, keepdim?: boolean): Tensor;
    equal(other: Tensor): boolean;
    allclose(other: Tensor, opts?: AllcloseOptions): boolean;
    isclose(other: Tensor, opts?: AllcloseOptions): Tensor;
    multinomial(numSamples: number, replacement?: boolean | MultinomialOptions, opts?: MultinomialOptions): Tensor;
    viewAs(other: Tensor): Tensor;
    /** With no argument, PyTorch's type name ("torch.FloatTensor"); with a dtype or type name, the cast. */
    type(): string;
    type(dtype: DType | string): Tensor;
    /**
     * A detached view sharing this tensor's memory but not its version counter (in-place writes through it
     * do not invalidate graphs that saved this tensor); assigning replaces its memory, dtype and shape (set_data).
     */
    data: Tensor;
  }
}

defineMethods({
  chunk: method(chunk),
  split: method(split),
  unbind: method(unbind),
  flip: sizesMethod(flip),
  roll: method(roll),
  repeat: sizesMethod(repeat),
  tile: sizesMethod(tile),
  repeatInterleave: method(repeatInterleave),
  tril: method(tril),
  triu: method(triu),
  diff: method(diff),
  sort: method(sort),
  argsort: method(argsort),
  topk: method(topk),
  cumsum: method(cumsum),
  cumprod: method(cumprod),
  outer: method(outer),
  dot: method(dot),
  addmm: method(addmm),
  baddbmm: method(baddbmm),
  norm: method(norm),
  all: method(all),
  any: method(any),
  equal: method(equal),
  allclose: method(allclose),
  isclose: method(isclose),
  multinomial: method(multinomial),
  viewAs(this: Tensor, o: Tensor) { Tensor.check(o, "other"); return view(this, o.shape); },
  type(this: Tensor, dtype?: DType | string) {
    checkArity("Tensor.type()", arguments, 1);
    if (dtype === undefined) return tensorTypeName(this.dtype);
    checkArg("Tensor.type()", dtype, "string", 1, "dtype");
    const d = typeFromName(dtype);
    return d === this.dtype ? this : to(this, d);
  },
});

Object.defineProperty(Tensor.prototype, "data", {
  configurable: true,
  get(this: Tensor) { return Tensor.fromStorage(uncountedAlias(this.storage), this.dtype, this.shape, this.strides, this.offset); },
  set(this: Tensor, src: Tensor) {
    Tensor.check(src, "data");
    Tensor.setData(this, src);
  },
});


