import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, IndexError } from "../errors.ts";
import { type DType, type Storage, isFloating } from "../tensor/dtype.ts";
import { normDims, numelOf, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { div, mul, sub, sqrt, square, log, exp, add, eq } from "./elementwise.ts";
import { scatterAddRaw } from "./indexing.ts";
import { expand, reshape, squeeze } from "./views.ts";
import { castRaw, denseData, fresh } from "./util.ts";

/** Reductions over dims. Forward runs one [outer, size, inner] kernel call per reduced dim. */

export type Dims = number | readonly number[];

function resolveDims(x: Tensor, dim: Dims | null | undefined): number[] {
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  if (Array.isArray(dim) && dim.length === 0) return x.shape.map((_, i) => i);
  return normDims(dim, x.ndim);
}

function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

function finalShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? keptShape(shape, dims) : shape.filter((_, i) => !dims.includes(i));
}

/** Reduces a contiguous copy one dim at a time, highest first, keeping size-1 dims. */
function reduceRaw(op: "sum" | "max" | "min" | "prod", x: Tensor, dims: readonly number[], dtype: DType): Tensor {
  let data = denseData(castRaw(x, dtype));
  let shape = [...x.shape];
  for (const d of [...dims].sort((a, b) => b - a)) {
    const outer = numelOf(shape.slice(0, d));
    const size = shape[d]!;
    const inner = numelOf(shape.slice(d + 1));
    if (size === 0 && op !== "sum" && op !== "prod") {
      throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
    }
    const out = fresh([...shape.slice(0, d), 1, ...shape.slice(d + 1)], dtype);
    backend().reduce(op, data, out.storage, outer, size, inner);
    data = out.storage;
    shape = [...out.shape];
  }
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

/** Broadcasts a reduced gradient back over the reduced dims. */
function expandBack(g: Tensor, x: Tensor, dims: readonly number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : reshape(g, keptShape(x.shape, dims));
  return expand(kept, x.shape);
}

export function sum(x: Tensor, dim?: Dims | null, keepdim = false, opts: { dtype?: DType } = {}): Tensor {
  const dims = resolveDims(x, dim);
  const dtype = opts.dtype ?? (isFloating(x.dtype) ? x.dtype : "int64");
  const raw = reduceRaw("sum", x, dims, dtype);
  const out = reshape(raw, finalShape(x.shape, dims, keepdim));
  return record(out.detach(), "SumBackward", [x], (g) => [castRaw(expandBack(g, x, dims, keepdim), x.dtype)], false);
}

export function mean(x: Tensor, dim?: Dims | null, keepdim = false): Tensor {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(
      `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`,
    );
  }
  const dims = resolveDims(x, dim);
  const count = numelOf(dims.map((d) => x.shape[d]!));
  return div(sum(x, dims, keepdim), count);
}

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function extremum(op: "max" | "min", x: Tensor, dim: number | undefined, keepdim: boolean): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (x.numel() === 0) {
      throw new ArgumentError(`${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    }
    const all = x.shape.map((_, i) => i);
    const out = reshape(reduceRaw(op, x, all, x.dtype), []).detach();
    // Ties share the gradient evenly, as PyTorch does for a full max/min.
    return record(out, op === "max" ? "MaxBackward1" : "MinBackward1", [x], (g) => {
      const mask = castRaw(eq(x, out), x.dtype);
      return [mul(div(mask, sum(mask)), g)];
    });
  }
  const [d] = normDims(dim, x.ndim);
  const outer = numelOf(x.shape.slice(0, d));
  const size = x.shape[d!]!;
  const inner = numelOf(x.shape.slice(d! + 1));
  if (size === 0) throw new IndexError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
  const kept = keptShape(x.shape, [d!]);
  const values = fresh(kept, x.dtype);
  const indices = fresh(kept, "int64");
  backend().reduce(op, denseData(x), values.storage, outer, size, inner, indices.storage);
  const shaped = keepdim ? values : squeeze(values, d);
  const idx = keepdim ? indices : squeeze(indices, d);
  const v = record(shaped.detach(), op === "max" ? "MaxBackward0" : "MinBackward0", [x], (g) => {
    const gk = keepdim ? g : reshape(g, kept);
    return [scatterAddRaw(gk, indices, d!, x.shape)];
  });
  return { values: v, indices: idx.detach() };
}

export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extremum("max", x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return extremum("min", x, dim, keepdim);
}

function argExtremum(op: "max" | "min", x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim === undefined) {
    const flat = reshape(x.detach(), [-1]);
    const r = (extremum(op, flat, 0, false) as ValuesIndices).indices;
    return keepdim ? reshape(r, x.shape.map(() => 1)) : r;
  }
  return (extremum(op, x.detach(), dim, keepdim) as ValuesIndices).indices;
}

export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum("max", x, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum("min", x, dim, keepdim);
}

export function amax(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = resolveDims(x, dim);
  return reshape(reduceRaw("max", x.detach(), dims, x.dtype), finalShape(x.shape, dims, keepdim));
}

/** log(sum(exp(x))) computed around the max, so it stays finite for large inputs. */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = resolveDims(x, dim);
  const xf = isFloating(x.dtype) ? x : castRaw(x, "float32");
  const m = amax(xf, dims, true);
  // An all -inf (or +inf) slice would give inf - inf = NaN; shift by 0 there instead.
  const finite = Tensor.fromStorage(denseData(m).map((v) => (Number.isFinite(v) ? v : 0)), m.dtype, m.shape);
  const s = add(log(sum(exp(sub(xf, finite)), dims, true)), finite);
  return keepdim ? s : reshape(s, finalShape(x.shape, dims, false));
}

export interface VarOptions {
  unbiased?: boolean;
  /** Overrides unbiased: divide by N - correction. */
  correction?: number;
  keepdim?: boolean;
}

export function variance(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`var(): input dtype must be floating point, got ${x.dtype}`);
  const dims = resolveDims(x, dim);
  const n = numelOf(dims.map((d) => x.shape[d]!));
  const correction = opts.correction ?? (opts.unbiased === false ? 0 : 1);
  const centered = sub(x, mean(x, dims, true));
  return div(sum(square(centered), dims, opts.keepdim ?? false), Math.max(n - correction, 0));
}

export function std(x: Tensor, dim?: Dims | null, opts: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, opts));
}

export function prod(x: Tensor, dim?: number, keepdim = false): Tensor {
  const dims = resolveDims(x, dim);
  const dtype = isFloating(x.dtype) ? x.dtype : "int64";
  const out = reshape(reduceRaw("prod", x, dims, dtype), finalShape(x.shape, dims, keepdim)).detach();
  // d prod / dx_i = prod / x_i (inputs with zeros are rare in training; PyTorch special-cases them).
  return record(out, "ProdBackward", [x], (g) => [div(mul(expandBack(g, x, dims, keepdim), expandBack(out, x, dims, keepdim)), x)]);
}
