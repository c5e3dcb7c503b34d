import { ArgumentError, DTypeError, IndexError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import type { DType, Storage } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type ValuesIndices, valuesIndices } from "./extremum.ts";
import { gather } from "./indexing.ts";
import { denseData } from "./util.ts";
import { narrow, reshape } from "./views.ts";

/**
 * sort, argsort and topk. The permutation is computed once on the numbers (a stable sort, so ties keep
 * their order: PyTorch's `stable: true`, and a valid answer where PyTorch leaves the order unspecified);
 * the values are then a gather, whose gradient scatters back to the sorted-from positions.
 */

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/**
 * 32-bit values as uint32 keys in PyTorch's order: floats by their bits (negatives flipped), NaN
 * above +inf, -0 equal to +0; int32 offset; bool as is.
 */
function orderKey(v: number, dtype: DType): number {
  if (dtype === "int32") return v + 2147483648;
  if (dtype === "bool") return v;
  if (v !== v) return 0xffc00000;
  F32[0] = v === 0 ? 0 : v;
  const bits = U32[0]!;
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

/**
 * Sorts 32-bit values with one native numeric sort of (key, position) packed into a double: ties
 * order by position, so the result is stable, and no comparator is called. Needs size <= 2^21.
 */
function packedSort(data: Storage, dtype: DType, out: Float64Array, outer: number, size: number, inner: number, descending: boolean): void {
  const shift = 2 ** Math.max(1, Math.ceil(Math.log2(size)));
  const keys = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let k = 0; k < size; k++) {
        const key = orderKey(data[base + k * inner]!, dtype);
        keys[k] = (descending ? 0xffffffff - key : key) * shift + k;
      }
      keys.sort();
      for (let k = 0; k < size; k++) out[base + k * inner] = keys[k]! % shift;
    }
  }
}

/** The int64 permutation that sorts x along d: stable, NaN as the largest value (PyTorch's order). */
function sortIndices(x: Tensor, d: number, descending: boolean): Tensor {
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const data = denseData(x);
  if ((x.dtype === "float32" || x.dtype === "int32" || x.dtype === "bool") && size <= 2 ** 21) {
    const out = new Float64Array(data.length);
    packedSort(data, x.dtype, out, outer, size, inner, descending);
    return Tensor.fromStorage(out, "int64", x.shape);
  }
  const out = new Float64Array(data.length);
  const vals = new Float64Array(size);
  const order = new Uint32Array(size);
  // Ties fall back to position, so the order is stable whatever the engine's sort does.
  const asc = (p: number, q: number) => { const a = vals[p]!; const b = vals[q]!; return a < b ? -1 : a > b ? 1 : p - q; };
  const desc = (p: number, q: number) => { const a = vals[p]!; const b = vals[q]!; return a > b ? -1 : a < b ? 1 : p - q; };
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      // NaNs are set aside (in order) and placed last ascending, first descending.
      let n = 0;
      const nans: number[] = [];
      for (let k = 0; k < size; k++) {
        const v = data[base + k * inner]!;
        vals[k] = v;
        if (v !== v) nans.push(k);
        else order[n++] = k;
      }
      const sorted = order.subarray(0, n).sort(descending ? desc : asc);
      let w = base;
      if (descending) for (const k of nans) { out[w] = k; w += inner; }
      for (let k = 0; k < n; k++) { out[w] = sorted[k]!; w += inner; }
      if (!descending) for (const k of nans) { out[w] = k; w += inner; }
    }
  }
  return Tensor.fromStorage(out, "int64", x.shape);
}

function sortArgs(where: string, dimOrOpts: number | SortOptions | undefined, descending: boolean | undefined): Required<SortOptions> {
  const opts: SortOptions = typeof dimOrOpts === "object" ? dimOrOpts : { dim: dimOrOpts, descending };
  if (typeof dimOrOpts === "object" && descending !== undefined) throw new ArgumentError(`${where}: descending given twice`);
  checkOptions(where, opts, { dim: "int", descending: "boolean", stable: "boolean?" }, { index: 2, positional: "dim" });
  return { dim: opts.dim ?? -1, descending: opts.descending ?? false, stable: opts.stable ?? false };
}

/** torch.sort: { values, indices } along dim (default the last). */
export function sort(x: Tensor, dimOrOpts?: number | SortOptions, descending?: boolean): ValuesIndices {
  Tensor.check(x, "input");
  const o = sortArgs("sort()", dimOrOpts, descending);
  if (x.ndim === 0) {
    normDim(o.dim, 0);
    const r = sort(reshape(x, [1]), { dim: 0, descending: o.descending });
    return valuesIndices(reshape(r.values, []), reshape(r.indices, []));
  }
  const d = normDim(o.dim, x.ndim);
  const indices = sortIndices(x, d, o.descending);
  return valuesIndices(gather(x, d, indices), indices);
}

/** torch.argsort: the indices of sort. */
export function argsort(x: Tensor, dimOrOpts?: number | SortOptions, descending?: boolean): Tensor {
  return sort(x, dimOrOpts, descending).indices;
}

/** Up to this k, topk keeps a running list instead of sorting whole rows (top-1 / top-5 accuracy). */
const SELECT_MAX = 16;

/** Whether a comes before b in the order (NaN largest); equal values keep their positions' order. */
function before(a: number, b: number, largest: boolean): boolean {
  if (a !== a) return largest && b === b;
  if (b !== b) return !largest;
  return largest ? a > b : a < b;
}

/** The positions of the k first elements of each row in sort order, by insertion into a short list. */
function selectIndices(x: Tensor, d: number, k: number, largest: boolean): Tensor {
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const data = denseData(x);
  const shape = x.shape.map((s, i) => (i === d ? k : s));
  const out = new Float64Array(outer * k * inner);
  const vals = new Float64Array(k);
  const idx = new Float64Array(k);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let n = 0;
      for (let j = 0; j < size; j++) {
        const v = data[base + j * inner]!;
        if (n === k && !before(v, vals[k - 1]!, largest)) continue;
        let p = n < k ? n++ : k - 1;
        while (p > 0 && before(v, vals[p - 1]!, largest)) {
          vals[p] = vals[p - 1]!;
          idx[p] = idx[p - 1]!;
          p--;
        }
        vals[p] = v;
        idx[p] = j;
      }
      const ob = o * k * inner + i;
      for (let p = 0; p < k; p++) out[ob + p * inner] = idx[p]!;
    }
  }
  return Tensor.fromStorage(out, "int64", shape);
}

export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** torch.topk: the k largest (or smallest) along dim, in sorted order. */
export function topk(x: Tensor, k: number, dimOrOpts?: number | TopkOptions, largest?: boolean, sorted?: boolean): ValuesIndices {
  Tensor.check(x, "input");
  checkArg("topk()", k, "int", 2, "k");
  const opts: TopkOptions = typeof dimOrOpts === "object" ? dimOrOpts : { dim: dimOrOpts, largest, sorted };
  checkOptions("topk()", opts, { dim: "int", largest: "boolean", sorted: "boolean" }, { index: 3, positional: "dim" });
  const dim = opts.dim ?? -1;
  const d = x.ndim === 0 ? (normDim(dim, 0), 0) : normDim(dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (k < 0 || k > size) throw new IndexError("selected index k out of range");
  // a 0-d tensor is its own top-k without PyTorch's kernel dispatch
  if (x.dtype === "bool" && x.ndim > 0) throw new DTypeError(`"topk_cpu" not implemented for 'Bool'`);
  const big = opts.largest ?? true;
  if (x.ndim > 0 && k <= SELECT_MAX && k < size) {
    const indices = selectIndices(x, d, k, big);
    return valuesIndices(gather(x, d, indices), indices);
  }
  const s = sort(x, { dim: d, descending: big });
  if (x.ndim === 0) return s;
  return valuesIndices(narrow(s.values, d, 0, k), narrow(s.indices, d, 0, k));
}
