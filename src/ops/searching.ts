import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { type DType, isFloating, promoteTypes } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { denseData, fresh } from "./util.ts";

/** searchsorted, bucketize, bincount and histc: positions and counts, none differentiable. */

const TYPE_NAME = { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" } as const;

export interface SearchsortedOptions {
  outInt32?: boolean;
  right?: boolean;
  side?: "left" | "right" | null;
  sorter?: Tensor | null;
}

/**
 * PyTorch's binary search: the first position whose boundary is not < value (left) or not <= value
 * (right), written as `!(b >= v)` / `!(b > v)` so NaN values land past every boundary.
 */
function bound(bd: ArrayLike<number>, off: number, n: number, v: number, right: boolean, sorter: ArrayLike<number> | null): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    const b = sorter ? bd[off + sorter[off + mid]!]! : bd[off + mid]!;
    if (right ? !(b > v) : !(b >= v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** torch.searchsorted: where each value would be inserted into the innermost dim of sortedSequence. */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, opts: SearchsortedOptions = {}): Tensor {
  const where = "torch.searchsorted():";
  Tensor.check(sortedSequence, "sorted_sequence");
  checkOptions("searchsorted()", opts, { outInt32: "boolean", right: "boolean", side: "string?", sorter: "tensor?" }, { index: 3 });
  const scalar = !(values instanceof Tensor);
  // a number is a 0-d tensor of its own dtype (int64 or float64), as scalar_to_tensor makes it
  const v = values instanceof Tensor ? values : Tensor.fromStorage(Float64Array.of(values), Number.isInteger(values) ? "int64" : "float64", []);
  const right = opts.right ?? false;
  const side = opts.side ?? null;
  if (side !== null && side !== "left" && side !== "right") throw new ArgumentError(`${where} side can only be 'left' or 'right' but got ${side}`);
  if (side === "left" && right) {
    throw new ArgumentError(`${where} side and right can't be set to opposites, got side of left while right was True`);
  }
  const isRight = side !== null ? side === "right" : right;
  const bs = sortedSequence.shape;
  if (sortedSequence.ndim === 0) throw new ShapeError(`${where} boundaries tensor should have positive dimension, but got 0 dimension`);
  const leading = bs.slice(0, -1);
  if (bs.length !== 1 && (scalar || v.ndim !== bs.length || leading.some((s, i) => s !== v.shape[i]))) {
    throw new ShapeError(`${where} boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor ${fmtShape(bs)} and input value tensor ${fmtShape(v.shape)}`);
  }
  const sorter = opts.sorter ?? null;
  if (sorter !== null) {
    if (sorter.dtype !== "int64") throw new DTypeError(`${where} sorter must be a tensor of long dtype but got dtype ${TYPE_NAME[sorter.dtype]}`);
    if (sorter.shape.length !== bs.length || sorter.shape.some((s, i) => s !== bs[i])) {
      throw new ShapeError(`${where} boundary and sorter must have the same size, but got boundary tensor ${fmtShape(bs)}and got sorter tensor ${fmtShape(sorter.shape)}`);
    }
  }
  const n = bs[bs.length - 1]!;
  const srt = sorter ? denseData(sorter) : null;
  if (srt && Array.prototype.some.call(srt, (s: number) => s < 0 || s >= n)) throw new IndexError(`${where} sorter index out of range`);
  const common: DType = promoteTypes(v.dtype, sortedSequence.dtype);
  const round = common === "float32" ? Math.fround : (x: number) => x;
  const bd = Array.from(denseData(sortedSequence), round);
  const vd = denseData(v);
  const out = fresh(v.shape, opts.outInt32 ? "int32" : "int64");
  const perRow = bs.length === 1 ? vd.length : (v.shape[v.ndim - 1] ?? 1);
  for (let i = 0; i < vd.length; i++) {
    const row = bs.length === 1 ? 0 : Math.floor(i / perRow);
    out.storage[i] = bound(bd, row * n, n, round(vd[i]!), isRight, srt);
  }
  return out;
}

export interface BucketizeOptions {
  outInt32?: boolean;
  right?: boolean;
}

/** torch.bucketize: the bucket of each input element given 1-D boundaries (searchsorted the other way round). */
export function bucketize(input: Tensor | number, boundaries: Tensor, opts: BucketizeOptions = {}): Tensor {
  Tensor.check(boundaries, "boundaries");
  checkOptions("bucketize()", opts, { outInt32: "boolean", right: "boolean" }, { index: 3 });
  if (boundaries.ndim !== 1) throw new ShapeError(`boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`);
  return searchsorted(boundaries, input, { outInt32: opts.outInt32 ?? false, right: opts.right ?? false });
}

export interface BincountOptions {
  weights?: Tensor | null;
  minlength?: number;
}

/** torch.bincount: how often each non-negative integer occurs (or its summed weights), at least minlength long. */
export function bincount(input: Tensor, opts: BincountOptions = {}): Tensor {
  Tensor.check(input, "input");
  checkOptions("bincount()", opts, { weights: "tensor?", minlength: "int" }, { index: 2, positional: "weights" });
  const minlength = opts.minlength ?? 0;
  const weights = opts.weights ?? null;
  if (isFloating(input.dtype) || input.dtype === "bool") throw new DTypeError(`"bincount_cpu" not implemented for '${TYPE_NAME[input.dtype]}'`);
  if (minlength < 0) throw new ArgumentError("minlength should be >= 0");
  const data = denseData(input);
  if (input.ndim === 1 && data.length === 0) return fresh([minlength], "int64");
  if (input.ndim !== 1 || Array.prototype.some.call(data, (x: number) => x < 0)) throw new ArgumentError("bincount only supports 1-d non-negative integral inputs.");
  if (weights !== null && (weights.ndim !== 1 || weights.shape[0] !== input.shape[0])) throw new ShapeError("weights should be 1-d and have the same length as input");
  let size = minlength;
  for (let i = 0; i < data.length; i++) size = Math.max(size, data[i]! + 1);
  const out = fresh([size], weights === null ? "int64" : weights.dtype === "float32" ? "float32" : "float64");
  const w = weights === null ? null : denseData(weights);
  const acc = new Float64Array(size);
  for (let i = 0; i < data.length; i++) acc[data[i]!] += w === null ? 1 : w[i]!;
  out.storage.set(acc);
  return out;
}

const pyNum = (v: number): string => (v !== v ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : String(v));

export interface HistcOptions {
  bins?: number;
  min?: number;
  max?: number;
}

/**
 * torch.histc: counts in `bins` equal bins over [min, max] (the data's range when min == max); values
 * outside are ignored (NaN lands in the first bin), the last bin includes max. Bins are found as PyTorch's CPU kernel does, by
 * (x - min) * bins / (max - min) in the input's precision.
 */
export function histc(input: Tensor, bins: number | HistcOptions = 100, min = 0, max = 0): Tensor {
  Tensor.check(input, "input");
  const o: HistcOptions = typeof bins === "object" ? bins : { bins, min, max };
  checkOptions("histc()", o, { bins: "int", min: "number", max: "number" }, { index: 2, positional: "bins" });
  const nb = o.bins ?? 100;
  if (!isFloating(input.dtype)) throw new DTypeError(`"histogram_cpu" not implemented for '${TYPE_NAME[input.dtype]}'`);
  if (nb <= 0) throw new ArgumentError(`torch.histogram(): bins must be > 0, but got ${nb} for dimension 0`);
  const data = denseData(input);
  let lo = o.min ?? 0;
  let hi = o.max ?? 0;
  if (lo === hi && data.length > 0) {
    lo = Infinity;
    hi = -Infinity;
    for (let i = 0; i < data.length; i++) { const v = data[i]!; if (v < lo || v !== v) lo = v; if (v > hi || v !== v) hi = v; }
  }
  if (lo === hi) { lo -= 1; hi += 1; }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ArgumentError(`torch.histc: range of [${pyNum(lo)}, ${pyNum(hi)}] is not finite`);
  if (!(lo < hi)) throw new ArgumentError("torch.histc: max must be larger than min");
  const r = input.dtype === "float32" ? Math.fround : (x: number) => x;
  const left = r(lo);
  const right = r(hi);
  const out = fresh([nb], input.dtype);
  const counts = new Float64Array(nb);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < left || v > right) continue;
    // NaN passes the range test; PyTorch 1.13's CPU kernel then counts it in the first bin
    let pos = v !== v ? 0 : Math.trunc(r(r(r(v - left) * nb) / r(right - left)));
    if (pos === nb) pos -= 1;
    counts[pos]++;
  }
  out.storage.set(counts);
  return out;
}

