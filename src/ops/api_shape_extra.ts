import { type TensorData, type TensorOptions, full, ones, tensor, zeros } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type DiagonalOptions, diag, diagEmbed, diagflat, diagonal, fliplr, flipud, rot90, trace } from "./shape_extra_diag.ts";
import { type IndexAddOptions, argwhere, countNonzero, indexAdd, indexAdd_, indexCopy, indexCopy_, indexFill, indexFill_, takeAlongDim } from "./index_extra.ts";
import { nanmean, nansum } from "./reduce_extra.ts";
import { broadcastTo, movedim, ravel, reshapeAs, swapaxes, unflatten } from "./shape_extra.ts";
import { cross, kron } from "./shape_extra_combine.ts";
import { addbmm, addbmm_, addmv, addmv_, addr, addr_, dist, ger, inner, mv, renorm, renorm_, vdot } from "./linalg_extra.ts";
import type { AddmmOptions } from "./linalg.ts";
import { det, inv, slogdet } from "./linalg_solve.ts";
import { dsplit, hsplit, tensorSplit, vsplit } from "./shape_extra_split.ts";
import type { DTypeOption, Dims } from "./reduce.ts";
import { defineMethods, method, sizesMethod } from "./define_methods.ts";
import { to } from "./views.ts";

/** The public face of the extra shape, join, index and reduction ops: torch.* names and Tensor methods. */

export { movedim, movedim as moveaxis, swapaxes, swapaxes as swapdims, unflatten, broadcastTo, broadcastTensors, ravel, atleast1d, atleast2d, atleast3d } from "./shape_extra.ts";
export { concat, concat as concatenate, hstack, vstack, dstack, columnStack, rowStack, tensorSplit, hsplit, vsplit, dsplit } from "./shape_extra_split.ts";
export { diag, diagonal, diagEmbed, diagflat, trace, trilIndices, triuIndices, rot90, fliplr, flipud, type DiagonalOptions, type TriIndicesOptions } from "./shape_extra_diag.ts";
export { takeAlongDim, indexAdd, indexCopy, indexFill, countNonzero, argwhere, type IndexAddOptions } from "./index_extra.ts";
export { nansum, nanmean, stdMean, varMean } from "./reduce_extra.ts";
export { det, slogdet, inv as inverse } from "./linalg_solve.ts";
export { trapezoid, trapz, cumulativeTrapezoid, type TrapezoidOptions } from "./reduce_extra_trapezoid.ts";
export { mv, addmv, addr, addbmm, inner, vdot, ger, tensordot, chainMatmul, dist, cdist, renorm, type TensordotDims, type CdistOptions } from "./linalg_extra.ts";
export { cartesianProd, combinations, blockDiag, kron, cross, type CombinationsOptions } from "./shape_extra_combine.ts";

type Sizes = (number | readonly number[])[];
type SizesAndOptions = (number | readonly number[] | TensorOptions)[];
type DiagArgs = (number | DiagonalOptions | undefined)[];

declare module "../tensor/tensor.ts" {
  interface Tensor {
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    swapaxes(axis0: number, axis1: number): Tensor;
    swapdims(dim0: number, dim1: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    broadcastTo(...size: Sizes): Tensor;
    ravel(): Tensor;
    /** This tensor cast to other's dtype (itself when it already has it). */
    typeAs(other: Tensor): Tensor;
    reshapeAs(other: Tensor): Tensor;
    /** Factories that default to this tensor's dtype: `x.newZeros(2, 3)`, `x.newFull([2], 7, { dtype })`. */
    newZeros(...size: SizesAndOptions): Tensor;
    newOnes(...size: SizesAndOptions): Tensor;
    newEmpty(...size: SizesAndOptions): Tensor;
    newFull(size: readonly number[], fillValue: number | boolean, opts?: TensorOptions): Tensor;
    newTensor(data: TensorData, opts?: TensorOptions): Tensor;
    tensorSplit(indicesOrSections: number | readonly number[] | Tensor, dim?: number): Tensor[];
    hsplit(indicesOrSections: number | readonly number[]): Tensor[];
    vsplit(indicesOrSections: number | readonly number[]): Tensor[];
    dsplit(indicesOrSections: number | readonly number[]): Tensor[];
    diag(diagonal?: number): Tensor;
    diagonal(...args: DiagArgs): Tensor;
    diagEmbed(...args: DiagArgs): Tensor;
    diagflat(offset?: number): Tensor;
    trace(): Tensor;
    rot90(k?: number, dims?: readonly number[]): Tensor;
    fliplr(): Tensor;
    flipud(): Tensor;
    takeAlongDim(indices: Tensor, dim?: number | null): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, opts?: IndexAddOptions): Tensor;
    indexAdd_(dim: number, index: Tensor, source: Tensor, opts?: IndexAddOptions): Tensor;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor;
    indexCopy_(dim: number, index: Tensor, source: Tensor): Tensor;
    indexFill(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
    indexFill_(dim: number, index: Tensor, value: number | boolean | Tensor): Tensor;
    countNonzero(dim?: Dims | null): Tensor;
    argwhere(): Tensor;
    nansum(dim?: Dims | null, keepdim?: boolean, opts?: DTypeOption): Tensor;
    nanmean(dim?: Dims | null, keepdim?: boolean, opts?: DTypeOption): Tensor;
    kron(other: Tensor): Tensor;
    cross(other: Tensor, dim?: number | null): Tensor;
    mv(vec: Tensor): Tensor;
    addmv(mat: Tensor, vec: Tensor, opts?: AddmmOptions): Tensor;
    addr(vec1: Tensor, vec2: Tensor, opts?: AddmmOptions): Tensor;
    addbmm(batch1: Tensor, batch2: Tensor, opts?: AddmmOptions): Tensor;
    inner(other: Tensor): Tensor;
    vdot(other: Tensor): Tensor;
    ger(vec2: Tensor): Tensor;
    dist(other: Tensor, p?: number): Tensor;
    renorm(p: number, dim: number, maxnorm: number): Tensor;
    addmv_(mat: Tensor, vec: Tensor, opts?: AddmmOptions): Tensor;
    addr_(vec1: Tensor, vec2: Tensor, opts?: AddmmOptions): Tensor;
    addbmm_(batch1: Tensor, batch2: Tensor, opts?: AddmmOptions): Tensor;
    renorm_(p: number, dim: number, maxnorm: number): Tensor;
    det(): Tensor;
    slogdet(): [Tensor, Tensor];
    inverse(): Tensor;
  }
}

/** A factory's options with this tensor's dtype as the default. */
const ownDType = (t: Tensor, args: SizesAndOptions): SizesAndOptions => {
  const last = args[args.length - 1];
  const opts = typeof last === "object" && !Array.isArray(last) ? (last as TensorOptions) : undefined;
  const sizes = opts === undefined ? args : args.slice(0, -1);
  return [...sizes, { dtype: t.dtype, ...opts }];
};

defineMethods({
  movedim: method(movedim),
  moveaxis: method(movedim),
  swapaxes: method(swapaxes),
  swapdims: method(swapaxes),
  unflatten: method(unflatten),
  broadcastTo: sizesMethod(broadcastTo),
  ravel: method(ravel),
  typeAs(this: Tensor, other: Tensor) { Tensor.check(other, "other"); return to(this, other.dtype); },
  reshapeAs: method(reshapeAs),
  newZeros(this: Tensor, ...args: SizesAndOptions) { return zeros(...ownDType(this, args)); },
  newOnes(this: Tensor, ...args: SizesAndOptions) { return ones(...ownDType(this, args)); },
  newEmpty(this: Tensor, ...args: SizesAndOptions) { return zeros(...ownDType(this, args)); },
  newFull(this: Tensor, size: readonly number[], fillValue: number | boolean, opts?: TensorOptions) {
    return full(size, fillValue, { dtype: this.dtype, ...opts });
  },
  newTensor(this: Tensor, data: TensorData, opts?: TensorOptions) { return tensor(data, { dtype: this.dtype, ...opts }); },
  tensorSplit: method(tensorSplit),
  hsplit: method(hsplit),
  vsplit: method(vsplit),
  dsplit: method(dsplit),
  diag: method(diag),
  diagonal: method(diagonal),
  diagEmbed: method(diagEmbed),
  diagflat: method(diagflat),
  trace: method(trace),
  rot90: method(rot90),
  fliplr: method(fliplr),
  flipud: method(flipud),
  takeAlongDim: method(takeAlongDim),
  indexAdd: method(indexAdd),
  indexAdd_: method(indexAdd_),
  indexCopy: method(indexCopy),
  indexCopy_: method(indexCopy_),
  indexFill: method(indexFill),
  indexFill_: method(indexFill_),
  countNonzero: method(countNonzero),
  argwhere: method(argwhere),
  nansum: method(nansum),
  nanmean: method(nanmean),
  kron: method(kron),
  cross: method(cross),
  mv: method(mv),
  addmv: method(addmv),
  addr: method(addr),
  addbmm: method(addbmm),
  inner: method(inner),
  vdot: method(vdot),
  ger: method(ger),
  dist: method(dist),
  renorm: method(renorm),
  addmv_: method(addmv_),
  addr_: method(addr_),
  addbmm_: method(addbmm_),
  renorm_: method(renorm_),
  det: method(det),
  slogdet: method(slogdet),
  inverse: method(inv),
});
