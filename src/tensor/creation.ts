import { type ValueType, checkArg, checkArity, checkOptions } from "../options.ts";
import { ArgumentError, DTypeError } from "../errors.ts";
import { castChecked, integerRange, storeChecked } from "./cast.ts";
import { type DType, type Storage, allocStorage, checkDType, isFloating, scalarTypeName } from "./dtype.ts";
import { getDefaultDType } from "./default_dtype.ts";
import { type DeviceLike, checkDevice } from "./device.ts";
import { Generator, defaultGenerator } from "./random.ts";
import { checkShape, fmtShape } from "./shape.ts";
import { TENSOR_OPTIONS, finish } from "./ranges.ts";
import { Tensor } from "./tensor.ts";

/** Tensor factories: from JS data, constants, ranges and random draws. */

export interface TensorOptions {
  dtype?: DType;
  /** Accepted for PyTorch programs: "cpu" (or torch.device("cpu")); any other device is an error. */
  device?: DeviceLike;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export type TensorData = number | boolean | readonly TensorData[] | ArrayLike<number> | BigInt64Array;

const RANDOM_OPTIONS = { ...TENSOR_OPTIONS, generator: "object" } as const;

function typedArrayDType(a: ArrayBufferView): DType | null {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array || a instanceof Int16Array || a instanceof Int8Array || a instanceof Uint8Array || a instanceof Uint16Array || a instanceof Uint8ClampedArray) return "int32";
  if (a instanceof BigInt64Array) return "int64";
  return null;
}

/** Builds a tensor from nested arrays, a number, or a typed array (which is copied). */
export function tensor(data: TensorData, opts: TensorOptions = {}): Tensor {
  checkOptions("tensor()", opts, TENSOR_OPTIONS, { index: 2, positional: "dtype" });
  if (opts.dtype !== undefined) checkDType(opts.dtype);
  if (ArrayBuffer.isView(data)) {
    const inferred = typedArrayDType(data);
    if (inferred === null) throw new DTypeError(`unsupported typed array ${data.constructor.name}`);
    const dtype = opts.dtype ?? inferred;
    const out = allocStorage(dtype, data.length);
    const src = data instanceof BigInt64Array ? Array.from(data, Number) : (data as ArrayLike<number>);
    storeChecked(out, src, dtype, "tensor()");
    return finish(Tensor.fromStorage(out, dtype, [src.length]), opts);
  }
  const shape: number[] = [];
  let probe: unknown = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let sawFloat = false;
  let sawBool = false;
  let sawNumber = false;
  const walk = (v: unknown, d: number): void => {
    if (d === shape.length) {
      if (typeof v === "number") {
        sawNumber = true;
        // Past 2^53 a JS number is no longer an exact integer (1e20 is a float literal), so it means float.
        if (!Number.isSafeInteger(v)) sawFloat = true;
        flat.push(v);
      } else if (typeof v === "boolean") {
        sawBool = true;
        flat.push(v ? 1 : 0);
      } else {
        throw new ArgumentError(`tensor(): expected a number or boolean at depth ${d}, got ${Array.isArray(v) ? "an array" : typeof v}`);
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[d]) {
      throw new ArgumentError(`expected sequence of length ${shape[d]} at dim ${d} (got ${Array.isArray(v) ? v.length : typeof v})`);
    }
    for (const e of v) walk(e, d + 1);
  };
  walk(data, 0);
  // JS cannot tell 1.0 from 1, so integers only give int64 when no gradient is asked for.
  const inferred: DType =
    sawFloat || flat.length === 0 || opts.requiresGrad ? getDefaultDType() : sawBool && !sawNumber ? "bool" : "int64";
  const dtype = opts.dtype ?? inferred;
  const out = allocStorage(dtype, flat.length, shape);
  storeChecked(out, flat, dtype, "tensor()");
  return finish(Tensor.fromStorage(out, dtype, shape), opts);
}

/** `zeros(2, 3)` or `zeros([2, 3], opts)`. */
export type SizeArgs = [readonly number[], TensorOptions?] | number[];

function parseSize<O extends object>(fn: string, args: readonly unknown[], random = false): [number[], O] {
  const spec = random ? RANDOM_OPTIONS : TENSOR_OPTIONS;
  if (Array.isArray(args[0])) {
    checkArity(`${fn}()`, args, 2);
    checkOptions(`${fn}()`, args[1], spec, { index: 2, positional: "dtype" });
    return [checkShape(args[0] as number[]), (args[1] ?? {}) as O];
  }
  const dims: number[] = [];
  let opts = {} as O;
  for (const a of args) {
    if (typeof a === "number") dims.push(a);
    else if (a && typeof a === "object" && !Array.isArray(a)) {
      checkOptions(`${fn}()`, a, spec);
      opts = a as O;
    }
    else if (a !== undefined) throw new ArgumentError(`${fn}(): expected integer sizes or an options object, got ${typeof a} ${String(a)}`);
  }
  return [checkShape(dims), opts];
}

export function full(size: readonly number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  checkOptions("full()", opts, TENSOR_OPTIONS, { index: 3, positional: "dtype" });
  const shape = checkShape(size);
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ArgumentError(`full(): fill_value must be a number or boolean, got ${typeof value}`);
  }
  const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : typeof value === "boolean" ? "bool" : getDefaultDType();
  const fill = castChecked(dtype, v, "full()");
  const t = Tensor.empty(shape, dtype);
  // Fresh storage is already zeros: writing them again would touch every page of a large tensor.
  if (!Object.is(fill, 0)) t.storage.fill(fill);
  return finish(t, opts);
}

/** A factory of tensors filled with `value`, sized as `f(2, 3)`, `f([2, 3])`, each optionally followed by options. */
const filled = (fn: string, value: number) =>
  (...args: (number | readonly number[] | TensorOptions)[]): Tensor => {
    const [shape, opts] = parseSize<TensorOptions>(fn, args);
    return full(shape, value, opts);
  };

export const zeros = filled("zeros", 0);
export const ones = filled("ones", 1);
/** Zeros too: kindling's fresh memory is always zeroed. */
export const empty = filled("empty", 0);

export function eye(n: number, m: number = n, opts: TensorOptions = {}): Tensor {
  checkArg("eye()", n, "int", 1, "n");
  checkArg("eye()", m, "int", 2, "m");
  checkOptions("eye()", opts, TENSOR_OPTIONS, { index: 3, positional: "dtype" });
  const t = zeros([n, m], { dtype: opts.dtype ?? getDefaultDType() });
  for (let i = 0; i < Math.min(n, m); i++) t.storage[i * m + i] = 1;
  return finish(t, opts);
}

function floatDType(opts: TensorOptions, fn: string): DType {
  const dtype = opts.dtype ?? getDefaultDType();
  if (!isFloating(dtype)) {
    const kernel = fn === "rand" ? "check_uniform_bounds" : "normal_kernel_cpu";
    throw new DTypeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
  }
  return dtype;
}

type RandomArgs = (number | readonly number[] | RandomOptions)[];

/** A float tensor of the size the arguments give, drawn by the generator: uniform (rand) or normal (randn). */
function draw(fn: "rand" | "randn", args: RandomArgs): Tensor {
  const [shape, opts] = parseSize<RandomOptions>(fn, args, true);
  const t = Tensor.empty(shape, floatDType(opts, fn));
  const g = opts.generator ?? defaultGenerator;
  const s = t.storage as Float32Array | Float64Array;
  if (fn === "rand") g.fillUniform(s);
  else g.fillNormal(s);
  return finish(t, opts);
}

/** Uniform on [0, 1). */
export function rand(...args: RandomArgs): Tensor {
  return draw("rand", args);
}

/** Standard normal. */
export function randn(...args: RandomArgs): Tensor {
  return draw("randn", args);
}

/** Uniform integers in [low, high). */
export function randint(low: number, high: number, size: readonly number[], opts: RandomOptions = {}): Tensor {
  checkArg("randint()", size, "int[]", 3, "size");
  checkOptions("randint()", opts, RANDOM_OPTIONS, { index: 4, positional: "generator" });
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new ArgumentError(`randint(): low and high must be finite integers, got low=${low}, high=${high}`);
  }
  if (high <= low) throw new ArgumentError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : "int64";
  if (integerRange(dtype) !== null) {
    castChecked(dtype, low, "randint(): low");
    castChecked(dtype, high - 1, "randint(): high - 1");
  }
  const g = opts.generator ?? defaultGenerator;
  const t = Tensor.empty(checkShape(size), dtype);
  const s = t.storage;
  for (let i = 0; i < s.length; i++) s[i] = low + g.randomInt(high - low);
  return finish(t, opts);
}

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  checkOptions("randperm()", opts, RANDOM_OPTIONS, { index: 2, positional: "generator" });
  if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(`randperm(): n must be a non-negative integer up to 2^53-1, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const dtype = opts.dtype !== undefined ? checkDType(opts.dtype) : "int64";
  if (dtype === "bool") throw new DTypeError(`"randperm" not implemented for 'Bool'`);
  if (n > 0 && integerRange(dtype) !== null) castChecked(dtype, n - 1, "randperm(): n - 1");
  const s: Storage = allocStorage(dtype, n, [n]);
  for (let i = 0; i < n; i++) s[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randomInt(i + 1);
    const tmp = s[i]!;
    s[i] = s[j]!;
    s[j] = tmp;
  }
  return finish(Tensor.fromStorage(s, dtype, [n]), opts);
}

function likeOpts(fn: string, t: Tensor, opts: TensorOptions, spec: Readonly<Record<string, ValueType>> = TENSOR_OPTIONS, at = 2) {
  Tensor.check(t, "input");
  checkOptions(`${fn}()`, opts, spec, { index: at, positional: "dtype" });
  return { ...opts, dtype: opts.dtype ?? t.dtype };
}

export function zerosLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  const o = likeOpts("zerosLike", t, opts);
  return full(t.shape, 0, o);
}
export function onesLike(t: Tensor, opts: TensorOptions = {}): Tensor {
  const o = likeOpts("onesLike", t, opts);
  return full(t.shape, 1, o);
}
export function fullLike(t: Tensor, v: number, opts: TensorOptions = {}): Tensor {
  const o = likeOpts("fullLike", t, opts, TENSOR_OPTIONS, 3);
  return full(t.shape, v, o);
}
export function randLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  const o = likeOpts("randLike", t, opts, RANDOM_OPTIONS);
  return rand([...t.shape], o);
}
export function randnLike(t: Tensor, opts: RandomOptions = {}): Tensor {
  const o = likeOpts("randnLike", t, opts, RANDOM_OPTIONS);
  return randn([...t.shape], o);
}

export { fmtShape };
export { arange, linspace } from "./ranges.ts";
