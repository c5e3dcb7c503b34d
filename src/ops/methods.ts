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
import "./inplace_methods.ts";
// The elementwise methods (x.add, x.exp, ...) come from the op table; installed here too so that any module
// importing the methods (not only src/index.ts) has them.
import "./table_methods.ts";

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

const P = Tensor.prototype as unknown as Record<string, unknown>;
const define = (methods: Record<string, (this: Tensor, ...args: never[]) => unknown>) => Object.assign(P, methods);

define({
  clamp(this: Tensor, lo?: number | null, hi?: number | null) { return E.clamp(this, lo, hi); },
  sum(this: Tensor, d?: R.Dims | null, k?: boolean, o?: R.DTypeOption) { return R.sum(this, d, k, o); },
  mean(this: Tensor, d?: R.Dims | null, k?: boolean, o?: R.DTypeOption) { return R.mean(this, d, k, o); },
  max(this: Tensor, d?: number | Tensor, k?: boolean) {
    return d === undefined ? R.max(this) : d instanceof Tensor ? R.max(this, d) : R.max(this, d, k);
  },
  min(this: Tensor, d?: number | Tensor, k?: boolean) {
    return d === undefined ? R.min(this) : d instanceof Tensor ? R.min(this, d) : R.min(this, d, k);
  },
  amax(this: Tensor, d?: R.Dims, k?: boolean) { return R.amax(this, d, k); },
  amin(this: Tensor, d?: R.Dims, k?: boolean) { return R.amin(this, d, k); },
  argmax(this: Tensor, d?: number, k?: boolean) { return R.argmax(this, d, k); },
  argmin(this: Tensor, d?: number, k?: boolean) { return R.argmin(this, d, k); },
  logsumexp(this: Tensor, d: R.Dims, k?: boolean) { return R.logsumexp(this, d, k); },
  var(this: Tensor, d?: R.Dims | null, o?: R.VarOptions) { return R.variance(this, d, o); },
  std(this: Tensor, d?: R.Dims | null, o?: R.VarOptions) { return R.std(this, d, o); },
  prod(this: Tensor, d?: number, k?: boolean) { return R.prod(this, d, k); },
  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  mm(this: Tensor, o: Tensor) { return mm(this, o); },
  bmm(this: Tensor, o: Tensor) { return bmm(this, o); },
  softmax(this: Tensor, d: number, o?: SoftmaxOptions) { return softmax(this, d, o); },
  logSoftmax(this: Tensor, d: number, o?: SoftmaxOptions) { return logSoftmax(this, d, o); },
  gather(this: Tensor, d: number, i: Tensor) { return gather(this, d, i); },
  indexSelect(this: Tensor, d: number, i: Tensor) { return indexSelect(this, d, i); },
  maskedFill(this: Tensor, m: Tensor, v: number | Tensor) { return maskedFill(this, m, v); },
  where(this: Tensor, c: Tensor, o: TensorLike) { return where(c, this, o); },
  reshape(this: Tensor, ...s: Sizes) { return V.reshape(this, V.shapeArgs(s)); },
  view(this: Tensor, ...s: Sizes) { return V.view(this, V.shapeArgs(s)); },
  flatten(this: Tensor, s?: number, e?: number) { return V.flatten(this, s, e); },
  transpose(this: Tensor, a: number, b: number) { return V.transpose(this, a, b); },
  t(this: Tensor) { return V.t(this); },
  permute(this: Tensor, ...d: Sizes) {
    // x.permute() is Python's TypeError, even on a 0-d tensor (torch.permute(x, []) is not)
    if (d.length === 0) throw new ArgumentError('permute() missing 1 required positional arguments: "dims"');
    return V.permute(this, V.shapeArgs(d));
  },
  squeeze(this: Tensor, d?: number | readonly number[]) { return V.squeeze(this, d); },
  unsqueeze(this: Tensor, d: number) { return V.unsqueeze(this, d); },
  expand(this: Tensor, ...s: Sizes) { return V.expand(this, V.shapeArgs(s)); },
  expandAs(this: Tensor, o: Tensor) { return V.expandAs(this, o); },
  narrow(this: Tensor, d: number, s: number, l: number) { return V.narrow(this, d, s, l); },
  select(this: Tensor, d: number, i: number) { return V.select(this, d, i); },
  slice(this: Tensor, d: number, s?: number, e?: number, st?: number) { return V.slice(this, d, s, e, st); },
  contiguous(this: Tensor) { return V.contiguous(this); },
  clone(this: Tensor) { return V.clone(this); },
  to(this: Tensor, d: DType | "cpu") { return V.to(this, d); },
  float(this: Tensor) { return V.to(this, "float32"); },
  double(this: Tensor) { return V.to(this, "float64"); },
  int(this: Tensor) { return V.to(this, "int32"); },
  long(this: Tensor) { return V.to(this, "int64"); },
  bool(this: Tensor) { return V.to(this, "bool"); },
  backward(this: Tensor, g?: Tensor, o?: BackwardOptions) { runBackward(this, g, o); },
  toString(this: Tensor) { return formatTensor(this); },
});


Object.defineProperty(Tensor.prototype, "T", {
  get(this: Tensor) { return V.permute(this, this.shape.map((_, i) => this.ndim - 1 - i)); },
});

// Node's console.log/inspect uses this symbol; a string key keeps the core free of node: imports.
Object.defineProperty(Tensor.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Tensor) { return formatTensor(this); },
});

export { cat };
