import type { Tensor } from "../tensor/tensor.ts";

/**
 * The trainer's numerical guard: a run whose loss or weights stop being finite has diverged, and what
 * it would save from then on is garbage. The loss is checked every step (it is read anyway); weights
 * once per epoch and on every load, one pass over each floating-point tensor.
 */

export interface NonFinite {
  /** The state-dict name of the tensor. */
  name: string;
  /** How many of its values are NaN or infinite, and one of them. */
  count: number;
  total: number;
  example: number;
}

function isFloat(t: Tensor): boolean {
  return t.dtype === "float32" || t.dtype === "float64";
}

/** One branch-free pass: x * 0 is 0 for every finite x and NaN for NaN and ±Infinity, so the sum says. */
function anyNonFinite(values: Float32Array | Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * 0;
  return s !== 0;
}

/** The first tensor (in the given order) holding a NaN or an infinity, or null when all are finite. */
export function firstNonFinite(tensors: Iterable<[string, Tensor]>): NonFinite | null {
  for (const [name, t] of tensors) {
    if (!isFloat(t)) continue;
    // A dense tensor is scanned in place; only views are copied.
    const values = (t.isContiguous() ? (t.storage as Float32Array | Float64Array).subarray(t.offset, t.offset + t.numel()) : t.toTypedArray()) as Float32Array | Float64Array;
    if (!anyNonFinite(values)) continue;
    let count = 0;
    let example = 0;
    for (const v of values) {
      if (Number.isFinite(v)) continue;
      if (count === 0) example = v;
      count++;
    }
    return { name, count, total: values.length, example };
  }
  return null;
}

export function describeNonFinite(n: NonFinite): string {
  return `"${n.name}" holds ${n.count} of ${n.total} values that are NaN or infinite (e.g. ${n.example})`;
}
