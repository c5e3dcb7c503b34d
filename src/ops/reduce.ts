import { checkArg, checkOptions } from "../options.ts";
import { backend } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { refuseTwice } from "../autograd/higher_order.ts";
import { DTypeError, IndexError } from "../errors.ts";
import { type DType, type Storage, isFloating } from "../tensor/dtype.ts";
import { normDim, normDims, numelOf, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, div, eq, exp, log, logicalAnd, mul, sqrt, square, sub } from "./elementwise.ts";
import { amax } from "./extremum.ts";
import { where } from "./indexing.ts";
import { expand, reshape } from "./views.ts";
import { castRaw, checkDifferentiableResult, defaultFloat, denseData, fresh } from "./util.ts";
import { othersProduct } from "./prod_grad.ts";

export { amax, amin, argmax, argmin, max, min, type ValuesIndices } from "./extremum.ts";

/** Reductions over dims. Forward runs one [outer, size, inner] kernel call per reduced dim. */

export type Dims = number | readonly number[];

/** What every reduction checks first: the input is a Tensor and keepdim a boolean. */
export function checkReduction(op: string, x: Tensor, keepdim: unknown): void {
  Tensor.check(x, "input");
  checkArg(`${op}()`, keepdim, "boolean", 3, "keepdim");
}

/**
 * The dims to reduce, normalised (null, undefined or [] mean all). A 0-d tensor takes dim 0 or -1, as
 * PyTorch's, and has nothing to reduce over.
 */
export function resolveDims(x: Tensor, dim: Dims | null | undefined): number[] {
  Tensor.check(x, "input");
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  if (typeof dim !== "number" && !Array.isArray(dim)) return normDims(dim, x.ndim);
  if (Array.isArray(dim) && dim.length === 0) return x.shape.map((_, i) => i);
  if (x.ndim === 0) {
    for (const d of typeof dim === "number" ? [dim] : dim) normDim(d, 0);
    return [];
  }
  return normDims(dim, x.ndim);
}

export function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

export function finalShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? keptShape(shape, dims) : shape.filter((_, i) => !dims.includes(i));
}

/** Reduces a contiguous copy one dim at a time, highest first, keeping size-1 dims. */
export function reduceRaw(op: "sum" | "max" | "min" | "prod", x: Tensor, dims: readonly number[], dtype: DType, name: string = op): Tensor {
  let data = denseData(castRaw(x, dtype));
  let shape = [...x.shape];
  for (const d of [...dims].sort((a, b) => b - a)) {
    const outer = numelOf(shape.slice(0, d));
    const size = shape[d]!;
    const inner = numelOf(shape.slice(d + 1));
    if (size === 0 && op !== "sum" && op !== "prod") {
      throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
    }
    const out = fresh([...shape.slice(0, d), 1, ...shape.slice(d + 1)], dtype);
    backend().reduce(op, data, out.storage, outer, size, inner);
    data = out.storage;
    shape = [...out.shape];
  }
  // no dim reduced (a 0-d input): a new tensor all the same, never x's own storage
  if (data === x.storage) data = data.slice();
  return Tensor.fromStorage(data, dtype, shape);
}

/** Column sums of a contiguous [rows, cols] array: the bias gradient of a linear layer. */
export function reduceRows(data: Storage, rows: number, cols: number, dtype: DType): Tensor {
  const out = fresh([cols], dtype);
  backend().reduce("sum", data, out.storage, 1, rows, cols);
  return out;
}

/** Sums g over the dims that broadcasting expanded, giving the shape of the original operand. */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  const r = dims.length ? sum(g, dims, true) : g;
  return reshape(r, shape);
}

/** Broadcasts a reduced value (a gradient, a result) back over the reduced dims. */
export function expandBack(g: Tensor, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : reshape(g, keptShape(x.shape, dims));
  return expand(kept, x.shape);
}

export interface DTypeOption {
  /** The dtype the input is cast to before reducing (PyTorch's `dtype=`). */
  dtype?: DType;
}

export function sum(x: Tensor, dim?: Dims | null, keepdim = false, opts: DTypeOption = {}): Tensor {
  checkReduction("sum", x, keepdim);
  const dims = resolveDims(x, dim);
  const dtype = opts.dtype ?? (isFloating(x.dtype) ? x.dtype : "int64");
  checkDifferentiableResult("sum()", dtype, [x]);
  const raw = reduceRaw("sum", x, dims, dtype);
  const out = reshape(raw, finalShape(x.shape, dims, keepdim)).detach();
  if (!isFloating(dtype)) return out;
  return record(out, dim === undefined || dim === null ? "SumBackward0" : "SumBackward1", [x], (g) => [castRaw(expandBack(g, x, dims, keepdim), x.dtype)], false);
}

export function mean(x: Tensor, dim?: Dims | null, keepdim = false, opts: DTypeOption = {}): Tensor {
  checkReduction("mean", x, keepdim);
  const dtype = opts.dtype ?? x.dtype;
  if (!isFloating(dtype)) {
    throw new DTypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  }
  const dims = resolveDims(x, dim);
  const count = numelOf(dims.map((d) => x.shape[d]!));
  // One node, as PyTorch's MeanBackward0/1; its gradient is the sum-then-divide composition's, g / count spread back.
  const out = div(sum(x.detach(), dims, keepdim, { dtype }), count);
  const name = dim === undefined || dim === null ? "MeanBackward0" : "MeanBackward1";
  return record(out, name, [x], (g) => [castRaw(expandBack(div(g, count), x, dims, keepdim), x.dtype)], false);
}

/** log(sum(exp(x))) computed around the max, so it stays finite for large inputs. */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  checkReduction("logsumexp", x, keepdim);
  const dims = resolveDims(x, dim);
  const xf = isFloating(x.dtype) ? x : castRaw(x, defaultFloat());
  // An empty slice sums to 0, so its log is -inf (amax would refuse it); the shift is 0 there too.
  const empty = dims.some((d) => (x.ndim === 0 ? 1 : x.shape[d]!) === 0);
  const xd = xf.detach();
  const m = empty ? fresh(finalShape(x.shape, dims, true), xf.dtype) : amax(xd, dims, true);
  // An all -inf (or +inf) slice would give inf - inf = NaN; shift by 0 there instead.
  const finite = Tensor.fromStorage(denseData(m).map((v) => (Number.isFinite(v) ? v : 0)), m.dtype, m.shape);
  const s = add(log(sum(exp(sub(xd, finite)), dims, true)), finite);
  const out = (keepdim ? s : reshape(s, finalShape(x.shape, dims, false))).detach();
  // PyTorch's LogsumexpBackward: g * exp(x - result), with x and the result saved (so an in-place
  // change of either is caught at backward)
  return record(out, "LogsumexpBackward0", [x], (g) => [
    // createGraph reads x itself (out is the result, with its gradFn), so the formula is recorded.
    mul(expandBack(g, x, dims, keepdim), exp(sub(isGradEnabled() ? xf : xd, expandBack(out, x, dims, keepdim)))),
  ], [x, out]);
}

export interface VarOptions {
  unbiased?: boolean;
  /** Overrides unbiased: divide by N - correction. */
  correction?: number;
  keepdim?: boolean;
}

export function variance(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): Tensor {
  Tensor.check(x, "input");
  checkOptions("var()", opts, { unbiased: "boolean", correction: "number", keepdim: "boolean" }, { index: 3, positional: "unbiased" });
  if (!isFloating(x.dtype)) throw new DTypeError(`var(): input dtype must be floating point, got ${x.dtype}`);
  const dims = resolveDims(x, dim);
  const n = numelOf(dims.map((d) => x.shape[d]!));
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const keepdim = opts.keepdim ?? false;
  const xd = x.detach();
  // float32 in double, as PyTorch's CPU kernels: Welford in double (equal elements have exactly 0 spread, so
  // std's gradient there is 0), but over every element its std_var_all_cpu takes the mean in the input's
  // dtype and only the squares in double (a 1-ulp mean leaves a tiny spread)
  const xw = xd.dtype === "float32" ? xd.to("float64") : xd;
  const m = n === x.numel() && xw !== xd ? mean(xd, dims, true).to(xw.dtype) : mean(xw, dims, true);
  const wide = div(sum(square(sub(xw, m)), dims, keepdim), Math.max(n - correction, 0));
  const out = wide.dtype === xd.dtype ? wide : wide.to(xd.dtype);
  // PyTorch's var_backward, 2 / (N - correction) * g * (x - mean): no term through the mean (it sums to 0
  // in exact arithmetic), so an infinite element leaves the others' gradients infinite, not NaN.
  return record(out, "VarBackward0", [x], (g) => {
    // a 0-d input with exactly no degrees of freedom: PyTorch 1.13 gives g * inf (not inf * g * 0 = NaN);
    // fewer than none take the formula (2 / -1 * g * 0 = 0)
    if (x.ndim === 0 && n - correction === 0) return [mul(g, Infinity)];
    // createGraph: over x itself, so the gradient is recorded
    const xs = isGradEnabled() ? x : xd;
    return [mul(sub(xs, mean(xs, dims, true)), mul(expandBack(g, x, dims, keepdim), 2 / (n - correction)))];
  }, [x]);
}

/** sqrt(variance); its gradient is 0 where the spread is 0 (PyTorch's), not 0 * inf. */
export function std(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): Tensor {
  Tensor.check(x, "input");
  const v = variance(x, dim, opts);
  const out = sqrt(v.detach());
  return record(out, "StdBackward0", [v], (g) => [where(eq(out, 0), 0, div(g, mul(out, 2)))], [out]);
}

/**
 * Product over one dim or all. Its gradient is prod / x where the slice has no zero; with one zero,
 * the product of the others at the zero and 0 elsewhere; with two or more, 0 (PyTorch's prod_backward).
 */
export function prod(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkReduction("prod", x, keepdim);
  const dims = resolveDims(x, dim);
  const dtype = isFloating(x.dtype) ? x.dtype : "int64";
  const out = reshape(reduceRaw("prod", x, dims, dtype), finalShape(x.shape, dims, keepdim)).detach();
  if (!isFloating(dtype)) return out;
  return record(out, dim === undefined ? "ProdBackward0" : "ProdBackward1", [x], (g) => {
    // PyTorch's rule: result / x when x has no zero at all; else the product of the other elements
    // (but all zeros for a whole-tensor product with several zeros).
    const xd = x.detach();
    let zeros = 0;
    for (const v of denseData(xd)) if (v === 0) zeros++;
    const whole = dim === undefined;
    // createGraph: result / x over x and the result themselves, so it is recorded; the zeros branch is not.
    if (zeros === 0) return [mul(div(expandBack(out, x, dims, keepdim), isGradEnabled() ? x : xd), expandBack(g, x, dims, keepdim))];
    // several zeros in a whole-tensor product: PyTorch's zeros_like(input), whatever g is (NaN included)
    if (whole && zeros > 1) return [fresh(x.shape, x.dtype)];
    const local = othersProduct(xd, whole || x.ndim === 0 ? null : dims[0]!);
    return [refuseTwice("ProdBackward0", mul(local, expandBack(g, x, dims, keepdim)), [x, g])];
  }, [x, out]);
}
