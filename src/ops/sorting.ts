import { ArgumentError, IndexError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { ValuesIndices } from "./extremum.ts";
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

// NaN sorts as the largest value, as in PyTorch: last ascending, first descending.
function compare(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The int64 permutation that sorts x along d. */
function sortIndices(x: Tensor, d: number, descending: boolean): Tensor {
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const data = denseData(x);
  const out = new Float64Array(data.length);
  const order = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let k = 0; k < size; k++) order[k] = k;
      const at = (k: number) => data[base + k * inner]!;
      order.sort(descending ? (p, q) => compare(at(q), at(p)) : (p, q) => compare(at(p), at(q)));
      for (let k = 0; k < size; k++) out[base + k * inner] = order[k]!;
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
    return { values: reshape(r.values, []), indices: reshape(r.indices, []) };
  }
  const d = normDim(o.dim, x.ndim);
  const indices = sortIndices(x, d, o.descending);
  return { values: gather(x, d, indices), indices };
}

/** torch.argsort: the indices of sort. */
export function argsort(x: Tensor, dimOrOpts?: number | SortOptions, descending?: boolean): Tensor {
  return sort(x, dimOrOpts, descending).indices;
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
  const s = sort(x, { dim: d, descending: opts.largest ?? true });
  if (x.ndim === 0) return s;
  return { values: narrow(s.values, d, 0, k), indices: narrow(s.indices, d, 0, k) };
}
