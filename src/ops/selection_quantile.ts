import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { normDim } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { gather } from "./indexing.ts";
import { lerp } from "./op_functions.ts";
import { sort } from "./sorting.ts";
import { denseData, fresh } from "./util.ts";
import { reshape, transpose, unsqueeze } from "./views.ts";

/**
 * quantile and nanquantile as PyTorch 1.13 computes them: sort the reduced dim, turn q into a rank
 * (q * (n - 1), in the input's dtype; NaN rows rank last for quantile, nanquantile counts non-NaN
 * values), adjust it per interpolation mode, gather below/above and lerp. The gradient flows through
 * the sort's gather and the lerp. Both report errors as quantile(), as PyTorch does.
 */

export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";

export interface QuantileOptions {
  dim?: number | null;
  keepdim?: boolean;
  interpolation?: QuantileInterpolation;
}

const MODES: readonly string[] = ["linear", "lower", "higher", "midpoint", "nearest"];

/** torch.round: halves to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function quantileOf(op: "quantile" | "nanquantile", x: Tensor, q: number | Tensor, dimOrOpts: number | null | QuantileOptions | undefined, keepdim: boolean | undefined, opts: QuantileOptions): Tensor {
  Tensor.check(x, "input");
  const o: QuantileOptions = dimOrOpts !== null && typeof dimOrOpts === "object" ? { ...dimOrOpts, ...opts } : { dim: dimOrOpts, keepdim, ...opts };
  checkOptions(`${op}()`, o, { dim: "int?", keepdim: "boolean?", interpolation: "string?" }, { index: 3, positional: "dim" });
  const interp = o.interpolation ?? "linear";
  const qScalar = !(q instanceof Tensor);
  const qt = q instanceof Tensor ? q : null;
  if (x.numel() === 0) throw new ArgumentError(`quantile() input tensor must be non-empty`);
  if (qt && qt.ndim > 1) throw new ShapeError(`quantile() q must be a scalar or 1D tensor`);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new DTypeError(`quantile() input tensor must be either float or double dtype`);
  if (qt && qt.dtype !== x.dtype) throw new DTypeError(`quantile() q tensor must be same dtype as the input tensor`);
  const qs = qt ? Array.from(denseData(qt)) : [q as number];
  if (qScalar && !(qs[0]! >= 0 && qs[0]! <= 1)) throw new ArgumentError(`quantile() q must be in the range [0, 1] but got ${qs[0]}`);
  if (!qScalar && !qs.every((v) => v >= 0 && v <= 1)) throw new ArgumentError(`quantile() q values must be in the range [0, 1]`);
  if (!MODES.includes(interp)) {
    throw new ArgumentError(`quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got ${interp}`);
  }
  const dim = o.dim ?? null;
  let rows: Tensor;
  let outShape: number[];
  if (dim === null) {
    rows = reshape(x, [1, -1]);
    outShape = (o.keepdim ?? false) ? x.shape.map(() => 1) : [];
  } else {
    const d = x.ndim === 0 ? normDim(dim, 0) : normDim(dim, x.ndim);
    const x1 = x.ndim === 0 ? reshape(x, [1]) : x;
    const moved = transpose(unsqueeze(x1, -1), d, -1);
    const kept = x1.shape.map((s, i) => (i === d ? 1 : s));
    rows = reshape(moved, [-1, x1.shape[d]!]);
    outShape = x.ndim === 0 || (o.keepdim ?? false) ? (x.ndim === 0 ? [] : kept) : kept.filter((_, i) => i !== d);
  }
  const sorted = sort(rows, -1).values;
  const [R, n] = sorted.shape as [number, number];
  const m = qs.length;
  const data = denseData(sorted.detach());
  const f32 = x.dtype === "float32";
  const round = (v: number) => (f32 ? Math.fround(v) : v);
  const below = fresh([R, m], "int64");
  const above = fresh([R, m], "int64");
  const weight = fresh([R, m], x.dtype);
  for (let r = 0; r < R; r++) {
    let valid = n;
    while (valid > 0 && data[r * n + valid - 1] !== data[r * n + valid - 1]) valid--;
    for (let j = 0; j < m; j++) {
      const qj = round(qs[j]!);
      let rank: number;
      if (op === "nanquantile") rank = Math.max(round(qj * (valid - 1)), 0);
      else rank = valid < n ? n - 1 : round(qj * (n - 1));
      if (interp === "lower") rank = Math.floor(rank);
      else if (interp === "higher") rank = Math.ceil(rank);
      else if (interp === "nearest") rank = roundHalfEven(rank);
      const lo = Math.trunc(rank);
      below.storage[r * m + j] = lo;
      above.storage[r * m + j] = interp === "linear" || interp === "midpoint" ? Math.ceil(rank) : lo;
      weight.storage[r * m + j] = interp === "midpoint" ? 0.5 : interp === "linear" ? rank - lo : 0;
    }
  }
  let out = gather(sorted, -1, below);
  if (interp === "linear" || interp === "midpoint") out = lerp(out, gather(sorted, -1, above), weight);
  // [rows, q] -> [q, ...outShape], or outShape for a scalar q
  const t = transpose(out, 0, 1);
  return reshape(t, qt && qt.ndim === 1 ? [m, ...outShape] : outShape);
}

/** torch.quantile: the q-th quantiles of all elements, or along dim; q a number or a 0-d/1-D tensor. */
export function quantile(x: Tensor, q: number | Tensor, dim?: number | null | QuantileOptions, keepdim?: boolean, opts: QuantileOptions = {}): Tensor {
  return quantileOf("quantile", x, q, dim, keepdim, opts);
}

/** torch.nanquantile: quantile ignoring NaN (NaN only where a row is all NaN). */
export function nanquantile(x: Tensor, q: number | Tensor, dim?: number | null | QuantileOptions, keepdim?: boolean, opts: QuantileOptions = {}): Tensor {
  return quantileOf("nanquantile", x, q, dim, keepdim, opts);
}
