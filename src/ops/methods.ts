import { runBackward, type BackwardOptions } from "../autograd/engine.ts";
import { ArgumentError } from "../errors.ts";
import type { DType } from "../tensor/dtype.ts";
import { formatTensor } from "../tensor/format.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { cat } from "./join.ts";
import { gather, indexSelect, maskedFill, where } from "./indexing.ts";
import { bmm, matmul, mm } from "./matmul.ts";
import * as R from "./reduce.ts";
import { type SoftmaxOptions, logSoftmax, softmax } from "./softmax.ts";
import type { TensorLike } from "./util.ts";
import * as V from "./views.ts";
import { defineMethods, method, sizesMethod } from "./define_methods.ts";
import "./inplace_methods.ts";
import "./inplace_layout.ts";
// The elementwise methods (x.add, x.exp, ...) come from the op table; installed here too so that any module
// importing the methods (not only src/index.ts) has them.
import "./table_methods.ts";
import { INSPECT } from "../platform/inspect.ts";

/**
 * Tensor methods, attached to the prototype so `x.add(y).relu().sum()` reads like PyTorch while
 * each op stays a plain function in its own file.
 */
type Sizes = (number | readonly number[])[];

declare module "../tensor/tensor.ts" {
  interface Tensor {
    clamp(min?: number | null, max?: number | null): Tensor;
    sum(dim?: R.Dims | null, keepdim?: boolean, opts?: R.DTypeOption): Tensor;
    mean(dim?: R.Dims | null, keepdim?: boolean, opts?: R.DTypeOption): Tensor;
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number, keepdim?: boolean): R.ValuesIndices;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number, keepdim?: boolean): R.ValuesIndices;
    amax(dim?: R.Dims, keepdim?: boolean): Tensor;
    amin(dim?: R.Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    logsumexp(dim: R.Dims, keepdim?: boolean): Tensor;
    var(dim?: R.Dims | null, opts?: R.VarOptions): Tensor;
    std(dim?: R.Dims | null, opts?: R.VarOptions): Tensor;
    prod(dim?: number, keepdim?: boolean): Tensor;
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    bmm(other: Tensor): Tensor;
    softmax(dim: number, opts?: SoftmaxOptions): Tensor;
    logSoftmax(dim: number, opts?: SoftmaxOptions): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
    where(cond: Tensor, other: TensorLike): Tensor;
    reshape(...shape: Sizes): Tensor;
    view(...shape: Sizes): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    get T(): Tensor;
    permute(...dims: Sizes): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(...sizes: Sizes): Tensor;
    expandAs(other: Tensor): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    /** Another dtype, or "cpu" (the only device: the tensor itself). */
    to(dtype: DType | "cpu"): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    long(): Tensor;
    bool(): Tensor;
    backward(gradient?: Tensor, opts?: BackwardOptions): void;
    toString(): string;
  }
}

defineMethods({
  clamp: method(E.clamp),
  sum: method(R.sum),
  mean: method(R.mean),
  max(this: Tensor, d?: number | Tensor, k?: boolean) {
    return d === undefined ? R.max(this) : d instanceof Tensor ? R.max(this, d) : R.max(this, d, k);
  },
  min(this: Tensor, d?: number | Tensor, k?: boolean) {
    return d === undefined ? R.min(this) : d instanceof Tensor ? R.min(this, d) : R.min(this, d, k);
  },
  amax: method(R.amax),
  amin: method(R.amin),
  argmax: method(R.argmax),
  argmin: method(R.argmin),
  logsumexp: method(R.logsumexp),
  var: method(R.variance),
  std: method(R.std),
  prod: method(R.prod),
  matmul: method(matmul),
  mm: method(mm),
  bmm: method(bmm),
  softmax: method(softmax),
  logSoftmax: method(logSoftmax),
  gather: method(gather),
  indexSelect: method(indexSelect),
  maskedFill: method(maskedFill),
  where(this: Tensor, c: Tensor, o: TensorLike) { return where(c, this, o); },
  reshape: sizesMethod(V.reshape),
  view: sizesMethod(V.view),
  flatten: method(V.flatten),
  transpose: method(V.transpose),
  t: method(V.t),
  permute(this: Tensor, ...d: (number | readonly number[])[]) {
    // x.permute() is Python's TypeError, even on a 0-d tensor (torch.permute(x, []) is not)
    if (d.length === 0) throw new ArgumentError('permute() missing 1 required positional arguments: "dims"');
    return V.permute(this, V.shapeArgs(d));
  },
  squeeze: method(V.squeeze),
  unsqueeze: method(V.unsqueeze),
  expand: sizesMethod(V.expand),
  expandAs: method(V.expandAs),
  narrow: method(V.narrow),
  select: method(V.select),
  slice: method(V.slice),
  contiguous: method(V.contiguous),
  clone: method(V.clone),
  to: method(V.to),
  float(this: Tensor) { return V.to(this, "float32"); },
  double(this: Tensor) { return V.to(this, "float64"); },
  int(this: Tensor) { return V.to(this, "int32"); },
  long(this: Tensor) { return V.to(this, "int64"); },
  bool(this: Tensor) { return V.to(this, "bool"); },
  backward: method(runBackward),
  toString: method(formatTensor),
});

Object.defineProperty(Tensor.prototype, "T", {
  get(this: Tensor) { return V.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); },
});

// Node's console.log/inspect uses this symbol; a string key keeps the core free of node: imports.
Object.defineProperty(Tensor.prototype, INSPECT, {
  value(this: Tensor) { return formatTensor(this); },
});

export { cat };
