import { ArgumentError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { denseData, fresh } from "./util.ts";

/**
 * unique and uniqueConsecutive, flat or over slices along a dim, with inverse indices and counts.
 * Not differentiable. Equal values are one value (-0 and 0 included: the first seen is kept).
 */

export interface UniqueOptions {
  sorted?: boolean;
  returnInverse?: boolean;
  returnCounts?: boolean;
  dim?: number | null;
}

export type UniqueConsecutiveOptions = Omit<UniqueOptions, "sorted">;

/** The slices of x along d as rows of numbers (the whole tensor as rows of one element when d is null). */
function slices(x: Tensor, d: number | null): { rows: Float64Array[]; shape: (count: number) => number[]; put: (out: Tensor, at: number, row: Float64Array) => void } {
  const data = denseData(x);
  if (d === null) {
    return { rows: Array.from(data, (v) => Float64Array.of(v)), shape: (c) => [c], put: (out, at, row) => { out.storage[at] = row[0]!; } };
  }
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const rows: Float64Array[] = [];
  for (let s = 0; s < size; s++) {
    const row = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) row[o * inner + i] = data[(o * size + s) * inner + i]!;
    rows.push(row);
  }
  return {
    rows,
    shape: (c) => x.shape.map((n, i) => (i === d ? c : n)),
    put: (out, at, row) => {
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out.storage[(o * out.shape[d]! + at) * inner + i] = row[o * inner + i]!;
    },
  };
}

/** Lexicographic order of two slices (elementwise <); 0 when equal. */
function compareRows(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

const sameRow = (a: Float64Array, b: Float64Array): boolean => a.every((v, i) => v === b[i]);

function build(x: Tensor, d: number | null, order: number[], groupStarts: number[], opts: UniqueConsecutiveOptions, rows: Float64Array[], shape: (c: number) => number[], put: (out: Tensor, at: number, row: Float64Array) => void): Tensor | Tensor[] {
  const count = groupStarts.length;
  const values = fresh(shape(count), x.dtype);
  const inverse = fresh(d === null ? x.shape : [rows.length], "int64");
  const counts = fresh([count], "int64");
  for (let g = 0; g < count; g++) {
    const end = g + 1 < count ? groupStarts[g + 1]! : order.length;
    put(values, g, rows[order[groupStarts[g]!]!]!);
    counts.storage[g] = end - groupStarts[g]!;
    for (let p = groupStarts[g]!; p < end; p++) inverse.storage[order[p]!] = g;
  }
  if (!opts.returnInverse && !opts.returnCounts) return values;
  const out = [values];
  if (opts.returnInverse) out.push(inverse);
  if (opts.returnCounts) out.push(counts);
  return out;
}

function prepare(where: string, x: Tensor, opts: UniqueOptions, spec: Record<string, "boolean" | "int?">): number | null {
  Tensor.check(x, "input");
  checkOptions(where, opts, spec, { index: 2 });
  const dim = opts.dim ?? null;
  if (dim === null) return null;
  const d = normDim(dim, Math.max(x.ndim, 1));
  if (x.ndim === 0) throw new ArgumentError(`${where}: dim given for a 0-d tensor`);
  return d;
}

/**
 * torch.unique: the distinct values (or slices along dim), sorted; with returnInverse / returnCounts,
 * [values, inverse?, counts?] as PyTorch's tuple.
 * sorted: false returns them sorted too (PyTorch's CPU order then comes from a hash set).
 */
export function unique(x: Tensor, opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function unique(x: Tensor, opts: UniqueOptions): Tensor | Tensor[];
export function unique(x: Tensor, opts: UniqueOptions = {}): Tensor | Tensor[] {
  const d = prepare("unique()", x, opts, { sorted: "boolean", returnInverse: "boolean", returnCounts: "boolean", dim: "int?" });
  const { rows, shape, put } = slices(x, d);
  // the first occurrence stands for its group (stable order), as the hash set PyTorch builds keeps it
  const order = rows.map((_, i) => i).sort((p, q) => compareRows(rows[p]!, rows[q]!) || p - q);
  const starts: number[] = [];
  for (let p = 0; p < order.length; p++) if (p === 0 || !sameRow(rows[order[p - 1]!]!, rows[order[p]!]!)) starts.push(p);
  return build(x, d, order, starts, opts, rows, shape, put);
}

/** torch.unique_consecutive: collapses runs of equal consecutive values (or slices along dim). */
export function uniqueConsecutive(x: Tensor, opts?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
export function uniqueConsecutive(x: Tensor, opts: UniqueConsecutiveOptions): Tensor | Tensor[];
export function uniqueConsecutive(x: Tensor, opts: UniqueConsecutiveOptions = {}): Tensor | Tensor[] {
  const d = prepare("unique_consecutive()", x, opts, { returnInverse: "boolean", returnCounts: "boolean", dim: "int?" });
  const { rows, shape, put } = slices(x, d);
  const order = rows.map((_, i) => i);
  const starts: number[] = [];
  for (let p = 0; p < order.length; p++) if (p === 0 || !sameRow(rows[p - 1]!, rows[p]!)) starts.push(p);
  return build(x, d, order, starts, opts, rows, shape, put);
}

