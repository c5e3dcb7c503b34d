import { DTypeError } from "../errors.ts";
import { MAX_STORAGE_LENGTH, allocationFailed, checkStorageLength } from "./limits.ts";
import { markIssued, takeStorage } from "./pool.ts";

/** The dtypes kindling knows. Names are PyTorch's without the `torch.` prefix. */
export type DType = "float32" | "float64" | "int32" | "int64" | "bool";

/**
 * int64 is stored in a Float64Array: JS has no fast 64-bit integer array, and a double holds every
 * integer up to 2^53 exactly, which covers class indices, counters and sizes. Checkpoints still write
 * real little-endian int64 (I64).
 */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "int64", "bool"];

export function isFloating(d: DType): boolean {
  return d === "float32" || d === "float64";
}

/** The typed-array class that holds a dtype's elements. */
export type StorageClass = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

export function storageClass(dtype: DType): StorageClass {
  switch (dtype) {
    case "float32":
      return Float32Array;
    case "float64":
    case "int64":
      return Float64Array;
    case "int32":
      return Int32Array;
    case "bool":
      return Uint8Array;
  }
}

/**
 * Zero-filled storage for n elements. `shape` (default [n]) only names the tensor in the ArgumentError
 * thrown, before allocating, when n is past the platform's typed-array limit, or when the engine finds
 * no memory for it.
 */
export function allocStorage(dtype: DType, n: number, shape?: readonly number[]): Storage {
  const ctor = storageClass(dtype);
  checkStorageLength(n, dtype, shape ?? [n], ctor.BYTES_PER_ELEMENT);
  try {
    return new ctor(n);
  } catch (err) {
    throw allocationFailed(err, dtype, shape ?? [n], ctor.BYTES_PER_ELEMENT);
  }
}

interface UnsafeBufferApi {
  allocUnsafeSlow(size: number): { buffer: ArrayBuffer; byteOffset: number };
}
const NodeBuffer = (globalThis as unknown as { Buffer?: UnsafeBufferApi }).Buffer;

/**
 * Below this many bytes zeroing is cheaper than the Buffer round trip; above it, skipping the memset of
 * a recycled heap block is what matters (an 8 MB weight gradient: ~0.4 ms per step).
 */
const UNINIT_MIN_BYTES = 1 << 16;

/**
 * Storage whose contents are unspecified (PyTorch's torch.empty), for outputs a kernel overwrites in
 * full: a recycled gradient buffer (pool.ts) when one of this size is free, else, in Node, an ArrayBuffer
 * of its own that is not zero-filled (Buffer.allocUnsafeSlow); elsewhere (browsers) a zeroed one.
 */
export function allocUninitialized(dtype: DType, n: number, shape?: readonly number[]): Storage {
  const ctor = storageClass(dtype);
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  if (bytes < UNINIT_MIN_BYTES) return allocStorage(dtype, n, shape);
  const recycled = takeStorage(ctor, n);
  if (recycled) return recycled;
  checkStorageLength(n, dtype, shape ?? [n], ctor.BYTES_PER_ELEMENT);
  let out: Storage;
  try {
    // Node's Buffer is limited in bytes where a typed array is limited in elements (Node 20: both 2^32),
    // so a larger Float32Array is still possible, zero-filled.
    out = NodeBuffer && bytes <= MAX_STORAGE_LENGTH ? new ctor(NodeBuffer.allocUnsafeSlow(bytes).buffer, 0, n) : new ctor(n);
  } catch (err) {
    throw allocationFailed(err, dtype, shape ?? [n], ctor.BYTES_PER_ELEMENT);
  }
  markIssued(out);
  return out;
}

/** The storage class a dtype uses, for checks on user-supplied typed arrays. */
export function storageMatches(dtype: DType, s: Storage): boolean {
  return s instanceof storageClass(dtype);
}

/** Bytes per element in a file (safetensors), not in memory. */
export function fileItemSize(dtype: DType): number {
  switch (dtype) {
    case "float32":
    case "int32":
      return 4;
    case "float64":
    case "int64":
      return 8;
    case "bool":
      return 1;
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, int64: 2, float32: 3, float64: 4 };

/**
 * PyTorch type promotion for two tensors of the given dtypes (categories bool < int < float, and within
 * a category the wider one wins).
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Promotion with a JS number operand: a number only raises the category, never the width
 * (float32 tensor * 2.5 stays float32; int tensor * 2.5 becomes the default float dtype).
 */
export function promoteWithScalar(t: DType, s: number | boolean, defaultFloat: DType): DType {
  if (typeof s === "boolean") return t;
  if (!Number.isInteger(s)) return isFloating(t) ? t : defaultFloat;
  return t === "bool" ? "int64" : t;
}

export function checkDType(d: unknown, argName = "dtype"): DType {
  if (typeof d === "string" && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new DTypeError(`${argName} must be one of ${DTYPES.join(", ")}, got ${String(d)}`);
}

/** Rounds a value the way storing it into the dtype would (int casts truncate toward zero as in C). */
export function castValue(dtype: DType, v: number): number {
  switch (dtype) {
    case "float32":
      return Math.fround(v);
    case "float64":
      return v;
    case "int32":
      return v | 0;
    case "int64":
      return Math.trunc(v);
    case "bool":
      return v !== 0 ? 1 : 0;
  }
}

/** PyTorch's C++ name of a dtype, as its kernel errors print it ("not implemented for 'Long'"). */
export function scalarTypeName(d: DType): string {
  return { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" }[d];
}

/** PyTorch's legacy tensor type name ("torch.FloatTensor"), as `Tensor.type()` and some errors print it. */
export const tensorTypeName = (d: DType): string => `torch.${scalarTypeName(d)}Tensor`;
