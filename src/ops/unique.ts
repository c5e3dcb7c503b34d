import { ArgumentError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { stableSortRow } from "./sort_rows.ts";
import { uniqueFlat } from "./unique_hash.ts";
import { denseData, fresh } from "./util.ts";

/**
 * unique and uniqueConsecutive, flat or over slices along a dim, with inverse indices and counts.
 * Not differentiable. Equal values are one value (-0 and 0 included: the first seen is kept); NaN
 * equals nothing, so each NaN stays on its own.
 */

export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}

export type UniqueConsecutiveOptions = Omit<UniqueOptions, "sorted">;

/** The items unique works on: x's elements (dim null) or its slices along a dim. */
interface Items {
  count: number;
  same(i: number, j: number): boolean;
  /** Items in ascending (lexicographic) order, ties by position. */
  sortedOrder(): Int32Array;
  /** Output tensor of c items, and a writer of item i at output place g. */
  output(c: number): Tensor;
  put(out: Tensor, g: number, i: number): void;
}

function elements(x: Tensor): Items {
  const data = denseData(x);
  const n = data.length;
  return {
    count: n,
    same: (i, j) => data[i] === data[j],
    sortedOrder: () => {
      const idx = new Int32Array(n);
      stableSortRow(Float64Array.from(data), n, false, new Float64Array(n), idx);
      return idx;
    },
    output: (c) => fresh([c], x.dtype),
    put: (out, g, i) => { out.storage[g] = data[i]!; },
  };
}

function slicesAlong(x: Tensor, d: number): Items {
  const data = denseData(x);
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const at = (s: number, e: number) => data[(Math.floor(e / inner) * size + s) * inner + (e % inner)]!;
  const len = outer * inner;
  // elementwise, NaN above everything, so the order is total
  const cmp = (a: number, b: number): number => {
    for (let e = 0; e < len; e++) {
      const u = at(a, e);
      const v = at(b, e);
      if (u < v || (u === u && v !== v)) return -1;
      if (u > v || (u !== u && v === v)) return 1;
    }
    return 0;
  };
  return {
    count: size,
    same: (a, b) => { for (let e = 0; e < len; e++) if (at(a, e) !== at(b, e)) return false; return true; },
    sortedOrder: () => Int32Array.from({ length: size }, (_, i) => i).sort((a, b) => cmp(a, b) || a - b),
    output: (c) => fresh(x.shape.map((s, i) => (i === d ? c : s)), x.dtype),
    put: (out, g, s) => {
      for (let e = 0; e < len; e++) out.storage[(Math.floor(e / inner) * out.shape[d]! + g) * inner + (e % inner)] = at(s, e);
    },
  };
}

/** Groups of equal neighbours in `order`; the first of each group stands for it. */
function collect(x: Tensor, items: Items, order: ArrayLike<number>, d: number | null, opts: UniqueConsecutiveOptions): Tensor | Tensor[] {
  const n = items.count;
  const starts: number[] = [];
  for (let p = 0; p < n; p++) if (p === 0 || !items.same(order[p - 1]!, order[p]!)) starts.push(p);
  const values = items.output(starts.length);
  const inverse = fresh(d === null ? x.shape : [n], "int64");
  const counts = fresh([starts.length], "int64");
  starts.forEach((s, g) => {
    const end = starts[g + 1] ?? n;
    items.put(values, g, order[s]!);
    counts.storage[g] = end - s;
    for (let p = s; p < end; p++) inverse.storage[order[p]!] = g;
  });
  if (!opts.returnInverse && !opts.returnCounts) return values;
  const out = [values];
  if (opts.returnInverse) out.push(inverse);
  if (opts.returnCounts) out.push(counts);
  return out;
}

function itemsOf(where: string, x: Tensor, opts: UniqueOptions, spec: Record<string, "boolean" | "int?">): [Items, number | null] {
  Tensor.check(x, "input");
  checkOptions(where, opts, spec, { index: 2 });
  const dim = opts.dim ?? null;
  if (dim === null) return [elements(x), null];
  if (x.ndim === 0) throw new ArgumentError(`${where}: dim given for a 0-d tensor`);
  const d = normDim(dim, x.ndim);
  return [slicesAlong(x, d), d];
}

/**
 * torch.unique: the distinct values (or slices along dim), sorted; with returnInverse / returnCounts,
 * [values, inverse?, counts?] as PyTorch's tuple. Without dim, in PyTorch 1.13 CPU's order and NaN
 * handling (unique_hash.ts: sorted false gives its hash-set order); along a dim NaN slices stay apart.
 */
export function unique(x: Tensor, opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(x: Tensor, opts: UniqueOptions): Tensor | Tensor[];
export function unique(x: Tensor, opts: UniqueOptions = {}): Tensor | Tensor[] {
  const [items, d] = itemsOf("unique()", x, opts, { sorted: "boolean", returnInverse: "boolean", returnCounts: "boolean", dim: "int?" });
  if (d !== null) return collect(x, items, items.sortedOrder(), d, opts);
  const data = denseData(x);
  // PyTorch 1.13 counts bools in a pass of its own: always in order
  const sorted = (opts.sorted ?? true) || x.dtype === "bool";
  // sorted and NaN-free, the hash set's order cannot show: sort directly
  if (sorted && !Array.prototype.some.call(data, (v: number) => v !== v)) return collect(x, items, items.sortedOrder(), d, opts);
  const r = uniqueFlat(data, x.dtype, sorted);
  const values = fresh([r.values.length], x.dtype);
  values.storage.set(r.values);
  if (!opts.returnInverse && !opts.returnCounts) return values;
  const out = [values];
  if (opts.returnInverse) out.push(Tensor.fromStorage(r.inverse, "int64", x.shape));
  if (opts.returnCounts) out.push(Tensor.fromStorage(r.counts, "int64", [r.counts.length]));
  return out;
}

/** torch.unique_consecutive: collapses runs of equal consecutive values (or slices along dim). */
export function uniqueConsecutive(x: Tensor, opts?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function uniqueConsecutive(x: Tensor, opts: UniqueConsecutiveOptions): Tensor | Tensor[];
export function uniqueConsecutive(x: Tensor, opts: UniqueConsecutiveOptions = {}): Tensor | Tensor[] {
  const [items, d] = itemsOf("unique_consecutive()", x, opts, { returnInverse: "boolean", returnCounts: "boolean", dim: "int?" });
  return collect(x, items, Int32Array.from({ length: items.count }, (_, i) => i), d, opts);
}
