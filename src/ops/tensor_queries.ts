import { ArgumentError, AutogradError, DTypeError } from "../errors.ts";
import { checkArity, describeValue } from "../options.ts";
import type { DType } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bumpVersion } from "../tensor/version.ts";
import { defineMethods } from "./define_methods.ts";
import { expand } from "./views.ts";

/**
 * What PyTorch programs ask a tensor about its placement and kind (isCpu, getDevice, layout, isSparse,
 * ...), the element-wise Python-callable ops apply_ and map_, and the casts to dtypes kindling lacks.
 * kindling's tensors are dense, strided, on the cpu, never quantized, nested, pinned or shared.
 */

/** PyTorch's only dense layout, `torch.strided`, as a string. */
export const strided = "strided";
export type Layout = typeof strided;

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Always true: kindling's tensors live on the cpu. */
    readonly isCpu: boolean;
    readonly isSparse: boolean;
    readonly isQuantized: boolean;
    readonly isMeta: boolean;
    readonly isNested: boolean;
    readonly isSparseCsr: boolean;
    readonly isMkldnn: boolean;
    /** False: no tensor lives on an accelerator (isCuda too). */
    readonly isMps: boolean;
    readonly isXpu: boolean;
    readonly isIpu: boolean;
    readonly isVulkan: boolean;
    readonly isOrt: boolean;
    /** "strided" (torch.strided): every kindling tensor is dense with strides. */
    readonly layout: Layout;
    /**
     * Which output of its autograd node this tensor is: 0, since each kindling node has one output
     * (PyTorch numbers the pieces of one SplitBackward0 node 0, 1, ...).
     */
    readonly outputNr: number;
    /**
     * False: kindling does not make inference tensors. Tensors made in inferenceMode are ordinary ones
     * (they may enter autograd later), not PyTorch's restricted kind.
     */
    isInference(): boolean;
    /** The CUDA device index, -1 on the cpu (PyTorch's value for cpu tensors). */
    getDevice(): number;
    isPinned(): boolean;
    /** False: kindling has no shared-memory tensors (share_memory_). */
    isShared(): boolean;
    /**
     * A stand-in for the address of the first element: each memory block gets a fixed base, plus the
     * element offset times the element size, so equal pointers mean the same memory and a view's
     * pointer is offset as in PyTorch (`x[1].dataPtr() - x.dataPtr()` is a row's bytes). 0 when empty.
     */
    dataPtr(): number;
    /** Replaces each element by fn(element), in row-major order; no autograd (refused when requiring grad). */
    apply_(fn: (value: number | boolean) => number | boolean): Tensor;
    /** Replaces each element by fn(element, other's element), other broadcast to self's shape. */
    map_(other: Tensor, fn: (value: number | boolean, other: number | boolean) => number | boolean): Tensor;
    /** Replaces each element by fn(element, x's, y's), x and y broadcast to self's shape. */
    map2_(x: Tensor, y: Tensor, fn: (value: number | boolean, x: number | boolean, y: number | boolean) => number | boolean): Tensor;
    /** Refused: kindling has no float16 dtype. */
    half(): never;
    /** Refused: kindling has no bfloat16 dtype. */
    bfloat16(): never;
    /** Refused: kindling has no uint8 dtype. */
    byte(): never;
    /** Refused: kindling has no int8 dtype. */
    char(): never;
    /** Refused: kindling has no int16 dtype. */
    short(): never;
    /** Refused: kindling has no complex dtypes. */
    cdouble(): never;
    cfloat(): never;
  }
}

const KINDLING_DTYPES = "float32, float64, int32, int64, bool";

const refuseCast = (method: string, missing: string, instead: string) =>
  function (this: Tensor): never {
    throw new DTypeError(`Tensor.${method}(): kindling has no ${missing} dtype (it has ${KINDLING_DTYPES}); ${instead}`);
  };

/** Fake base addresses per memory block, far enough apart that no two blocks' pointers meet. */
const bases = new WeakMap<ArrayBufferLike, number>();
let nextBase = 0x100000;

function baseOf(buffer: ArrayBufferLike): number {
  let b = bases.get(buffer);
  if (b === undefined) {
    b = nextBase;
    nextBase += Math.ceil((buffer.byteLength + 1) / 0x1000) * 0x1000 + 0x1000;
    bases.set(buffer, b);
  }
  return b;
}

const TENSOR_TYPE: Record<DType, string> = {
  float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int32: "torch.IntTensor", int64: "torch.LongTensor", bool: "torch.BoolTensor",
};

/** The storage position of each element of t, in row-major order. */
function addresses(t: Tensor): number[] {
  const out: number[] = [];
  const idx = new Array<number>(t.ndim).fill(0);
  for (let i = 0, n = t.numel(); i < n; i++) {
    let a = t.offset;
    for (let d = 0; d < t.ndim; d++) a += idx[d]! * t.strides[d]!;
    out.push(a);
    for (let d = t.ndim - 1; d >= 0 && ++idx[d]! === t.shape[d]!; d--) idx[d] = 0;
  }
  return out;
}

/** fn's result as an element of dtype: C's cast for integers (toward zero), nonzero for bool. */
function element(dtype: DType, v: unknown): number {
  if (typeof v === "boolean") return Number(v);
  if (typeof v !== "number") throw new ArgumentError(`must be real number, not ${describeValue(v)}`);
  if (dtype === "bool") return Number(v !== 0);
  return dtype === "int64" ? Math.trunc(v) : v;
}

const value = (dtype: DType, v: number): number | boolean => (dtype === "bool" ? v !== 0 : v);

function checkCallable(where: string, fn: unknown, index: number): void {
  if (typeof fn !== "function") throw new ArgumentError(`${where}: argument ${index} (callable) must be a function, got ${describeValue(fn)}`);
}

function apply_(self: Tensor, fn: (v: number | boolean) => number | boolean): Tensor {
  checkCallable("Tensor.apply_()", fn, 1);
  // PyTorch refuses whatever the grad mode: the callable's work cannot be recorded.
  if (self.requiresGrad) throw new AutogradError("Can't call apply_() on Variable that requires grad. Use var.detach().apply_() instead.");
  const s = self.storage;
  for (const a of addresses(self)) s[a] = element(self.dtype, fn(value(self.dtype, s[a]!)));
  // PyTorch leaves the version alone; kindling counts every write, so a saved tensor stays checked.
  if (self.numel() > 0) bumpVersion(s);
  return self;
}

type Elem = number | boolean;

/** map_ and map2_: fn over self's elements and the others' (broadcast to self), read before any write. */
function mapWith(op: string, self: Tensor, others: readonly [string, Tensor][], fn: (...v: Elem[]) => Elem): Tensor {
  for (const [name, o] of others) Tensor.check(o, name);
  checkCallable(`Tensor.${op}()`, fn, others.length + 1);
  if (self.requiresGrad || others.some(([, o]) => o.requiresGrad)) {
    throw new AutogradError(`Can't call ${op}() on Variable that requires grad. Use var.detach().${op}() instead.`);
  }
  for (const [name, o] of others) {
    if (o.dtype !== self.dtype) {
      const arg = op === "map_" ? "'other'" : `argument '${name}'`;
      throw new DTypeError(`${op}: expected ${TENSOR_TYPE[self.dtype]} for ${arg} (got ${TENSOR_TYPE[o.dtype]})`);
    }
  }
  // the others' values are read first, so one sharing self's memory gives its old values.
  const theirs = others.map(([, o]) => {
    const e = expand(o, self.shape);
    return addresses(e).map((a) => value(self.dtype, e.storage[a]!));
  });
  const s = self.storage;
  addresses(self).forEach((a, i) => {
    s[a] = element(self.dtype, fn(value(self.dtype, s[a]!), ...theirs.map((t) => t[i]!)));
  });
  if (self.numel() > 0) bumpVersion(s);
  return self;
}

const constant = <T>(name: string, v: T) =>
  Object.defineProperty(Tensor.prototype, name, { get: () => v, configurable: true, enumerable: false });

for (const name of ["isSparse", "isSparseCsr", "isQuantized", "isMeta", "isNested", "isMkldnn", "isMps", "isXpu", "isIpu", "isVulkan", "isOrt"]) {
  constant(name, false);
}
constant("isCpu", true);
constant("layout", strided);
constant("outputNr", 0);

defineMethods({
  isInference: () => false,
  getDevice: () => -1,
  isPinned: () => false,
  isShared: () => false,
  dataPtr(this: Tensor) {
    if (this.numel() === 0) return 0;
    const s = this.storage;
    return baseOf(s.buffer) + s.byteOffset + this.offset * s.BYTES_PER_ELEMENT;
  },
  apply_(this: Tensor, fn: (v: number | boolean) => number | boolean) {
    checkArity("Tensor.apply_()", arguments, 1);
    return apply_(this, fn);
  },
  map_(this: Tensor, other: Tensor, fn: (v: Elem, o: Elem) => Elem) {
    checkArity("Tensor.map_()", arguments, 2);
    return mapWith("map_", this, [["other", other]], fn as (...v: Elem[]) => Elem);
  },
  map2_(this: Tensor, x: Tensor, y: Tensor, fn: (v: Elem, x: Elem, y: Elem) => Elem) {
    checkArity("Tensor.map2_()", arguments, 3);
    return mapWith("map2_", this, [["x", x], ["y", y]], fn as (...v: Elem[]) => Elem);
  },
  half: refuseCast("half", "float16", "float() gives float32"),
  bfloat16: refuseCast("bfloat16", "bfloat16", "float() gives float32"),
  byte: refuseCast("byte", "uint8", "int() gives int32"),
  char: refuseCast("char", "int8", "int() gives int32"),
  short: refuseCast("short", "int16", "int() gives int32"),
  cdouble: refuseCast("cdouble", "complex128", "complex numbers are not supported"),
  cfloat: refuseCast("cfloat", "complex64", "complex numbers are not supported"),
});

/** torch.is_inference(input): false for every kindling tensor (see Tensor.isInference). */
export function isInference(input: Tensor): boolean {
  return Tensor.check(input, "input").isInference();
}

/** torch.get_device(input): -1, the cpu. */
export function getDevice(input: Tensor): number {
  return Tensor.check(input, "input").getDevice();
}
