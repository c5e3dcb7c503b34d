import { recordAdjoint } from "../autograd/higher_order.ts";
import { ArgumentError, DTypeError, IndexError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type ValuesIndices, valuesIndices } from "./extremum.ts";
import { record } from "../autograd/record.ts";
import { isFloating } from "../tensor/dtype.ts";
import { gather, scatterAddRaw } from "./indexing.ts";
import { denseData } from "./util.ts";
import { packable, packedSortRow, stableSortRow, topkRow, unstableSortRow } from "./sort_rows.ts";

/**
 * sort, argsort, msort and topk. The permutation is computed on the numbers, row by row, in the order
 * PyTorch 1.13's CPU kernels leave ties in (sort_rows.ts); the values are then a gather, whose gradient
 * scatters back to the sorted-from positions.
 */

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

/** Calls fn for each row along d of x's numbers, with the row copied into vals; out gets idx as int64. */
function eachRow(x: Tensor, d: number, k: number, fn: (vals: Float64Array, idx: Int32Array) => void): Tensor {
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const data = denseData(x);
  const out = new Float64Array(outer * k * inner);
  const vals = new Float64Array(size);
  const idx = new Int32Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let j = 0; j < size; j++) vals[j] = data[base + j * inner]!;
      fn(vals, idx);
      const ob = o * k * inner + i;
      for (let j = 0; j < k; j++) out[ob + j * inner] = idx[j]!;
    }
  }
  return Tensor.fromStorage(out, "int64", x.shape.map((s, i) => (i === d ? k : s)));
}

/** The int64 permutation that sorts x along d, ties in PyTorch's order (stable, or std::sort's). */
function sortIndices(x: Tensor, d: number, descending: boolean, stable: boolean): Tensor {
  const size = x.shape[d]!;
  const key = new Float64Array(size);
  const packed = packable(x.dtype, size);
  return eachRow(x, d, size, (vals, idx) => {
    if (!stable) unstableSortRow(vals, size, descending, key, idx);
    else if (packed) packedSortRow(vals, size, x.dtype, descending, key, idx);
    else stableSortRow(vals, size, descending, key, idx);
  });
}

/** x's elements at indices along d, as PyTorch's SortBackward0 / TopkBackward0 (the gradient scatters back). */
function picked(x: Tensor, d: number, indices: Tensor, node: string): Tensor {
  const values = gather(x.detach(), d, indices);
  if (!isFloating(x.dtype)) return values;
  // createGraph: the scatter's adjoint gathers its gradient at the same indices.
  return record(values, node, [x], (g) => [recordAdjoint(`${node}Backward`, scatterAddRaw(g, indices, d, x.shape), g, (gg) => gather(gg, d, indices))], [indices]);
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
    const indices = Tensor.fromStorage(new Float64Array(1), "int64", []);
    return valuesIndices(picked(x, 0, indices, "SortBackward0"), indices);
  }
  const d = normDim(o.dim, x.ndim);
  const indices = sortIndices(x, d, o.descending, o.stable);
  return valuesIndices(picked(x, d, indices, "SortBackward0"), indices);
}

/** torch.msort: sort along the first dimension, values only. */
export function msort(x: Tensor): Tensor {
  Tensor.check(x, "input");
  return sort(x, 0).values;
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

/** torch.topk: the k largest (or smallest) along dim; sorted unless { sorted: false } (then in the kernel's order). */
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
  if (x.ndim === 0) {
    const indices = Tensor.fromStorage(new Float64Array(1), "int64", []);
    return valuesIndices(picked(x, 0, indices, "TopkBackward0"), indices);
  }
  const big = opts.largest ?? true;
  const inOrder = opts.sorted ?? true;
  const key = new Float64Array(size);
  const indices = eachRow(x, d, k, (vals, idx) => topkRow(vals, size, k, big, inOrder, key, idx));
  return valuesIndices(picked(x, d, indices, "TopkBackward0"), indices);
}
