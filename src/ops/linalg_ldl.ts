import { record } from "../autograd/record.ts";
import { AutogradError, DTypeError, LinAlgError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { batchOf, checkMatrices, recordMulti, tensorOf } from "./linalg_common.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw } from "./util.ts";
import { expand } from "./views.ts";

/**
 * torch.linalg.ldl_factor / ldl_factor_ex / ldl_solve: A = P L D L^T P^T with Bunch-Kaufman pivoting
 * (D has 1x1 and 2x2 blocks), LAPACK's sytf2 and sytrs for the lower triangle, so LD and the pivots
 * (k > 0: a 1x1 block after swapping rows k; -k on both rows of a 2x2 block) match PyTorch's. Neither
 * has a derivative in PyTorch 1.13; their backward says so.
 */

const ALPHA = (1 + Math.sqrt(17)) / 8;

/** sytf2 ('L') on the n x n matrix at a[off..] (row-major, lower triangle read): 1-based pivots, and info. */
function sytf2(a: Float64Array, off: number, n: number, piv: Int32Array, poff: number): number {
  const at = (i: number, j: number): number => a[off + i * n + j]!;
  const put = (i: number, j: number, v: number): void => void (a[off + i * n + j] = v);
  const swap = (i1: number, j1: number, i2: number, j2: number): void => {
    const t = at(i1, j1);
    put(i1, j1, at(i2, j2));
    put(i2, j2, t);
  };
  let info = 0;
  let k = 0;
  while (k < n) {
    let kstep = 1;
    let kp = k;
    const absakk = Math.abs(at(k, k));
    let imax = k;
    let colmax = 0;
    for (let i = k + 1; i < n; i++) {
      if (Math.abs(at(i, k)) > colmax) [imax, colmax] = [i, Math.abs(at(i, k))];
    }
    if (Math.max(absakk, colmax) === 0 || Number.isNaN(absakk)) {
      if (info === 0) info = k + 1;
    } else {
      if (absakk < ALPHA * colmax) {
        let rowmax = 0;
        for (let j = k; j < imax; j++) rowmax = Math.max(rowmax, Math.abs(at(imax, j)));
        for (let j = imax + 1; j < n; j++) rowmax = Math.max(rowmax, Math.abs(at(j, imax)));
        if (absakk >= ALPHA * colmax * (colmax / rowmax)) kp = k;
        else if (Math.abs(at(imax, imax)) >= ALPHA * rowmax) kp = imax;
        else [kp, kstep] = [imax, 2];
      }
      const kk = k + kstep - 1;
      if (kp !== kk) {
        // Swap rows and columns kk and kp of the trailing lower triangle.
        for (let i = kp + 1; i < n; i++) swap(i, kk, i, kp);
        for (let j = kk + 1; j < kp; j++) swap(j, kk, kp, j);
        swap(kk, kk, kp, kp);
        if (kstep === 2) swap(k + 1, k, kp, k);
      }
      if (kstep === 1) {
        const d11 = 1 / at(k, k);
        for (let j = k + 1; j < n; j++) {
          const xj = at(j, k);
          for (let i = j; i < n; i++) put(i, j, at(i, j) - d11 * at(i, k) * xj);
        }
        for (let i = k + 1; i < n; i++) put(i, k, at(i, k) * d11);
      } else if (k < n - 2) {
        let d21 = at(k + 1, k);
        const d11 = at(k + 1, k + 1) / d21;
        const d22 = at(k, k) / d21;
        const t = 1 / (d11 * d22 - 1);
        d21 = t / d21;
        for (let j = k + 2; j < n; j++) {
          const wk = d21 * (d11 * at(j, k) - at(j, k + 1));
          const wkp1 = d21 * (d22 * at(j, k + 1) - at(j, k));
          for (let i = j; i < n; i++) put(i, j, at(i, j) - at(i, k) * wk - at(i, k + 1) * wkp1);
          put(j, k, wk);
          put(j, k + 1, wkp1);
        }
      }
    }
    if (kstep === 1) piv[poff + k] = kp + 1;
    else piv[poff + k] = piv[poff + k + 1] = -(kp + 1);
    k += kstep;
  }
  // Only the lower triangle is the factor; PyTorch returns zeros above it.
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) put(i, j, 0);
  return info;
}

/** sytrs ('L'): solves with the factor LD (n x n at ld[loff..]) for the n x k right-hand sides b[boff..], in place. */
function sytrs(ld: Float64Array, loff: number, n: number, piv: ArrayLike<number>, poff: number, b: Float64Array, boff: number, k: number): void {
  const A = (i: number, j: number): number => ld[loff + i * n + j]!;
  const swapRows = (r1: number, r2: number): void => {
    for (let c = 0; c < k; c++) {
      const t = b[boff + r1 * k + c]!;
      b[boff + r1 * k + c] = b[boff + r2 * k + c]!;
      b[boff + r2 * k + c] = t;
    }
  };
  /** B[i] -= coef * B[src] for the rows i of `rows`. */
  const axpyRows = (from: number, col: number, src: number): void => {
    for (let i = from; i < n; i++) for (let c = 0; c < k; c++) b[boff + i * k + c] = b[boff + i * k + c]! - A(i, col) * b[boff + src * k + c]!;
  };
  /** B[dst] -= A[from.., col]^T B[from..]. */
  const dotRows = (from: number, col: number, dst: number): void => {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = from; i < n; i++) s += A(i, col) * b[boff + i * k + c]!;
      b[boff + dst * k + c] = b[boff + dst * k + c]! - s;
    }
  };
  let i = 0;
  while (i < n) {
    const p = piv[poff + i]!;
    if (p > 0) {
      if (p - 1 !== i) swapRows(i, p - 1);
      axpyRows(i + 1, i, i);
      for (let c = 0; c < k; c++) b[boff + i * k + c] = b[boff + i * k + c]! / A(i, i);
      i += 1;
    } else {
      if (-p - 1 !== i + 1) swapRows(i + 1, -p - 1);
      axpyRows(i + 2, i, i);
      axpyRows(i + 2, i + 1, i + 1);
      const akm1k = A(i + 1, i);
      const akm1 = A(i, i) / akm1k;
      const ak = A(i + 1, i + 1) / akm1k;
      const denom = akm1 * ak - 1;
      for (let c = 0; c < k; c++) {
        const bkm1 = b[boff + i * k + c]! / akm1k;
        const bk = b[boff + (i + 1) * k + c]! / akm1k;
        b[boff + i * k + c] = (ak * bkm1 - bk) / denom;
        b[boff + (i + 1) * k + c] = (akm1 * bk - bkm1) / denom;
      }
      i += 2;
    }
  }
  i = n - 1;
  while (i >= 0) {
    const p = piv[poff + i]!;
    if (p > 0) {
      dotRows(i + 1, i, i);
      if (p - 1 !== i) swapRows(i, p - 1);
      i -= 1;
    } else {
      dotRows(i + 1, i, i);
      dotRows(i + 1, i - 1, i - 1);
      if (-p - 1 !== i) swapRows(i, -p - 1);
      i -= 2;
    }
  }
}

export interface LdlOptions {
  /** Complex matrices only differ; a real symmetric A gives the same factor either way. */
  hermitian?: boolean;
}

const noDerivative = (op: string) => (): never => {
  throw new AutogradError(`derivative for aten::${op} is not implemented`);
};

/** torch.linalg.ldlFactorEx(A, { hermitian, checkErrors }): [LD, pivots, info] (int32). */
export function ldlFactorEx(A: Tensor, opts: LdlOptions & { checkErrors?: boolean } = {}): [Tensor, Tensor, Tensor] {
  checkOptions("linalg.ldl_factor_ex()", opts, { hermitian: "boolean", checkErrors: "boolean" }, { index: 2 });
  checkMatrices("torch.linalg.ldl_factor_ex", A, true);
  const b = batchOf(A);
  const n = b.n;
  const piv = new Int32Array(b.batch * n);
  const info = new Int32Array(b.batch);
  for (let i = 0; i < b.batch; i++) info[i] = sytf2(b.data, i * n * n, n, piv, i * n);
  if (opts.checkErrors === true) {
    const bad = info.findIndex((v) => v > 0);
    if (bad >= 0) throw new LinAlgError(`torch.linalg.ldl_factor_ex: ${A.ndim > 2 ? `(Batch element ${bad}): ` : ""}The factorization could not be completed because D[${info[bad]},${info[bad]}] is zero.`);
  }
  const batch = A.shape.slice(0, -2);
  const LD = tensorOf(b.data, A.shape, A.dtype);
  const pivots = castRaw(tensorOf(Float64Array.from(piv), [...batch, n], "float64"), "int32");
  const infoT = castRaw(tensorOf(Float64Array.from(info), batch, "float64"), "int32");
  recordMulti([LD], "LinalgLdlFactorExBackward0", [A], noDerivative("linalg_ldl_factor_ex"), []);
  return [LD, pivots, infoT];
}

/** torch.linalg.ldlFactor(A, { hermitian }): [LD, pivots]; a zero block of D is an error. */
export function ldlFactor(A: Tensor, opts: LdlOptions = {}): [Tensor, Tensor] {
  checkOptions("linalg.ldl_factor()", opts, { hermitian: "boolean" }, { index: 2 });
  const [LD, pivots] = ldlFactorEx(A, { ...opts, checkErrors: true });
  return [LD, pivots];
}

/** torch.linalg.ldlSolve(LD, pivots, B, { hermitian }): X with A X = B from ldl_factor's result. */
export function ldlSolve(LD: Tensor, pivots: Tensor, B: Tensor, opts: LdlOptions = {}): Tensor {
  checkOptions("linalg.ldl_solve()", opts, { hermitian: "boolean" }, { index: 4 });
  checkMatrices("torch.linalg.ldl_solve", LD, true, "LD");
  Tensor.check(pivots, "pivots");
  Tensor.check(B, "B");
  if (B.ndim < 2) throw new ShapeError(`torch.linalg.ldl_solve: The input tensor B must have at least 2 dimensions.`);
  if (B.dtype !== LD.dtype) {
    throw new DTypeError(`Expected b and A to have the same dtype, but found b of type ${scalarTypeName(B.dtype)} and A of type ${scalarTypeName(LD.dtype)} instead.`);
  }
  const n = LD.shape[LD.ndim - 1]!;
  const [br, bc] = B.shape.slice(-2) as [number, number];
  if (br !== n) throw new ShapeError(`Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is ${n} by ${n} but each b matrix is ${br} by ${bc}`);
  const batch = broadcastShapes(LD.shape.slice(0, -2), B.shape.slice(0, -2));
  const ld = batchOf(expand(LD, [...batch, n, n]));
  const piv = castRaw(expand(pivots, [...batch, n]), "float64").toTypedArray();
  const x = batchOf(expand(B, [...batch, br, bc]));
  for (let i = 0; i < ld.batch; i++) sytrs(ld.data, i * n * n, n, piv, i * n, x.data, i * n * bc, bc);
  const X = tensorOf(x.data, [...batch, br, bc], LD.dtype);
  return record(X, "LinalgLdlSolveBackward0", [LD, B], noDerivative("linalg_ldl_solve"), false);
}
