import { ArgumentError } from "../errors.ts";
import { fmtShape } from "./shape.ts";

/**
 * How large one tensor's storage may be. A typed array has an engine limit (V8 in Node 20: 2^32
 * elements; Node 22: 2^53-1 bytes), and past it the engine throws a bare RangeError that names neither
 * the shape nor the dtype. kindling checks the size first and says which tensor could not be made.
 */

interface BufferModule {
  kMaxLength?: number;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** Node's own figure where it exposes one (process.getBuiltinModule: Node >= 20.16), else V8's 2^32. */
function platformMaxLength(): number {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const mod = proc?.getBuiltinModule?.("node:buffer") as BufferModule | undefined;
  const n = mod?.kMaxLength;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : 2 ** 32;
}

/** The most elements (and, for Node's Buffer, bytes) one typed array can have on this platform. */
export const MAX_STORAGE_LENGTH = platformMaxLength();

/** The exact product of a shape (BigInt), so a message about [2^31, 2^31] shows the true count. */
function exactNumel(shape: readonly number[]): bigint {
  let n = 1n;
  for (const s of shape) n *= Number.isInteger(s) ? BigInt(s) : 0n;
  return n;
}

/** 17179869184 -> "16 GiB": the figure a user compares with their memory. */
export function fmtBytes(bytes: bigint | number): string {
  const b = Number(bytes);
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = b;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${b} bytes` : `${v >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toPrecision(3)} ${units[u]}`;
}

const article = (dtype: string): string => (/^[aeiou]/.test(dtype) ? "an" : "a");

function describe(dtype: string, shape: readonly number[], bytesPerElement: number): string {
  const n = exactNumel(shape);
  return `${article(dtype)} ${dtype} tensor of shape ${fmtShape(shape)} (${n} elements, ${fmtBytes(n * BigInt(bytesPerElement))})`;
}

/**
 * Throws an ArgumentError naming the shape and dtype when n elements cannot be one typed array here.
 * n is the product of `shape`, computed in doubles by the caller: past 2^53 it is inexact but still
 * past the limit, and an overflowed product is Infinity, so one comparison covers every case.
 */
export function checkStorageLength(n: number, dtype: string, shape: readonly number[], bytesPerElement: number): void {
  if (n >= 0 && n <= MAX_STORAGE_LENGTH && n * bytesPerElement <= Number.MAX_SAFE_INTEGER && Number.isInteger(n)) return;
  if (!(n >= 0) || !Number.isInteger(n)) {
    throw new ArgumentError(`cannot allocate ${article(dtype)} ${dtype} tensor of ${n} elements (shape ${fmtShape(shape)}): the size must be a non-negative integer`);
  }
  throw new ArgumentError(
    `cannot allocate ${describe(dtype, shape, bytesPerElement)}: more than one typed array can hold on this platform (${MAX_STORAGE_LENGTH} elements); use a smaller size`,
  );
}

/** The engine refused memory within the length limit ("Array buffer allocation failed"): say for what. */
export function allocationFailed(err: unknown, dtype: string, shape: readonly number[], bytesPerElement: number): Error {
  if (!(err instanceof RangeError)) return err instanceof Error ? err : new Error(String(err));
  return new ArgumentError(
    `cannot allocate ${describe(dtype, shape, bytesPerElement)}: out of memory (${err.message}); use a smaller size or free memory`,
  );
}
