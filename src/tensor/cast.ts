import { ArgumentError } from "../errors.ts";
import { type DType, type Storage, castValue } from "./dtype.ts";

/**
 * Checked conversion of numbers into integer dtypes. int64 lives in a Float64Array, which holds every
 * integer up to 2^53 exactly and rounds past it (2^53 + 1 reads back as 2^53), so a value outside
 * ±(2^53-1) is refused rather than silently changed; int32 refuses what would wrap, as PyTorch does
 * ("value cannot be converted to type int32 without overflow").
 */

/** The largest magnitude an int64 tensor holds: Number.MAX_SAFE_INTEGER, 2^53-1. */
export const INT64_MAX = Number.MAX_SAFE_INTEGER;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** An integral double printed exactly (2**60 as 1152921504606846976, not 1152921504606847000). */
function exact(v: number): string {
  return Number.isInteger(v) ? BigInt(v).toString() : String(v);
}

/** The inclusive range an integer dtype stores exactly, or null for float and bool dtypes. */
export function integerRange(dtype: DType): readonly [number, number] | null {
  if (dtype === "int64") return [-INT64_MAX, INT64_MAX];
  if (dtype === "int32") return [INT32_MIN, INT32_MAX];
  return null;
}

/** The message for a value an integer dtype cannot hold; `where` names the function and position. */
export function outOfRangeMessage(dtype: DType, v: number, where: string): string {
  if (Number.isNaN(v) || !Number.isFinite(v)) return `${where}: cannot convert ${v} to ${dtype}`;
  const range = dtype === "int64" ? "±(2^53-1), the range kindling stores exactly; use float64 for larger values" : "[-2^31, 2^31-1]";
  return `${where}: value ${exact(v)} cannot be converted to ${dtype} without overflow (${dtype} holds ${range})`;
}

/**
 * `castValue` that throws an ArgumentError, naming `where`, for a value the dtype would change past
 * truncation: NaN, an infinity, or an integer out of range.
 */
export function castChecked(dtype: DType, v: number, where: string): number {
  const range = integerRange(dtype);
  if (range === null) return castValue(dtype, v);
  const t = Math.trunc(v);
  if (!(t >= range[0] && t <= range[1])) throw new ArgumentError(outOfRangeMessage(dtype, v, where));
  return t + 0; // -0.5 truncates to -0, which an integer dtype has no way to show

}

/**
 * Makes freshly copied floating values valid int64 in place: truncated toward zero (as a C cast) and
 * inside ±(2^53-1), else an ArgumentError naming the first bad element.
 */
export function truncateToInt64(data: Float64Array, where: string): void {
  for (let i = 0; i < data.length; i++) {
    const t = Math.trunc(data[i]!);
    if (!(t >= -INT64_MAX && t <= INT64_MAX)) throw new ArgumentError(outOfRangeMessage("int64", data[i]!, `${where} (element ${i})`));
    data[i] = t + 0;
  }
}

/** out[i] = castChecked(dtype, values[i]) for every i, with the range test hoisted out of the loop. */
export function storeChecked(out: Storage, values: ArrayLike<number>, dtype: DType, where: string): void {
  const n = values.length;
  const range = integerRange(dtype);
  if (range === null) {
    for (let i = 0; i < n; i++) out[i] = castValue(dtype, values[i]!);
    return;
  }
  const [lo, hi] = range;
  for (let i = 0; i < n; i++) {
    const t = Math.trunc(values[i]!);
    if (!(t >= lo && t <= hi)) throw new ArgumentError(outOfRangeMessage(dtype, values[i]!, where));
    out[i] = t + 0;
  }
}
