import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { log } from "../log.ts";
import { checkArg, checkOptions } from "../options.ts";
import { full } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape, normDim, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { maskedFill, where } from "./indexing.ts";
import { type AddmmOptions, dot, outer, vectorNorm } from "./linalg.ts";
import { matmul, mm } from "./matmul.ts";
import { applyInPlace } from "./inplace.ts";
import { resultType, scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { clone, expand, permute, reshape, unsqueeze } from "./views.ts";

/**
 * Matrix-vector helpers of PyTorch 1.13 (mv, addmv, addr, addbmm, inner, vdot, ger, tensordot,
 * chain_matmul) and distances (dist, cdist, renorm), composed of matmul, mm, elementwise ops and
 * vector norms, so each takes its gradient from those.
 */

/** beta * input + alpha * product, input broadcast to the product; beta = 0 ignores input (NaN too). */
function scaled(where: string, input: Tensor, product: Tensor, opts: AddmmOptions): Tensor {
  checkOptions(where, opts, { beta: "number", alpha: "number" }, { index: 4, positional: "beta" });
  // integer operands take beta and alpha as integers (PyTorch casts them to the dtype: alpha = 0.5 adds nothing)
  const int = !isFloating(input.dtype) && !isFloating(product.dtype);
  const beta = int ? Math.trunc(opts.beta ?? 1) : opts.beta ?? 1;
  const alpha = int ? Math.trunc(opts.alpha ?? 1) : opts.alpha ?? 1;
  const p = alpha === 1 ? product : E.mul(product, alpha);
  const big = expand(input, p.shape);
  const out = beta === 0 ? E.add(maskedFill(big, full(big.shape, true, { dtype: "bool" }), 0), p) : E.add(beta === 1 ? big : E.mul(big, beta), p);
  // the tensors' dtype: integral beta/alpha never widen it (a bool addr with beta = 2 stays bool)
  const d = resultType(input, product);
  return out.dtype === d ? out : out.to(d);
}

/** PyTorch's addmv checks; mv passes its result's place as self (1-d, of mat's rows). */
function mvChecks(selfDim: number, selfSize: number, mat: Tensor, vec: Tensor): void {
  if (mat.ndim !== 2 || vec.ndim !== 1 || selfDim > 1) {
    throw new ShapeError(`vector + matrix @ vector expected, got ${selfDim}, ${mat.ndim}, ${vec.ndim}`);
  }
  if (mat.shape[1] !== vec.shape[0] || (selfSize !== mat.shape[0] && selfSize !== 1)) {
    throw new ShapeError(`size mismatch, got ${selfSize}, ${mat.shape[0]}x${mat.shape[1]},${vec.shape[0]}`);
  }
}

/** torch.mv: a matrix times a vector. */
export function mv(mat: Tensor, vec: Tensor): Tensor {
  Tensor.check(mat, "input");
  Tensor.check(vec, "vec");
  mvChecks(1, mat.ndim === 2 ? mat.shape[0]! : 0, mat, vec);
  return matmul(mat, vec);
}

/** torch.addmv: beta * input + alpha * (mat @ vec). */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(mat, "mat");
  Tensor.check(vec, "vec");
  mvChecks(input.ndim, input.numel(), mat, vec);
  return scaled("addmv()", input, matmul(mat, vec), opts);
}

/** torch.addr: beta * input + alpha * outer(vec1, vec2). */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(vec1, "vec1");
  Tensor.check(vec2, "vec2");
  if (vec1.ndim !== 1) throw new ShapeError(`addr: Expected 1-D argument vec1, but got ${vec1.ndim}-D`);
  if (vec2.ndim !== 1) throw new ShapeError(`addr: Expected 1-D argument vec2, but got ${vec2.ndim}-D`);
  // an integral (bool included) result takes no fractional beta/alpha
  if (!isFloating(resultType(input, vec1, vec2))) {
    for (const k of ["beta", "alpha"] as const) {
      const v = opts[k];
      if (v !== undefined && !Number.isInteger(v)) throw new ArgumentError(`For integral input tensors, argument ${k} must not be a floating point number.`);
    }
  }
  return scaled("addr()", input, outer(vec1, vec2), opts);
}

/** torch.addbmm: beta * input + alpha * the sum over the batch of batch1[i] @ batch2[i]. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(input, "input");
  Tensor.check(batch1, "batch1");
  Tensor.check(batch2, "batch2");
  // PyTorch reads batch1.size(2) and batch2.size(2) first: its error for fewer dims is that index's.
  normDim(2, batch1.ndim);
  normDim(2, batch2.ndim);
  if (batch1.ndim !== 3) throw new ShapeError("batch1 must be a 3D tensor");
  if (batch2.ndim !== 3) throw new ShapeError("batch2 must be a 3D tensor");
  if (batch1.shape[0] !== batch2.shape[0]) {
    throw new ShapeError(`batch1 and batch2 must have same number of batches, got ${batch1.shape[0]} and ${batch2.shape[0]}`);
  }
  return scaled("addbmm()", input, sum(matmul(batch1, batch2), 0), opts);
}

/** torch.inner: sums over the last dims of both (a product when either is 0-d). */
export function inner(a: Tensor, b: Tensor): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  if (a.ndim === 0 || b.ndim === 0) return E.mul(a, b);
  const k = a.shape[a.ndim - 1]!;
  if (b.shape[b.ndim - 1] !== k) {
    throw new ShapeError(`inner() the last dimension must match on both input tensors but got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  return tensordot(a, b, [[-1], [-1]]);
}

/** torch.vdot: dot (kindling has no complex numbers to conjugate). */
export function vdot(a: Tensor, b: Tensor): Tensor {
  return dot(a, b);
}

/** torch.ger: the old name of outer. */
export function ger(a: Tensor, b: Tensor): Tensor {
  return outer(a, b);
}

export type TensordotDims = number | readonly [readonly number[], readonly number[]];

/** torch.tensordot: sums over dims of a paired with dims of b; an int n pairs a's last n with b's first n. */
export function tensordot(a: Tensor, b: Tensor, dims: TensordotDims = 2): Tensor {
  Tensor.check(a, "a");
  Tensor.check(b, "b");
  let da: number[];
  let db: number[];
  if (typeof dims === "number") {
    checkArg("tensordot()", dims, "int", 3, "dims");
    if (dims < 0) throw new ArgumentError(`tensordot expects dims >= 0, but got dims=${dims}`);
    da = Array.from({ length: dims }, (_, i) => i - dims);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    if (!Array.isArray(dims) || dims.length !== 2) throw new ArgumentError("tensordot(): argument 3 (dims) must be an int or a pair of dim lists");
    const [x, y] = dims as readonly [unknown, unknown];
    // PyTorch takes a pair of dim lists only, not a pair of ints.
    for (const [v, name] of [[x, "dims_self"], [y, "dims_other"]] as const) {
      if (!Array.isArray(v)) throw new ArgumentError(`tensordot(): argument '${name}' (position 3) must be tuple of ints, not ${typeof v === "number" ? "int" : typeof v}`);
    }
    da = [...(x as number[])];
    db = [...(y as number[])];
  }
  if (da.length !== db.length) throw new ShapeError("both dimension lists should have same length");
  const na = da.map((d) => normDim(d, a.ndim));
  const nb = db.map((d) => normDim(d, b.ndim));
  na.forEach((d, i) => {
    if (a.shape[d] !== b.shape[nb[i]!]) {
      throw new ShapeError(
        `contracted dimensions need to match, but first has size ${a.shape[d]} in dim ${da[i]} and second has size ${b.shape[nb[i]!]} in dim ${db[i]}`,
      );
    }
  });
  const freeA = a.shape.map((_, i) => i).filter((i) => !na.includes(i));
  const freeB = b.shape.map((_, i) => i).filter((i) => !nb.includes(i));
  const k = numelOf(na.map((d) => a.shape[d]!));
  const m = reshape(permute(a, [...freeA, ...na]), [numelOf(freeA.map((d) => a.shape[d]!)), k]);
  const n = reshape(permute(b, [...nb, ...freeB]), [k, numelOf(freeB.map((d) => b.shape[d]!))]);
  return reshape(matmul(m, n), [...freeA.map((d) => a.shape[d]!), ...freeB.map((d) => b.shape[d]!)]);
}

let chainWarned = false;

/** torch.chain_matmul (deprecated in 1.13 for linalg.multi_dot): the product of the matrices in order. */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  if (!chainWarned) {
    chainWarned = true;
    log("warn", "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple parameters.");
  }
  if (matrices.length === 0) throw new ArgumentError("chain_matmul(): Expected one or more matrices");
  matrices.forEach((t, i) => {
    Tensor.check(t, `matrices[${i}]`);
    if (t.ndim !== 2) throw new ShapeError(`Tensor dimension is ${t.ndim}, expected 2 instead.`);
  });
  if (matrices.length === 1) return clone(matrices[0]!);
  return matrices.slice(1).reduce((acc, t) => mm(acc, t), matrices[0]!);
}

function floatOnly(x: Tensor, message: string): void {
  if (!isFloating(x.dtype)) throw new DTypeError(`${message}${scalarTypeName(x.dtype)}`);
}

/** torch.dist: the p-norm of a - b (broadcast). */
export function dist(a: Tensor, b: Tensor, p = 2): Tensor {
  Tensor.check(a, "input");
  Tensor.check(b, "other");
  checkArg("dist()", p, "number", 3, "p");
  const d = E.sub(a, b);
  if (!isFloating(d.dtype)) throw new DTypeError(`norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(d.dtype)} instead.`);
  return vectorNorm(d, p);
}

export interface CdistOptions { computeMode?: string }

/** torch.cdist: the p-norm distance between each row of x1 and each row of x2 (batch dims broadcast). */
export function cdist(x1: Tensor, x2: Tensor, p = 2, opts: CdistOptions = {}): Tensor {
  Tensor.check(x1, "x1");
  Tensor.check(x2, "x2");
  checkArg("cdist()", p, "number", 3, "p");
  checkOptions("cdist()", opts, { computeMode: "string" }, { index: 4, positional: "compute_mode" });
  if (x1.ndim < 2) throw new ShapeError(`cdist only supports at least 2D tensors, X1 got: ${x1.ndim}D`);
  if (x2.ndim < 2) throw new ShapeError(`cdist only supports at least 2D tensors, X2 got: ${x2.ndim}D`);
  const c1 = x1.shape[x1.ndim - 1]!;
  const c2 = x2.shape[x2.ndim - 1]!;
  if (c1 !== c2) throw new ShapeError(`X1 and X2 must have the same number of columns. X1: ${c1} X2: ${c2}`);
  floatOnly(x1, "cdist only supports floating-point dtypes, X1 got: ");
  floatOnly(x2, "cdist only supports floating-point dtypes, X2 got: ");
  if (p < 0) throw new ArgumentError("cdist only supports non-negative p values");
  return vectorNorm(E.sub(unsqueeze(x1, -2), unsqueeze(x2, -3)), p, -1);
}

/** torch.renorm: each slice along dim whose p-norm exceeds maxnorm scaled down to maxnorm. */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  Tensor.check(x, "input");
  checkArg("renorm()", p, "number", 2, "p");
  checkArg("renorm()", dim, "int", 3, "dim");
  checkArg("renorm()", maxnorm, "number", 4, "maxnorm");
  if (p <= 0) throw new ArgumentError("renorm: non-positive-norm not supported");
  if (maxnorm < 0) throw new ArgumentError(`renorm: expected maxnorm to be >= 0 but got ${maxnorm}`);
  if (x.ndim < 2) throw new ShapeError(`renorm: input needs at least 2 dimensions, got ${x.ndim} dimensions`);
  const d = normDim(dim, x.ndim);
  const norms = vectorNorm(x, p, x.shape.map((_, i) => i).filter((i) => i !== d), true);
  // PyTorch's factor: maxnorm / (norm + 1e-7) where the norm is over maxnorm, else 1.
  const factor = where(E.gt(norms, maxnorm), E.div(maxnorm, E.add(norms, 1e-7)), 1);
  return E.mul(x, factor);
}

/** The in-place forms. addmv_, addr_ and addbmm_ never read self's old values in backward; renorm_ does. */
export function addmv_(x: Tensor, mat: Tensor, vec: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => addmv(s, mat, vec, opts), { self: "alias" });
}

export function addr_(x: Tensor, vec1: Tensor, vec2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => addr(s, vec1, vec2, opts), { self: "alias" });
}

export function addbmm_(x: Tensor, batch1: Tensor, batch2: Tensor, opts: AddmmOptions = {}): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => addbmm(s, batch1, batch2, opts), { self: "alias" });
}

export function renorm_(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, (s) => renorm(s, p, dim, maxnorm), { self: "copy" });
}
