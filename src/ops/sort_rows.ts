import type { DType } from "../tensor/dtype.ts";
import { nthElement, partialSort, stdSort, swap } from "./std_algorithms.ts";

/**
 * One row at a time, the orders PyTorch 1.13's CPU kernels produce: std::sort for sort(stable=false),
 * partial_sort or nth_element (+ sort) for topk, a stable order for sort(stable=true). Rows arrive as
 * numbers in a Float64Array; the answer is the permutation, in an Int32Array.
 */

/**
 * Keys whose `<` is PyTorch's comparator: ascending with NaN above everything, descending with NaN
 * first; -0 and 0 tie (the comparator is `<` / `>` on the values, which treats them as equal).
 */
export function orderKeys(vals: Float64Array, n: number, descending: boolean, out: Float64Array): void {
  let nan = false;
  for (let j = 0; j < n && !nan; j++) nan = vals[j] !== vals[j];
  if (!nan) {
    for (let j = 0; j < n; j++) out[j] = descending ? -vals[j]! : vals[j]!;
    return;
  }
  // No double lies above NaN, so a row with NaN is keyed by rank (first position of its value).
  const s = vals.slice(0, n).sort();
  for (let j = 0; j < n; j++) {
    const v = vals[j]!;
    let r = n;
    if (v === v) {
      let lo = 0;
      let hi = n;
      while (lo < hi) { const m = (lo + hi) >> 1; if (s[m]! < v) lo = m + 1; else hi = m; }
      r = lo;
    }
    out[j] = descending ? -r : r;
  }
}

function iota(idx: Int32Array, n: number): void {
  for (let j = 0; j < n; j++) idx[j] = j;
}

/** sort(stable=false): std::sort on (value, index) pairs. */
export function unstableSortRow(vals: Float64Array, n: number, descending: boolean, key: Float64Array, idx: Int32Array): void {
  orderKeys(vals, n, descending, key);
  iota(idx, n);
  stdSort(key, idx, 0, n);
}

/**
 * topk's first k of the row (TopKImpl.h): partial_sort when k * 64 <= n, else nth_element at k - 1
 * followed, when sorted, by std::sort of the k - 1 before it.
 */
export function topkRow(vals: Float64Array, n: number, k: number, largest: boolean, sorted: boolean, key: Float64Array, idx: Int32Array): void {
  orderKeys(vals, n, largest, key);
  iota(idx, n);
  if (k === 0) return;
  if (k * 64 <= n) partialSort(key, idx, 0, k, n);
  else {
    nthElement(key, idx, 0, k - 1, n);
    if (sorted) stdSort(key, idx, 0, k - 1);
  }
}

/**
 * The stable order: ties by position, NaN last ascending and first descending. std::sort's order with each
 * run of equal keys put back in position order (faster than a comparator sort, which compares through a call).
 */
export function stableSortRow(vals: Float64Array, n: number, descending: boolean, key: Float64Array, idx: Int32Array): void {
  unstableSortRow(vals, n, descending, key, idx);
  for (let j = 0; j < n;) {
    let end = j + 1;
    while (end < n && key[end] === key[j]) end++;
    if (end - j > 1) idx.subarray(j, end).sort();
    j = end;
  }
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * 32-bit values as uint32 keys in PyTorch's order: floats by their bits (negatives flipped), NaN
 * above +inf, -0 equal to +0; int32 offset; bool as is.
 */
function packKey(v: number, dtype: DType): number {
  if (dtype === "int32") return v + 2147483648;
  if (dtype === "bool") return v;
  if (v !== v) return 0xffc00000;
  F32[0] = v === 0 ? 0 : v;
  const bits = U32[0]!;
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/** Whether the packed sort applies: 32-bit values, rows short enough to pack (key, position) in a double. */
export const packable = (dtype: DType, n: number): boolean => (dtype === "float32" || dtype === "int32" || dtype === "bool") && n <= 2 ** 21;

/** The stable order of a 32-bit row by one native numeric sort of (key, position) packed into a double. */
export function packedSortRow(vals: Float64Array, n: number, dtype: DType, descending: boolean, scratch: Float64Array, idx: Int32Array): void {
  const shift = 2 ** Math.max(1, Math.ceil(Math.log2(n)));
  const keys = scratch.subarray(0, n);
  for (let j = 0; j < n; j++) {
    const key = packKey(vals[j]!, dtype);
    keys[j] = (descending ? 0xffffffff - key : key) * shift + j;
  }
  keys.sort();
  for (let j = 0; j < n; j++) idx[j] = keys[j]! % shift;
}

/** kthvalue's row (SortingUtils.h quick_select_template, Sedgewick's partition): the k-th smallest's index. */
export function kthvalueRow(vals: Float64Array, n: number, k: number, key: Float64Array, idx: Int32Array): number {
  orderKeys(vals, n, false, key);
  iota(idx, n);
  const target = k - 1;
  let lo = 0;
  let hi = n - 1;
  for (;;) {
    if (hi <= lo) break;
    if (hi === lo + 1) {
      if (key[lo]! > key[hi]!) swap(key, idx, lo, hi);
      break;
    }
    swap(key, idx, (lo + hi) >> 1, lo + 1);
    if (key[lo + 1]! > key[hi]!) swap(key, idx, lo + 1, hi);
    if (key[lo]! > key[hi]!) swap(key, idx, lo, hi);
    if (key[lo + 1]! > key[lo]!) swap(key, idx, lo + 1, lo);
    const piv = key[lo]!;
    let i = lo + 1;
    let j = hi;
    for (;;) {
      do i++; while (piv > key[i]!);
      do j--; while (key[j]! > piv);
      if (j < i) break;
      swap(key, idx, i, j);
    }
    swap(key, idx, lo, j);
    if (j <= target) lo = i;
    if (j >= target) hi = j - 1;
  }
  return idx[target]!;
}

/**
 * mode's row (PyTorch's CPU kernel): std::sort of (value, index) by `value <` (raw values, NaN included),
 * then the first most frequent run; its last element's index is reported.
 */
export function modeRow(vals: Float64Array, n: number, key: Float64Array, idx: Int32Array): number {
  key.set(vals.subarray(0, n));
  iota(idx, n);
  stdSort(key, idx, 0, n);
  let best = 0;
  let at = 0;
  let run = 0;
  for (let j = 0; j < n; j++) {
    run++;
    if (j === n - 1 || key[j] !== key[j + 1]) {
      if (run > best) { best = run; at = idx[j]!; }
      run = 0;
    }
  }
  return at;
}

/**
 * median / nanmedian along a dim: nth_element at (m - 1) / 2 by (value, position), m the count of
 * non-NaN values; median reports the first NaN when there is one. The order is strict, so the answer
 * is unique, except for an all-NaN row in nanmedian, where nth_element's steps pick it.
 */
export function medianRow(vals: Float64Array, n: number, ignoreNan: boolean, key: Float64Array, idx: Int32Array): number {
  let m = 0;
  for (let j = 0; j < n; j++) {
    if (vals[j] === vals[j]) idx[m++] = j;
    else if (!ignoreNan) return j;
  }
  if (m === 0) {
    key.fill(0, 0, n);
    iota(idx, n);
    nthElement(key, idx, 0, 0, n);
    return idx[0]!;
  }
  const order = idx.subarray(0, m).sort((p, q) => vals[p]! - vals[q]! || p - q);
  return order[(m - 1) >> 1]!;
}
