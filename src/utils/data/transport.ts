/**
 * What crosses between the DataLoader and its worker threads: batches (tensors become their typed array
 * plus dtype and shape, the array's memory moved rather than copied) and errors (rebuilt on the main thread
 * with their original class, so `catch (e) { e instanceof FormatError }` still works).
 */
import * as kindlingErrors from "../../errors.ts";
import type { DType, Storage } from "../../tensor/dtype.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { MapDataset } from "./dataset.ts";
import { defaultCollate } from "./collate.ts";
import { sampleGenerator } from "./seeding.ts";

const SAMPLE_INDEX = Symbol.for("kindling.dataloader.sampleIndex");

/**
 * A worker's progress word (first of the two Float64 it shares with the main thread; the second is the
 * sample index being loaded, or -1): a task id while loading, or one of these states.
 */
export const BUILDING = -2;
export const IDLE = -1;

/** Remembers which sample failed on the error itself, so the message can name it after the fact. */
export function annotate(e: unknown, index: number): unknown {
  if (typeof e === "object" && e !== null && !(SAMPLE_INDEX in e)) {
    Object.defineProperty(e, SAMPLE_INDEX, { value: index, enumerable: false });
  }
  return e;
}

export function failedSampleIndex(e: unknown): number | undefined {
  return typeof e === "object" && e !== null ? (e as { [SAMPLE_INDEX]?: number })[SAMPLE_INDEX] : undefined;
}

export interface Fetched {
  value: unknown;
  /** Built here by defaultCollate, so nothing else holds its buffers and they may be moved to another thread. */
  fresh: boolean;
}

/**
 * Loads one batch: the dataset's getBatch fast path when collating by default, else sample by sample,
 * telling `onSample` each index before loading it.
 */
export function fetchBatch<T>(
  ds: MapDataset<T>,
  indices: readonly number[],
  baseSeed: number,
  collate: boolean,
  onSample?: (index: number) => void,
): Fetched {
  if (collate && ds.getBatch) {
    const fast = ds.getBatch(indices);
    // A dataset's own batch may share memory with what it keeps, so it is copied, never moved.
    if (fast !== undefined) return { value: fast, fresh: false };
  }
  const samples = indices.map((i) => {
    onSample?.(i);
    try {
      return ds.getItem(i, { generator: sampleGenerator(baseSeed, i) });
    } catch (e) {
      throw annotate(e, i);
    }
  });
  return collate ? { value: defaultCollate(samples), fresh: true } : { value: samples, fresh: false };
}

interface EncodedTensor {
  __kindlingTensor: 1;
  dtype: DType;
  shape: number[];
  data: Storage;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Replaces tensors by transferable parts. With `transfer`, a tensor whose storage is exactly its own
 * fresh buffer has that buffer moved (the caller promises nothing else holds it); otherwise it is copied.
 */
export function encode(v: unknown, transfer: ArrayBuffer[] | null): unknown {
  if (v instanceof Tensor) {
    const owns = v.isDense() && v.storage.byteOffset === 0 && v.storage.byteLength === v.storage.buffer.byteLength;
    const data = transfer && owns ? v.storage : v.toTypedArray();
    if (transfer && data.buffer instanceof ArrayBuffer && !transfer.includes(data.buffer)) transfer.push(data.buffer);
    const out: EncodedTensor = { __kindlingTensor: 1, dtype: v.dtype, shape: [...v.shape], data };
    return out;
  }
  if (Array.isArray(v)) return v.map((e) => encode(e, transfer));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) out[k] = encode(e, transfer);
    return out;
  }
  return v;
}

export function decode(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decode);
  if (isPlainObject(v)) {
    if (v.__kindlingTensor === 1) {
      const t = v as unknown as EncodedTensor;
      return Tensor.fromStorage(t.data, t.dtype, t.shape);
    }
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) out[k] = decode(e);
    return out;
  }
  return v;
}

export interface SerializedError {
  name: string;
  message: string;
  stack: string;
  sampleIndex?: number;
  /** Node's error code (ENOENT, ...), kept because callers branch on it. */
  code?: string;
}

export function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  return {
    name: err.name,
    message: err.message,
    stack: err.stack ?? "",
    sampleIndex: failedSampleIndex(e),
    code: typeof code === "string" ? code : undefined,
  };
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The worker's error as the same class on this thread, its message saying which sample and worker failed it. */
export function deserializeError(s: SerializedError, worker: number): Error {
  const where =
    s.sampleIndex === undefined
      ? `in DataLoader worker ${worker}`
      : `loading sample index ${s.sampleIndex} in DataLoader worker ${worker}`;
  const message = `${s.message} (${where})`;
  const Known = (kindlingErrors as Record<string, unknown>)[s.name];
  let err: Error;
  if (typeof Known === "function" && Known.prototype instanceof Error) {
    err = new (Known as new (m: string) => Error)(message);
  } else {
    err = new (BUILTIN_ERRORS[s.name] ?? Error)(message);
    if (!(s.name in BUILTIN_ERRORS) && s.name !== "Error") err.name = s.name;
  }
  if (s.sampleIndex !== undefined) annotate(err, s.sampleIndex);
  if (s.code !== undefined) (err as { code?: string }).code = s.code;
  err.stack = `${err.stack ?? message}\n--- worker stack ---\n${s.stack}`;
  return err;
}
