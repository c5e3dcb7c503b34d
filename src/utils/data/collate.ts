/**
 * PyTorch's default_collate (torch/utils/data/_utils/collate.py, 1.13): turns a list of samples into one
 * batch by recursing into the samples' structure. Tensors and typed arrays are stacked on a new dim 0,
 * numbers become a 1-d tensor, strings stay a list, arrays are transposed, objects are collated per key.
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { stack } from "../../ops/join.ts";
import { castRaw } from "../../ops/util.ts";
import { type DType, allocStorage, promoteTypes } from "../../tensor/dtype.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array
  | Int32Array | Uint32Array | BigInt64Array;

/** The type defaultCollate gives a batch of T. */
export type Collated<T> = T extends Tensor | number | boolean | TypedArray
  ? Tensor
  : T extends string
    ? string[]
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : T extends object
        ? { [K in keyof T]: Collated<T[K]> }
        : never;

/**
 * Collates a batch of samples. Numbers: a batch of integers gives int64 and any fraction gives float64
 * (PyTorch's int/float split; JS cannot tell 1.0 from 1, so a float field whose values happen to be whole
 * in one batch comes out int64 — convert in the dataset when that matters). Booleans give bool.
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  if (!Array.isArray(batch) || batch.length === 0) throw new ArgumentError("defaultCollate: expected a non-empty array of samples");
  return collate(batch, "") as Collated<T>;
}

function where(path: string): string {
  return path === "" ? "" : ` (at ${path})`;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

function typeError(v: unknown, i: number, path: string): TypeError {
  return new TypeError(
    `defaultCollate: batch must contain tensors, typed arrays, numbers, booleans, strings, objects or arrays; found ${describe(v)} at batch index ${i}${where(path)}`,
  );
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function collate(batch: readonly unknown[], path: string): unknown {
  const elem = batch[0];
  if (elem instanceof Tensor) return stackTensors(batch, path);
  if (ArrayBuffer.isView(elem)) return stackTypedArrays(batch, path);
  if (typeof elem === "number") {
    let allInt = true;
    batch.forEach((v, i) => {
      if (typeof v !== "number") throw typeError(v, i, path);
      if (!Number.isInteger(v)) allInt = false;
    });
    const dtype: DType = allInt ? "int64" : "float64";
    return Tensor.fromStorage(Float64Array.from(batch as number[]), dtype, [batch.length]);
  }
  if (typeof elem === "boolean") {
    const out = new Uint8Array(batch.length);
    batch.forEach((v, i) => {
      if (typeof v !== "boolean") throw typeError(v, i, path);
      out[i] = v ? 1 : 0;
    });
    return Tensor.fromStorage(out, "bool", [batch.length]);
  }
  if (typeof elem === "string") {
    batch.forEach((v, i) => {
      if (typeof v !== "string") throw typeError(v, i, path);
    });
    return [...batch];
  }
  if (Array.isArray(elem)) {
    const n = elem.length;
    batch.forEach((v, i) => {
      if (!Array.isArray(v)) throw typeError(v, i, path);
      if (v.length !== n) {
        throw new ShapeError(
          `defaultCollate: each element in list of batch should be of equal size, but element 0 has length ${n} and element ${i} has length ${v.length}${where(path)}`,
        );
      }
    });
    return Array.from({ length: n }, (_, k) => collate(batch.map((v) => (v as unknown[])[k]), `${path}[${k}]`));
  }
  if (isPlainObject(elem)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(elem)) {
      const column = batch.map((v, i) => {
        if (!isPlainObject(v)) throw typeError(v, i, path);
        if (!(key in v)) throw new ArgumentError(`defaultCollate: element ${i} of the batch has no key "${key}"${where(path)}`);
        return v[key];
      });
      out[key] = collate(column, path === "" ? key : `${path}.${key}`);
    }
    return out;
  }
  throw typeError(elem, 0, path);
}

function mismatch(what: string, a: string, i: number, b: string, path: string): ShapeError {
  return new ShapeError(
    `defaultCollate: stack expects each ${what} to be equal size, but got ${a} at batch index 0 and ${b} at batch index ${i}${where(path)}`,
  );
}

/** Stacks by copying straight into the batch's storage: far cheaper than cat over unsqueezed views. */
function stackTensors(batch: readonly unknown[], path: string): Tensor {
  const first = batch[0] as Tensor;
  let dtype = first.dtype;
  let needsGraph = false;
  batch.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw typeError(t, i, path);
    if (t.ndim !== first.ndim || t.shape.some((s, d) => s !== first.shape[d])) {
      throw mismatch("tensor", fmtShape(first.shape), i, fmtShape(t.shape), path);
    }
    dtype = promoteTypes(dtype, t.dtype);
    if (t.requiresGrad) needsGraph = true;
  });
  const tensors = batch as readonly Tensor[];
  if (needsGraph) return stack(tensors, 0);
  const n = first.numel();
  const out = allocStorage(dtype, n * tensors.length);
  tensors.forEach((t, i) => {
    if (t.dtype === dtype && t.isContiguous()) out.set(t.storage.subarray(t.offset, t.offset + n), i * n);
    else out.set(castRaw(t, dtype).toTypedArray(), i * n);
  });
  return Tensor.fromStorage(out, dtype, [tensors.length, ...first.shape]);
}

function typedArrayDType(a: ArrayBufferView): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof BigInt64Array || a instanceof Uint32Array || a instanceof BigUint64Array) return "int64";
  if (a instanceof DataView) throw new TypeError("defaultCollate: a DataView is not a typed array of numbers");
  // kindling has no uint8/int16 dtypes; int32 holds all their values.
  return "int32";
}

function stackTypedArrays(batch: readonly unknown[], path: string): Tensor {
  const first = batch[0] as ArrayLike<number | bigint>;
  const n = first.length;
  const dtype = typedArrayDType(batch[0] as ArrayBufferView);
  batch.forEach((a, i) => {
    if (!ArrayBuffer.isView(a) || typedArrayDType(a) !== dtype) throw typeError(a, i, path);
    const len = (a as unknown as ArrayLike<number>).length;
    if (len !== n) throw mismatch("typed array", `length ${n}`, i, `length ${len}`, path);
  });
  const out = allocStorage(dtype, n * batch.length);
  batch.forEach((a, i) => {
    const src = a as ArrayLike<number | bigint>;
    if (typeof src[0] === "bigint") for (let k = 0; k < n; k++) out[i * n + k] = Number(src[k]);
    else out.set(src as ArrayLike<number>, i * n);
  });
  return Tensor.fromStorage(out, dtype, [batch.length, n]);
}
