import { record } from "../autograd/record.ts";
import { AutogradError, DTypeError, IndexError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { div, eq, isnan } from "./elementwise.ts";
import { type ValuesIndices, amax, amin, valuesIndices } from "./extremum.ts";
import { scatterAddRaw, where } from "./indexing.ts";

import { keptShape, sum } from "./reduce.ts";
import { kthvalueRow, medianRow, modeRow } from "./sort_rows.ts";
import { castRaw, denseData, fresh } from "./util.ts";
import { reshape, squeeze } from "./views.ts";

/**
 * kthvalue, median, nanmedian and mode: one element picked per row, reported with its index. Which
 * index a tie reports follows PyTorch 1.13's CPU kernels (sort_rows.ts); the gradient goes to that
 * element alone, except for the whole-tensor median, whose gradient ties share.
 */

export interface DimOptions {
  dim?: number;
  keepdim?: boolean;
}

const TYPE_NAME = { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" } as const;

function dimArgs(where: string, dimOrOpts: number | DimOptions | undefined, keepdim: boolean | undefined, index: number): Required<DimOptions> {
  const o: DimOptions = typeof dimOrOpts === "object" ? dimOrOpts : { dim: dimOrOpts, keepdim };
  checkOptions(where, o, { dim: "int", keepdim: "boolean" }, { index, positional: "dim" });
  return { dim: o.dim ?? -1, keepdim: o.keepdim ?? false };
}

/** Runs pick on each row along dim; the picked element and its index, shaped as a reduction over dim. */
function pickAlong(x: Tensor, dim: number, keepdim: boolean, op: string, node: string, pick: (vals: Float64Array, n: number) => number): ValuesIndices {
  if (x.ndim === 0) {
    normDim(dim, 0);
    const r = pickAlong(reshape(x, [1]), 0, false, op, node, pick);
    return r;
  }
  const d = normDim(dim, x.ndim);
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const kept = keptShape(x.shape, [d]);
  // even when other dims are empty too (PyTorch 1.13 checks the reduced dim first)
  if (size === 0) throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const data = denseData(x);
  const values = fresh(kept, x.dtype);
  const indices = fresh(kept, "int64");
  const vals = new Float64Array(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      for (let j = 0; j < size; j++) vals[j] = data[base + j * inner]!;
      const at = pick(vals, size);
      values.storage[o * inner + i] = data[base + at * inner]!;
      indices.storage[o * inner + i] = at;
    }
  }
  const shaped = keepdim ? values : squeeze(values, d);
  const idx = keepdim ? indices : squeeze(indices, d);
  if (!isFloating(x.dtype)) return valuesIndices(shaped.detach(), idx.detach());
  const v = record(shaped.detach(), node, [x], (g) => [scatterAddRaw(keepdim ? g : reshape(g, kept), indices, d, x.shape)], [indices]);
  return valuesIndices(v, idx.detach());
}

function refuseBool(x: Tensor, kernel: string): void {
  if (x.dtype === "bool") throw new DTypeError(`"${kernel}" not implemented for '${TYPE_NAME[x.dtype]}'`);
}

/** torch.kthvalue: the k-th smallest element along dim (default the last) and its index. */
export function kthvalue(x: Tensor, k: number, dimOrOpts?: number | DimOptions, keepdim?: boolean): ValuesIndices {
  Tensor.check(x, "input");
  checkArg("kthvalue()", k, "int", 2, "k");
  const o = dimArgs("kthvalue()", dimOrOpts, keepdim, 3);
  const d = x.ndim === 0 ? normDim(o.dim, 0) : normDim(o.dim, x.ndim);
  const size = x.ndim === 0 ? 1 : x.shape[d]!;
  if (k < 1 || k > size) throw new IndexError(`kthvalue(): selected number k out of range for dimension ${d}`);
  // a 0-d input is its own k-th value: PyTorch copies it without dispatching a kernel, bool included
  if (x.ndim > 0) refuseBool(x, "kthvalue_cpu");
  const key = new Float64Array(size);
  const idx = new Int32Array(size);
  return pickAlong(x, d, o.keepdim, "kthvalue", "KthvalueBackward0", (vals, n) => kthvalueRow(vals, n, k, key, idx));
}

/** torch.mode: the most frequent value along dim (the smallest such) and an index where it occurs. */
export function mode(x: Tensor, dimOrOpts?: number | DimOptions, keepdim?: boolean): ValuesIndices {
  Tensor.check(x, "input");
  const o = dimArgs("mode()", dimOrOpts, keepdim, 2);
  const size = x.ndim === 0 ? 1 : x.shape[normDim(o.dim, x.ndim)]!;
  const key = new Float64Array(size);
  const idx = new Int32Array(size);
  return pickAlong(x, o.dim, o.keepdim, "mode", "ModeBackward0", (vals, n) => modeRow(vals, n, key, idx));
}

/** The lower median of all elements (NaN if any, unless ignoring them); ties share the gradient. */
function wholeMedian(x: Tensor, ignoreNan: boolean): Tensor {
  const op = ignoreNan ? "nanmedian" : "median";
  refuseBool(x, `${op}_cpu`);
  const data = denseData(x);
  const vals = Float64Array.from(data).sort();
  let m = vals.length;
  while (m > 0 && vals[m - 1] !== vals[m - 1]) m--;
  const value = m === 0 || (!ignoreNan && m < vals.length) ? NaN : vals[(m - 1) >> 1]!;
  const out = fresh([], x.dtype);
  out.storage[0] = value;
  if (!isFloating(x.dtype)) return out;
  return record(out, ignoreNan ? "NanmedianBackward0" : "MedianBackward0", [x], (g) => {
    const xd = x.detach();
    const mask = value !== value ? isnan(xd) : eq(xd, out);
    return [where(mask, div(g, sum(castRaw(mask, "int64"))), 0)];
  }, [x, out]);
}

function medianOf(op: "median" | "nanmedian", x: Tensor, dimOrOpts: number | DimOptions | undefined, keepdim: boolean | undefined): Tensor | ValuesIndices {
  Tensor.check(x, "input");
  if (dimOrOpts === undefined && keepdim === undefined) return wholeMedian(x, op === "nanmedian");
  const o = dimArgs(`${op}()`, dimOrOpts, keepdim, 2);
  refuseBool(x, `${op === "median" ? "median" : "nanmedian"}_out`);
  const size = x.ndim === 0 ? 1 : x.shape[normDim(o.dim, x.ndim)]!;
  const key = new Float64Array(size);
  const idx = new Int32Array(size);
  const node = op === "median" ? "MedianBackward1" : "NanmedianBackward1";
  return pickAlong(x, o.dim, o.keepdim, op, node, (vals, n) => medianRow(vals, n, op === "nanmedian", key, idx));
}

/** torch.median: the lower median of all elements, or along dim with the index it came from. */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number | DimOptions, keepdim?: boolean): Tensor | ValuesIndices {
  return medianOf("median", x, dim, keepdim);
}

/** torch.nanmedian: median ignoring NaN (NaN only when a row is all NaN). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, dim: number | DimOptions, keepdim?: boolean): ValuesIndices;
export function nanmedian(x: Tensor, dim?: number | DimOptions, keepdim?: boolean): Tensor | ValuesIndices {
  return medianOf("nanmedian", x, dim, keepdim);
}

/** PyTorch's (min, max) named tuple, destructurable in that order. */
export interface MinMax extends Iterable<Tensor> {
  readonly min: Tensor;
  readonly max: Tensor;
}

/** torch.aminmax: amin and amax in one call (over all elements, or along dim). PyTorch 1.13 has no gradient for it. */
export function aminmax(x: Tensor, opts: { dim?: number | null; keepdim?: boolean } = {}): MinMax {
  Tensor.check(x, "input");
  checkOptions("aminmax()", opts, { dim: "int?", keepdim: "boolean" }, { index: 2 });
  const dim = opts.dim ?? null;
  const keepdim = opts.keepdim ?? false;
  const empty = dim === null ? x.numel() === 0 : x.ndim > 0 && x.shape[normDim(dim, x.ndim)] === 0;
  if (empty) throw new IndexError("aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.");
  const d = dim === null ? undefined : x.ndim === 0 ? (normDim(dim, 0), []) : dim;
  const lo = amin(x.detach(), d, keepdim);
  const hi = amax(x.detach(), d, keepdim);
  const none = (): never => { throw new AutogradError("derivative for aten::aminmax is not implemented"); };
  const wrap = (t: Tensor) => (isFloating(x.dtype) ? record(t, "NotImplemented", [x], none) : t);
  const min = wrap(lo);
  const max = wrap(hi);
  return { min, max, *[Symbol.iterator]() { yield min; yield max; } };
}
