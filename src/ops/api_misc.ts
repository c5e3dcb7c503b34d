import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import type { TensorOptions } from "../tensor/creation.ts";
import { type DType, allocStorage, checkDType, isFloating } from "../tensor/dtype.ts";
import { TENSOR_OPTIONS, finish } from "../tensor/ranges.ts";
import { checkShape } from "../tensor/shape.ts";
import { getDefaultDType, setDefaultDType } from "../tensor/default_dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { resultType as resultTypeOf } from "./promotion.ts";
import { defineMethods } from "./define_methods.ts";

/**
 * PyTorch's dtype and tensor-kind queries: torch.getDefaultDtype, isTensor, isFloatingPoint, isComplex,
 * isSigned, isNonzero, isSameSize, isConj, isNeg, numel, resultType, canCast, finfo, iinfo, and the Tensor
 * methods of those plus elementSize, nelement, ndimension, isSetTo, newEmptyStrided and retainsGrad.
 */

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** Always false: kindling has no complex dtypes. */
    isComplex(): boolean;
    /** Whether the dtype holds negative numbers (all but bool). */
    isSigned(): boolean;
    /** Bytes per element of the dtype as PyTorch stores it (int64: 8, bool: 1). */
    elementSize(): number;
    nelement(): number;
    ndimension(): number;
    /** Whether backward will keep this non-leaf's gradient in `.grad` (after `retainGrad()`). */
    readonly retainsGrad: boolean;
    /** The truth of a one-element tensor (NaN is true); any other size is ambiguous, as in PyTorch. */
    isNonzero(): boolean;
    isSameSize(other: Tensor): boolean;
    /** Always false: kindling has no lazy conjugate or negative bits. */
    isConj(): boolean;
    isNeg(): boolean;
    /** Whether both tensors view the same memory with the same offset, sizes and strides. */
    isSetTo(tensor: Tensor): boolean;
    /** A zeroed tensor with exactly these sizes and strides (self's dtype unless given). */
    newEmptyStrided(size: readonly number[], stride: readonly number[], opts?: TensorOptions): Tensor;
  }
}

/** PyTorch's `torch.get_default_dtype` spelled as camelCase (kindling also exports getDefaultDType). */
export const getDefaultDtype = (): DType => getDefaultDType();
export const setDefaultDtype = (d: DType): void => setDefaultDType(d);

export function isTensor(obj: unknown): obj is Tensor {
  return obj instanceof Tensor;
}

const input = (fn: string, t: unknown): Tensor => {
  if (!(t instanceof Tensor)) throw new ArgumentError(`${fn}(): argument 'input' (position 1) must be Tensor, not ${typeName(t)}`);
  return t;
};

function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "str";
  return Array.isArray(v) ? "list" : typeof v;
}

export const isSigned = (t: Tensor): boolean => input("is_signed", t).dtype !== "bool";
export const isConj = (t: Tensor): boolean => (input("is_conj", t), false);
export const isNeg = (t: Tensor): boolean => (input("is_neg", t), false);

export function isNonzero(t: Tensor): boolean {
  const n = input("is_nonzero", t).numel();
  if (n === 0) throw new ArgumentError("Boolean value of Tensor with no values is ambiguous");
  if (n > 1) throw new ArgumentError("Boolean value of Tensor with more than one value is ambiguous");
  return t.storage[t.offset] !== 0;
}

export function isSameSize(t: Tensor, other: Tensor): boolean {
  input("is_same_size", t);
  Tensor.check(other, "other");
  return t.shape.length === other.shape.length && t.shape.every((s, i) => s === other.shape[i]);
}

export const isFloatingPoint = (t: Tensor): boolean => isFloating(input("is_floating_point", t).dtype);
export const isComplex = (t: Tensor): boolean => (input("is_complex", t), false);
export const numel = (t: Tensor): number => input("numel", t).numel();

/** The dtype `torch.add(a, b)` would give: tensors with dims > 0-d tensors > numbers, by category. */
export function resultType(tensor1: Tensor | number | boolean, tensor2: Tensor | number | boolean): DType {
  const operand = (v: Tensor | number | boolean, i: number): Tensor | number => {
    if (v instanceof Tensor) return v;
    if (typeof v === "boolean") return Tensor.fromStorage(Uint8Array.of(Number(v)), "bool", []);
    checkArg("resultType()", v, "number", i, i === 1 ? "tensor1" : "tensor2");
    return v;
  };
  return resultTypeOf(operand(tensor1, 1), operand(tensor2, 2));
}

/** c10's canCast: no floating value into an integer or bool, nothing but bool into bool. */
export function canCast(from: DType, to: DType): boolean {
  checkDType(from);
  checkDType(to);
  if (isFloating(from) && !isFloating(to)) return false;
  return from === "bool" || to !== "bool";
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, int64: 8, bool: 1 };

/** `%g` as Python's repr of finfo prints it: six significant digits, trailing zeros dropped. */
function g6(x: number): string {
  if (x === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split("e") as [string, string];
    const mant = m.includes(".") ? m.replace(/\.?0+$/, "") : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const s = x.toFixed(Math.max(0, 5 - exp));
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** Machine limits of a floating dtype (PyTorch's torch.finfo). */
export class FInfo {
  readonly bits: number;
  readonly eps: number;
  readonly max: number;
  readonly min: number;
  readonly tiny: number;
  readonly smallestNormal: number;
  readonly resolution: number;
  readonly dtype: DType;

  constructor(dtype: DType) {
    const single = dtype === "float32";
    this.dtype = dtype;
    this.bits = single ? 32 : 64;
    this.eps = single ? 2 ** -23 : Number.EPSILON;
    this.max = single ? (2 - 2 ** -23) * 2 ** 127 : Number.MAX_VALUE;
    this.min = -this.max;
    this.tiny = single ? 2 ** -126 : 2 ** -1022;
    this.smallestNormal = this.tiny;
    this.resolution = single ? 1e-6 : 1e-15;
  }

  toString(): string {
    const f = [this.resolution, this.min, this.max, this.eps, this.smallestNormal, this.tiny].map(g6);
    return `finfo(resolution=${f[0]}, min=${f[1]}, max=${f[2]}, eps=${f[3]}, smallest_normal=${f[4]}, tiny=${f[5]}, dtype=${this.dtype})`;
  }
}

/** Limits of an integer dtype (PyTorch's torch.iinfo); int64's bounds are the nearest doubles, ±2^63. */
export class IInfo {
  readonly bits: number;
  readonly max: number;
  readonly min: number;
  readonly dtype: DType;

  constructor(dtype: DType) {
    this.dtype = dtype;
    this.bits = dtype === "int32" ? 32 : 64;
    this.max = dtype === "int32" ? 2 ** 31 - 1 : 2 ** 63;
    this.min = -(2 ** (this.bits - 1));
  }

  toString(): string {
    return `iinfo(min=${g6(this.min)}, max=${g6(this.max)}, dtype=${this.dtype})`;
  }
}

export function finfo(type: DType = getDefaultDType()): FInfo {
  if (!isFloating(checkDType(type))) {
    throw new DTypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle 'torch.finfo'");
  }
  return new FInfo(type);
}

export function iinfo(type: DType): IInfo {
  checkDType(type);
  if (type === "bool") throw new DTypeError("torch.bool is not supported by torch.iinfo");
  if (isFloating(type)) throw new DTypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'");
  return new IInfo(type);
}

/** Fresh zeroed memory just large enough for the strided geometry. */
function newEmptyStrided(self: Tensor, size: readonly number[], stride: readonly number[], opts: TensorOptions = {}): Tensor {
  checkArg("Tensor.newEmptyStrided()", size, "int[]", 1, "size");
  checkArg("Tensor.newEmptyStrided()", stride, "int[]", 2, "stride");
  checkOptions("Tensor.newEmptyStrided()", opts, TENSOR_OPTIONS, { index: 3, positional: "dtype" });
  if (size.length !== stride.length) {
    throw new ShapeError(`dimensionality of sizes (${size.length}) must match dimensionality of strides (${stride.length})`);
  }
  const shape = checkShape(size);
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : self.dtype;
  const n = shape.some((s) => s === 0) ? 0 : shape.reduce((acc, s, i) => acc + (s - 1) * stride[i]!, 1);
  return finish(Tensor.fromStorage(allocStorage(dtype, n, shape), dtype, shape, [...stride]), opts);
}

defineMethods({
  isNonzero(this: Tensor) { return isNonzero(this); },
  isSameSize(this: Tensor, other: Tensor) { return isSameSize(this, other); },
  isConj() { return false; },
  isNeg() { return false; },
  isSetTo(this: Tensor, other: Tensor) {
    Tensor.check(other, "tensor");
    // Compared by memory, not Storage object: `x.data` is a second object over x's memory.
    const same = this.storage.buffer === other.storage.buffer && this.storage.byteOffset === other.storage.byteOffset;
    return same && this.offset === other.offset && isSameSize(this, other) &&
      this.strides.every((s, i) => s === other.strides[i]);
  },
  newEmptyStrided(this: Tensor, size: readonly number[], stride: readonly number[], opts?: TensorOptions) {
    return newEmptyStrided(this, size, stride, opts);
  },
  isComplex() { return false; },
  isSigned(this: Tensor) { return this.dtype !== "bool"; },
  elementSize(this: Tensor) { return BYTES[this.dtype]; },
  nelement(this: Tensor) { return this.numel(); },
  ndimension(this: Tensor) { return this.ndim; },
});

Object.defineProperty(Tensor.prototype, "retainsGrad", {
  configurable: true,
  get(this: Tensor): boolean {
    return !this.isLeaf && this.gradFn!.retained === this;
  },
});
