/**
 * GCC libstdc++'s unstable algorithms (std::sort, std::nth_element, std::partial_sort), step for step,
 * on (key, index) pairs ordered by `key < key`. PyTorch 1.13's CPU kernels run these on (value, index)
 * pairs, so the order they leave equal values in (which index a tie reports) is whatever these exact
 * steps produce; a different correct algorithm gives different indices. Callers encode their
 * comparator as keys (NaN-aware orders become ranks), so only `<` is ever evaluated, as in C++.
 * Written from the algorithms' description (introsort with threshold 16 and depth 2*floor(log2 n),
 * median-of-three pivot on first+1/mid/last-1, heap fallback; introselect; heap select + sort heap).
 */

type Keys = Float64Array;
type Idx = Int32Array;

const THRESHOLD = 16;

const lg = (n: number): number => 31 - Math.clz32(n);

export function swap(k: Keys, ix: Idx, a: number, b: number): void {
  const t = k[a]!; k[a] = k[b]!; k[b] = t;
  const u = ix[a]!; ix[a] = ix[b]!; ix[b] = u;
}

// --- heaps (stl_heap.h): a max-heap under `<`, children of i at 2i+1 and 2i+2, relative to base

function pushHeap(k: Keys, ix: Idx, base: number, hole: number, top: number, vk: number, vi: number): void {
  let parent = (hole - 1) >> 1;
  while (hole > top && k[base + parent]! < vk) {
    k[base + hole] = k[base + parent]!; ix[base + hole] = ix[base + parent]!;
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  k[base + hole] = vk; ix[base + hole] = vi;
}

function adjustHeap(k: Keys, ix: Idx, base: number, hole: number, len: number, vk: number, vi: number): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) >> 1) {
    child = 2 * (child + 1);
    if (k[base + child]! < k[base + child - 1]!) child--;
    k[base + hole] = k[base + child]!; ix[base + hole] = ix[base + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    k[base + hole] = k[base + child - 1]!; ix[base + hole] = ix[base + child - 1]!;
    hole = child - 1;
  }
  pushHeap(k, ix, base, hole, top, vk, vi);
}

function makeHeap(k: Keys, ix: Idx, first: number, last: number): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = (len - 2) >> 1; ; parent--) {
    adjustHeap(k, ix, first, parent, len, k[first + parent]!, ix[first + parent]!);
    if (parent === 0) return;
  }
}

/** Moves the heap top to `result` and re-heaps [first, last) with result's old element. */
function popHeap(k: Keys, ix: Idx, first: number, last: number, result: number): void {
  const vk = k[result]!;
  const vi = ix[result]!;
  k[result] = k[first]!; ix[result] = ix[first]!;
  adjustHeap(k, ix, first, 0, last - first, vk, vi);
}

function heapSelect(k: Keys, ix: Idx, first: number, middle: number, last: number): void {
  makeHeap(k, ix, first, middle);
  for (let i = middle; i < last; i++) if (k[i]! < k[first]!) popHeap(k, ix, first, middle, i);
}

/** std::partial_sort: the middle - first smallest, sorted, at the front. */
export function partialSort(k: Keys, ix: Idx, first: number, middle: number, last: number): void {
  heapSelect(k, ix, first, middle, last);
  for (let end = middle; end - first > 1;) {
    end--;
    popHeap(k, ix, first, end, end);
  }
}

// --- introsort (stl_algo.h)

function moveMedianToFirst(k: Keys, ix: Idx, result: number, a: number, b: number, c: number): void {
  let m: number;
  if (k[a]! < k[b]!) m = k[b]! < k[c]! ? b : k[a]! < k[c]! ? c : a;
  else m = k[a]! < k[c]! ? a : k[b]! < k[c]! ? c : b;
  swap(k, ix, result, m);
}

/** Median-of-three pivot moved to first, then Hoare partition of (first, last); returns the cut. */
function partitionPivot(k: Keys, ix: Idx, first: number, last: number): number {
  const mid = first + ((last - first) >> 1);
  moveMedianToFirst(k, ix, first, first + 1, mid, last - 1);
  const pv = k[first]!;
  let lo = first + 1;
  let hi = last;
  for (;;) {
    while (k[lo]! < pv) lo++;
    hi--;
    while (pv < k[hi]!) hi--;
    if (!(lo < hi)) return lo;
    swap(k, ix, lo, hi);
    lo++;
  }
}

function unguardedLinearInsert(k: Keys, ix: Idx, last: number): void {
  const vk = k[last]!;
  const vi = ix[last]!;
  let next = last - 1;
  while (vk < k[next]!) {
    k[last] = k[next]!; ix[last] = ix[next]!;
    last = next--;
  }
  k[last] = vk; ix[last] = vi;
}

function insertionSort(k: Keys, ix: Idx, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    if (k[i]! < k[first]!) {
      const vk = k[i]!;
      const vi = ix[i]!;
      k.copyWithin(first + 1, first, i); ix.copyWithin(first + 1, first, i);
      k[first] = vk; ix[first] = vi;
    } else unguardedLinearInsert(k, ix, i);
  }
}

function introsortLoop(k: Keys, ix: Idx, first: number, last: number, depth: number): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) { partialSort(k, ix, first, last, last); return; }
    depth--;
    const cut = partitionPivot(k, ix, first, last);
    introsortLoop(k, ix, cut, last, depth);
    last = cut;
  }
}

/** std::sort of [first, last). */
export function stdSort(k: Keys, ix: Idx, first: number, last: number): void {
  if (first === last) return;
  introsortLoop(k, ix, first, last, 2 * lg(last - first));
  if (last - first > THRESHOLD) {
    insertionSort(k, ix, first, first + THRESHOLD);
    for (let i = first + THRESHOLD; i < last; i++) unguardedLinearInsert(k, ix, i);
  } else insertionSort(k, ix, first, last);
}

/** std::nth_element: the element of rank nth - first at nth, smaller ones before it, larger after. */
export function nthElement(k: Keys, ix: Idx, first: number, nth: number, last: number): void {
  if (first === last || nth === last) return;
  let depth = 2 * lg(last - first);
  while (last - first > 3) {
    if (depth === 0) {
      heapSelect(k, ix, first, nth + 1, last);
      swap(k, ix, first, nth);
      return;
    }
    depth--;
    const cut = partitionPivot(k, ix, first, last);
    if (cut <= nth) first = cut;
    else last = cut;
  }
  insertionSort(k, ix, first, last);
}
