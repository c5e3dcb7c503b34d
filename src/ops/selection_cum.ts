import { record } from "../autograd/record.ts";
import { DTypeError } from "../errors.ts";
import { checkArg } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, sub } from "./binary.ts";
import { type ValuesIndices, valuesIndices } from "./extremum.ts";
import { scatterAddRaw, where } from "./indexing.ts";
import { abs, exp, gt, log, lt } from "./op_functions.ts";
import { flip } from "./shape_ops.ts";
import { denseData, fresh } from "./util.ts";

/** cummax, cummin (running extremum with the index it came from) and logcumsumexp along one dim. */

const TYPE_NAME = { float32: "Float", float64: "Double", int32: "Int", int64: "Long", bool: "Bool" } as const;

/** Calls step for every element along d in order, per row; step returns what to store at that place. */
function scanRows(x: Tensor, d: number, start: () => void, step: (v: number, j: number, p: number) => void): void {
  const size = x.shape[d]!;
  const outer = numelOf(x.shape.slice(0, d));
  const inner = numelOf(x.shape.slice(d + 1));
  const src = denseData(x);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      start();
      for (let j = 0, p = o * size * inner + i; j < size; j++, p += inner) step(src[p]!, j, p);
    }
  }
}

/**
 * PyTorch's CPU loop: a later element replaces the running one when it is NaN, or when the running one
 * is not NaN and the new one is >= (cummax) / <= (cummin) it; so ties report the latest index and a
 * NaN sticks (with the index of the latest NaN).
 */
function cumExtremum(op: "cummax" | "cummin", x: Tensor, dim: number): ValuesIndices {
  Tensor.check(x, "input");
  checkArg(`${op}()`, dim, "int", 2, "dim");
  const d = normDim(dim, x.ndim);
  const shape = x.ndim === 0 ? [1] : x.shape;
  const flat = x.ndim === 0 ? x.reshape([1]) : x;
  const values = fresh(shape, x.dtype);
  const indices = fresh(shape, "int64");
  let best = 0;
  let at = 0;
  const max = op === "cummax";
  scanRows(flat, x.ndim === 0 ? 0 : d, () => { best = NaN; at = -1; }, (v, j, p) => {
    if (at < 0 || v !== v || (best === best && (max ? v >= best : v <= best))) { best = v; at = j; }
    values.storage[p] = best;
    indices.storage[p] = at;
  });
  const vals = (x.ndim === 0 ? values.reshape([]) : values).detach();
  const idx = (x.ndim === 0 ? indices.reshape([]) : indices).detach();
  if (!isFloating(x.dtype)) return valuesIndices(vals, idx);
  const node = op === "cummax" ? "CummaxBackward0" : "CumminBackward0";
  const v = record(vals, node, [x], (g) => [x.ndim === 0 ? g : scatterAddRaw(g, indices, d, x.shape)], [indices]);
  return valuesIndices(v, idx);
}

/** torch.cummax: the running maximum along dim and the index each came from. */
export function cummax(x: Tensor, dim: number): ValuesIndices {
  return cumExtremum("cummax", x, dim);
}

/** torch.cummin: the running minimum along dim and the index each came from. */
export function cummin(x: Tensor, dim: number): ValuesIndices {
  return cumExtremum("cummin", x, dim);
}

/** log(exp(a) + exp(b)) as PyTorch's _log_add_exp_helper: NaN in b propagates, equal infinities stay. */
function logAddExp(a: number, b: number): number {
  const lo = b !== b ? b : Math.min(a, b);
  const hi = b !== b ? b : Math.max(a, b);
  if (lo !== hi || Number.isFinite(lo)) return Math.log1p(Math.exp(lo - hi)) + hi;
  return a;
}

/** torch.logcumsumexp: log of the running sum of exp along dim, computed without overflow. */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  Tensor.check(x, "input");
  checkArg("logcumsumexp()", dim, "int", 2, "dim");
  const d = normDim(dim, x.ndim);
  if (!isFloating(x.dtype)) throw new DTypeError(`"logcumsumexp_out_cpu" not implemented for '${TYPE_NAME[x.dtype]}'`);
  if (x.ndim === 0) return record(x.detach().clone(), "LogcumsumexpBackward0", [x], (g) => [g]);
  const out = fresh(x.shape, x.dtype);
  let acc = -Infinity;
  scanRows(x, d, () => { acc = -Infinity; }, (v, _j, p) => {
    acc = logAddExp(acc, v);
    out.storage[p] = acc;
  });
  const result = out.detach();
  // PyTorch's formula: the gradient's positive and negative parts each summed in log space (reversed).
  return record(result, "LogcumsumexpBackward0", [x], (g) => {
    const lowest = x.dtype === "float32" ? -3.4028234663852886e38 : -Number.MAX_VALUE;
    const rev = (t: Tensor) => flip(logcumsumexp(flip(t, [d]), d), [d]);
    const logAbs = log(abs(g));
    const pos = exp(add(rev(sub(where(gt(g, 0), logAbs, lowest), result)), x));
    const neg = exp(add(rev(sub(where(lt(g, 0), logAbs, lowest), result)), x));
    return [sub(pos, neg)];
  }, [x, result]);
}
