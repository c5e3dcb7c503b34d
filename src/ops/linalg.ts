import { record } from "../autograd/record.ts";
import { isGradEnabled, withoutGrad } from "../autograd/grad_mode.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions, keywordArgs } from "../options.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { maskedFill } from "./indexing.ts";
import { bmm, mm } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { amax, amin, resolveDims, sum } from "./reduce.ts";
import { spectralNorm } from "./svd_norms.ts";
import { castRaw } from "./util.ts";
import { expandAs, reshape, to, unsqueeze } from "./views.ts";
import { full } from "../tensor/creation.ts";

/** Products (outer, dot, addmm, baddbmm) and norms, composed of elementwise ops, mm/bmm and reductions. */

/** torch.outer: a[i] * b[j]. */
export function outer(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "vec2");
  if (a.ndim !== 1) throw new ShapeError(`outer: Expected 1-D argument self, but got ${a.ndim}-D`);
  if (b.ndim !== 1) throw new ShapeError(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D`);
  return E.mul(unsqueeze(a, 1), unsqueeze(b, 0));
}

/** torch.dot: the inner product of two 1-d tensors of one dtype. */
export function dot(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(a.dtype)} and ${scalarTypeName(b.dtype)}`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  if (a.dtype === "bool") throw new DTypeError(`"dot" not implemented for 'Bool'`);
  return sum(E.mul(a, b), null, false, { dtype: a.dtype });
}

/** mm/bmm, which are floating-point only; integer matrices take a broadcast product and a sum. */
function product(a: Tensor, b: Tensor, f: (a: Tensor, b: Tensor) => Tensor): Tensor {
  const rank = f === bmm ? 3 : 2;
  const fits = a.ndim === rank && b.ndim === rank && a.shape[rank - 1] === b.shape[rank - 2] && (rank === 2 || a.shape[0] === b.shape[0]);
  // Anything else goes to f for its dtype and shape errors.
  if (isFloating(a.dtype) || a.dtype !== b.dtype || !fits) return f(a, b);
  // sum widens int32 to int64; the product keeps its operands' dtype
  const p = sum(E.mul(unsqueeze(a, -1), unsqueeze(b, -3)), -2);
  return p.dtype === a.dtype ? p : p.to(a.dtype);
}

export interface AddmmOptions {
  beta?: number;
  alpha?: number;
}

/** beta * input + alpha * product; beta = 0 ignores input's values (NaN included), as PyTorch. */
function scaledSum(input: Tensor, product: Tensor, opts: AddmmOptions, where: string): Tensor {
  checkOptions(where, opts, { beta: "number", alpha: "number" }, { index: 4 });
  // integer operands take beta and alpha as integers (PyTorch casts them to the dtype: alpha = 0.5 adds nothing)
  const int = !isFloating(input.dtype) && !isFloating(product.dtype);
  const beta = int ? Math.trunc(opts.beta ?? 1) : opts.beta ?? 1;
  const alpha = int ? Math.trunc(opts.alpha ?? 1) : opts.alpha ?? 1;
  const p = alpha === 1 ? product : E.mul(product, alpha);
  const big = expandAs(input, p);
  if (beta === 0) return E.add(maskedFill(big, full(big.shape, true, { dtype: "bool" }), 0), p);
  return E.add(beta === 1 ? big : E.mul(big, beta), p);
}

/** torch.addmm: beta * input + alpha * (mat1 @ mat2). */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(mat1, "mat1");
  Tensor.check(mat2, "mat2");
  if (mat1.ndim !== 2) throw new ShapeError("mat1 must be a matrix, got " + mat1.ndim + "-D tensor");
  if (mat2.ndim !== 2) throw new ShapeError("mat2 must be a matrix, got " + mat2.ndim + "-D tensor");
  // no promotion: PyTorch's addmm wants one dtype (checked self against mat2 first)
  if (input.dtype !== mat2.dtype) throw new DTypeError("self and mat2 must have the same dtype");
  if (mat1.dtype !== mat2.dtype) throw new DTypeError("mat1 and mat2 must have the same dtype");
  // an empty result runs no kernel, so PyTorch has nothing to refuse
  if (mat1.dtype === "bool" && mat2.dtype === "bool" && mat1.shape[0]! * mat2.shape[1]! > 0) throw new DTypeError(`"addmm_impl_cpu_" not implemented for 'Bool'`);
  return scaledSum(input, product(mat1, mat2, mm), opts, "addmm()");
}

/** torch.baddbmm: beta * input + alpha * (batch1 @ batch2), batched. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(batch1, "batch1");
  Tensor.check(batch2, "batch2");
  if (batch1.dtype !== batch2.dtype) throw new DTypeError(`expected scalar type ${scalarTypeName(batch1.dtype)} but found ${scalarTypeName(batch2.dtype)}`);
  if (batch1.dtype === "bool" && batch1.shape[0]! * batch1.shape[1]! * batch2.shape[2]! > 0) throw new DTypeError(`"baddbmm" not implemented for 'Bool'`);
  // the result takes the batches' dtype, self cast to it (PyTorch's baddbmm does not promote)
  const self = input.dtype === batch1.dtype ? input : input.to(batch1.dtype);
  return scaledSum(self, product(batch1, batch2, bmm), opts, "baddbmm()");
}

export interface VectorNormOptions {
  dtype?: DType | null;
}

type Ord = number;

/** An order as Python prints it (inf, -inf, 2, 0.5). */
function fmtOrd(ord: number): string {
  return Number.isFinite(ord) ? String(ord) : ord > 0 ? "inf" : "-inf";
}

function floatInput(x: Tensor, dtype: DType | null | undefined, where: string): Tensor {
  if (!isFloating(x.dtype)) {
    throw new DTypeError(`${where}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(x.dtype)}`);
  }
  if (dtype === undefined || dtype === null) return x;
  if (!isFloating(dtype)) throw new DTypeError(`${where}: dtype should be floating point or complex, but got ${scalarTypeName(dtype)}`);
  // The dtype option only widens (PyTorch computes in it; it never narrows the input).
  if (x.dtype === "float64" && dtype === "float32") {
    throw new DTypeError(`${where}: the dtype of the input (Double) should be convertible without narrowing to the specified dtype (Float)`);
  }
  return to(x, dtype);
}

/** The norm's value (no graph) along dims, kept. */
function normValue(x: Tensor, ord: Ord, dims: number[]): Tensor {
  const a = E.abs(x);
  if (ord === Infinity) return amax(a, dims, true);
  if (ord === -Infinity) return amin(a, dims, true);
  if (ord === 0) return sum(castRaw(E.ne(x, 0), x.dtype), dims, true);
  if (ord === 1) return sum(a, dims, true);
  if (ord === 2) return E.sqrt(sum(E.mul(x, x), dims, true));
  return E.pow(sum(E.pow(a, ord), dims, true), 1 / ord);
}

/** PyTorch's norm_backward: finite where the norm is 0 (and, for ord < 1, where x is 0). */
function normGrad(x: Tensor, norm: Tensor, g: Tensor, ord: Ord, dims: number[]): Tensor {
  if (ord === 1) return E.mul(E.sign(x), g);
  if (!Number.isFinite(ord)) {
    const a = E.abs(x);
    const hit = castRaw(E.logicalOr(E.eq(a, norm), E.ne(a, a)), x.dtype);
    return E.mul(E.sign(x), E.mul(E.div(g, sum(hit, dims, true)), hit));
  }
  const scale = maskedFill(E.div(g, ord === 2 ? norm : E.pow(norm, ord - 1)), E.eq(norm, 0), 0);
  if (ord === 2) return E.mul(x, scale);
  let xs = ord < 2 ? E.mul(E.sign(x), E.pow(E.abs(x), ord - 1)) : E.mul(x, E.pow(E.abs(x), ord - 2));
  if (ord < 1) xs = maskedFill(xs, E.eq(x, 0), 0);
  return E.mul(xs, scale);
}

/** torch.linalg.vectorNorm(x, ord = 2, dim = null, keepdim = false, { dtype }). */
/** vectorNorm's parameters as keywords: `vectorNorm(x, 1, { dim: 1, keepdim: true })`. */
export interface VectorNormKeywords extends VectorNormOptions {
  ord?: Ord;
  dim?: number | readonly number[] | null;
  keepdim?: boolean;
}

/** torch.linalg.vectorNorm(x, ord = 2, dim = null, keepdim = false, { dtype }); any trailing argument may be the keywords object. */
export function vectorNorm(
  x: Tensor,
  ordArg?: Ord | VectorNormKeywords,
  dimArg?: number | readonly number[] | null | VectorNormKeywords,
  keepdimArg?: boolean | VectorNormKeywords,
  optsArg?: VectorNormKeywords,
): Tensor {
  Tensor.check(x, "input");
  const a = keywordArgs("linalg.vector_norm()", [ordArg, dimArg, keepdimArg, optsArg], ["ord", "dim", "keepdim"], { ord: "number", dim: "any", keepdim: "boolean", dtype: "string?" });
  const ord = (a.ord ?? 2) as Ord;
  const dim = (a.dim ?? null) as number | readonly number[] | null;
  const keepdim = (a.keepdim ?? false) as boolean;
  const opts: VectorNormOptions = a.dtype === undefined ? {} : { dtype: a.dtype as DType | null };
  const xf = floatInput(x, opts.dtype, "linalg.vector_norm");
  const dims = resolveDims(xf, dim);
  if (xf.numel() === 0 && ord < 0) {
    throw new ArgumentError(`linalg.vector_norm cannot compute the ${fmtOrd(ord)} norm on an empty tensor because the operation does not have an identity`);
  }
  const kept = withoutGrad(() => normValue(xf.detach(), ord, dims));
  const shape = keepdim ? kept.shape : kept.shape.filter((_, i) => !dims.includes(i));
  const out = reshape(kept, shape).detach();
  // The 0-"norm" counts non-zeros: PyTorch records it but its backward gives no gradient (None).
  if (ord === 0) return record(out, "LinalgVectorNormBackward0", [xf], () => [null], false);
  // createGraph reads the result itself (out, with its gradFn), so the formula is recorded through it.
  return record(out, "LinalgVectorNormBackward0", [xf], (g) =>
    [normGrad(xf, isGradEnabled() ? reshape(out, kept.shape) : kept, keepdim ? g : reshape(g, kept.shape), ord, dims)]);
}

export type MatrixOrd = "fro" | "nuc" | number;

/** torch.linalg.matrixNorm(A, ord = "fro", dim = [-2, -1], keepdim = false): fro, 1, -1, inf, -inf. */
/** matrixNorm's parameters as keywords: `matrixNorm(A, { ord: 1, dim: [0, 2] })`. */
export interface MatrixNormKeywords extends VectorNormOptions {
  ord?: MatrixOrd;
  dim?: readonly number[];
  keepdim?: boolean;
}

export function matrixNorm(
  A: Tensor,
  ordArg?: MatrixOrd | MatrixNormKeywords,
  dimArg?: readonly number[] | MatrixNormKeywords,
  keepdimArg?: boolean | MatrixNormKeywords,
  optsArg?: MatrixNormKeywords,
): Tensor {
  Tensor.check(A, "input");
  const a = keywordArgs("linalg.matrix_norm()", [ordArg, dimArg, keepdimArg, optsArg], ["ord", "dim", "keepdim"], { ord: "any", dim: "any", keepdim: "boolean", dtype: "string?" });
  const ord = (a.ord ?? "fro") as MatrixOrd;
  const dim = (a.dim ?? [-2, -1]) as readonly number[];
  const keepdim = (a.keepdim ?? false) as boolean;
  const opts: VectorNormOptions = a.dtype === undefined ? {} : { dtype: a.dtype as DType | null };
  if (A.ndim < 2) throw new ShapeError(`linalg.matrix_norm: The input tensor A must have at least 2 dimensions.`);
  if (!Array.isArray(dim) || dim.length !== 2) throw new ArgumentError("linalg.matrix_norm: dim must be a 2-tuple. Got " + String(dim));
  const d0 = normDim(dim[0]!, A.ndim);
  const d1 = normDim(dim[1]!, A.ndim);
  if (d0 === d1) throw new ArgumentError(`linalg.matrix_norm: dims must be different. Got (${dim[0]}, ${dim[1]})`);
  if (ord === "fro") return vectorNorm(A, 2, [d0, d1], keepdim, opts);
  if (ord === "nuc" || ord === 2 || ord === -2) return spectralNorm(floatInput(A, opts.dtype, "linalg.matrix_norm"), ord, d0, d1, keepdim);
  if (ord !== 1 && ord !== -1 && ord !== Infinity && ord !== -Infinity) {
    throw new ArgumentError(`linalg.matrix_norm: Order ${ord} not supported.`);
  }
  const Af = floatInput(A, opts.dtype, "linalg.matrix_norm");
  // 1-norms sum down the columns (over d0) then take the extreme over d1; inf-norms swap the roles.
  const [sumDim, extDim] = Math.abs(ord) === 1 ? [d0, d1] : [d1, d0];
  const sums = sum(E.abs(Af), sumDim, true);
  const ext = ord > 0 ? amax(sums, extDim, true) : amin(sums, extDim, true);
  if (keepdim) return ext;
  return reshape(ext, ext.shape.filter((_, i) => i !== d0 && i !== d1));
}

/** Tensor.norm / torch.norm(input, p = "fro", dim = null, keepdim = false, { dtype }). */
export function norm(x: Tensor, p: MatrixOrd | null = "fro", dim: number | readonly number[] | null = null, keepdim = false, opts: VectorNormOptions = {}): Tensor {
  Tensor.check(x, "input");
  if (p === "nuc") return matrixNorm(x, "nuc", (dim ?? [-2, -1]) as number[], keepdim, opts);
  if (p === "fro" || p === null) {
    if (dim !== null && Array.isArray(dim) && dim.length > 2) {
      throw new ArgumentError(`Expected at most 2 dimensions, but got ${dim.length} dimensions instead.`);
    }
    return vectorNorm(x, 2, dim, keepdim, opts);
  }
  if (typeof p !== "number") throw new ArgumentError(`norm(): invalid p ${String(p)}`);
  // torch.norm (unlike linalg.vector_norm) gives 0 for the inf norms of empty slices
  if (!Number.isFinite(p) && x.numel() === 0 && numelOf(resolveDims(x, dim).map((d) => x.shape[d]!)) === 0) {
    return E.mul(vectorNorm(x, 1, dim, keepdim, opts), 0);
  }
  return vectorNorm(x, p, dim, keepdim, opts);
}

