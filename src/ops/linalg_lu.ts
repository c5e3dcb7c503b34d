import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, LinAlgError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { zeros } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, mT, recordMulti, tensorOf } from "./linalg_common.ts";
import { solveTriangular } from "./linalg_triangular.ts";
import { cat } from "./join.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { tril, triu } from "./shape_ops.ts";
import { castRaw } from "./util.ts";
import { narrow } from "./views.ts";

/**
 * torch.linalg.lu_factor / lu_factor_ex / lu and torch.lu / lu_unpack: LU with partial pivoting as
 * LAPACK's getrf (the first largest |a_ij| of each column is the pivot), any m x n. The gradient is
 * PyTorch's linalg_lu_backward: for square A, gA = P L^-H (tril(L^H gL, -1) + triu(gU U^H)) U^-H; a
 * tall or wide A splits off the block that is a triangular solve away from the square factorisation.
 */

/** In-place getf2 on the m x n matrix at a[off..]: 1-based pivots into piv[poff..], and the info. */
function getrf(a: Float64Array, off: number, m: number, n: number, piv: Int32Array, poff: number): number {
  let info = 0;
  for (let j = 0; j < Math.min(m, n); j++) {
    let p = j;
    for (let i = j + 1; i < m; i++) if (Math.abs(a[off + i * n + j]!) > Math.abs(a[off + p * n + j]!)) p = i;
    piv[poff + j] = p + 1;
    const pivot = a[off + p * n + j]!;
    if (pivot !== 0) {
      if (p !== j) {
        for (let c = 0; c < n; c++) {
          const t = a[off + j * n + c]!;
          a[off + j * n + c] = a[off + p * n + c]!;
          a[off + p * n + c] = t;
        }
      }
      for (let i = j + 1; i < m; i++) a[off + i * n + j] = a[off + i * n + j]! / pivot;
    } else if (info === 0) {
      info = j + 1;
    }
    for (let i = j + 1; i < m; i++) {
      const l = a[off + i * n + j]!;
      if (l === 0) continue;
      for (let c = j + 1; c < n; c++) a[off + i * n + c] = a[off + i * n + c]! - l * a[off + j * n + c]!;
    }
  }
  return info;
}

/** PyTorch's checks, whose messages name torch.lu_factor and the kernel for every LU entry point. */
function checkLuInput(A: Tensor): void {
  Tensor.check(A, "A");
  if (A.ndim < 2) throw new ShapeError(`torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: [${A.shape.join(", ")}] instead`);
  if (!isFloating(A.dtype)) throw new DTypeError(`"lu_cpu" not implemented for '${scalarTypeName(A.dtype)}'`);
}

interface Factored { LU: Tensor; pivots: Tensor; info: Int32Array }

function factor(A: Tensor): Factored {
  const b = batchOf(A);
  const k = Math.min(b.m, b.n);
  const piv = new Int32Array(b.batch * k);
  const info = new Int32Array(b.batch);
  for (let i = 0; i < b.batch; i++) info[i] = getrf(b.data, i * b.m * b.n, b.m, b.n, piv, i * k);
  const batch = A.shape.slice(0, -2);
  return { LU: tensorOf(b.data, A.shape, A.dtype), pivots: castRaw(tensorOf(Float64Array.from(piv), [...batch, k], "float64"), "int32"), info };
}

/** The permutation matrices P (A = P L U) of 1-based LAPACK pivots, m x m. */
function permutation(pivots: Tensor, m: number, dtype: Tensor["dtype"]): Tensor {
  const k = pivots.shape[pivots.ndim - 1]!;
  const piv = pivots.toTypedArray();
  const count = pivots.shape.slice(0, -1).reduce((x, y) => x * y, 1);
  const out = new Float64Array(count * m * m);
  for (let bi = 0; bi < count; bi++) {
    const perm = Array.from({ length: m }, (_, i) => i);
    for (let j = 0; j < k; j++) {
      const p = Number(piv[bi * k + j]) - 1;
      [perm[j], perm[p]] = [perm[p]!, perm[j]!];
    }
    perm.forEach((src, i) => (out[bi * m * m + src * m + i] = 1));
  }
  return tensorOf(out, [...pivots.shape.slice(0, -1), m, m], dtype);
}

/** L (m x k, unit diagonal) and U (k x n) of a packed LU, as differentiable functions of it. */
function unpackLU(LU: Tensor): [Tensor, Tensor] {
  const [m, n] = LU.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const eyeMk = tensorOf(Float64Array.from({ length: m * k }, (_, i) => (Math.floor(i / k) === i % k ? 1 : 0)), [m, k], LU.dtype);
  const L = E.add(tril(narrow(LU, -1, 0, k), -1), eyeMk);
  return [L, triu(narrow(LU, -2, 0, k))];
}

/** PyTorch's linalg_lu_backward (gradients of L and U; P has none). */
function luGrad(gL: Tensor | null, gU: Tensor | null, P: Tensor, L: Tensor, U: Tensor): Tensor {
  const m = L.shape[L.ndim - 2]!;
  const n = U.shape[U.ndim - 1]!;
  const k = Math.min(m, n);
  const gLz = gL ?? E.mul(L, 0);
  const gUz = gU ?? E.mul(U, 0);
  /** P^T-free square case on L1 (k x k unit lower) and U1 (k x k upper). */
  const square = (gl: Tensor, gu: Tensor, L1: Tensor, U1: Tensor): Tensor => {
    const phi = E.add(tril(matmul(mT(L1), gl), -1), triu(matmul(gu, mT(U1))));
    const right = solveTriangular(mT(U1), phi, { upper: false, left: false });
    return solveTriangular(mT(L1), right, { upper: true, unitriangular: true });
  };
  let gA: Tensor;
  if (m === n) gA = square(gLz, gUz, L, U);
  else if (m > n) {
    // [A1; A2] = [L1; L2] U: L2 = A2 U^-1 sends gL2 to A2 and -L2^H gL2 U^-H to U.
    const L1 = narrow(L, -2, 0, k);
    const L2 = narrow(L, -2, k, m - k);
    const gL2 = narrow(gLz, -2, k, m - k);
    const gA2 = solveTriangular(mT(U), gL2, { upper: false, left: false });
    const gA1 = square(narrow(gLz, -2, 0, k), E.sub(gUz, matmul(mT(L2), gA2)), L1, U);
    gA = cat([gA1, gA2], -2);
  } else {
    // [A1 A2] = L [U1 U2]: U2 = L^-1 A2 sends L^-H gU2 to A2 and -L^-H gU2 U2^H to L.
    const U1 = narrow(U, -1, 0, k);
    const U2 = narrow(U, -1, k, n - k);
    const gA2 = solveTriangular(mT(L), narrow(gUz, -1, k, n - k), { upper: true, unitriangular: true });
    const gA1 = square(E.sub(gLz, matmul(gA2, mT(U2))), narrow(gUz, -1, 0, k), L, U1);
    gA = cat([gA1, gA2], -1);
  }
  return matmul(P, gA);
}

export interface LuFactorOptions {
  /** Only true is implemented on the CPU, as in PyTorch. */
  pivot?: boolean;
}

function checkPivot(pivot: boolean | undefined): void {
  if (pivot === false) throw new ArgumentError("linalg.lu_factor: LU without pivoting is not implemented on the CPU");
}

const zeroU = (where: string, info: Int32Array, batched: boolean): void => {
  for (let i = 0; i < info.length; i++) {
    const d = info[i]!;
    if (d > 0) {
      throw new LinAlgError(`${where}: ${batched ? `(Batch element ${i}): ` : ""}U[${d},${d}] is zero and using it on lu_solve would result in a division by zero. If you still want to perform the factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)`);
    }
  }
};

function recordFactor(f: Factored, A: Tensor): Tensor {
  const [m, n] = A.shape.slice(-2) as [number, number];
  return record(f.LU, "LinalgLuFactorExBackward0", [A], (g) => {
    // The factors as functions of the recorded LU, so a createGraph gradient differentiates through them.
    const [L, U] = unpackLU(f.LU);
    const k = Math.min(m, n);
    return [luGrad(tril(narrow(g, -1, 0, k), -1), triu(narrow(g, -2, 0, k)), permutation(f.pivots, m, A.dtype), L, U)];
  }, [f.LU]);
}

/** torch.linalg.luFactorEx(A, { pivot = true, checkErrors = false }): [LU, pivots (int32, 1-based), info]. */
export function luFactorEx(A: Tensor, opts: LuFactorOptions & { checkErrors?: boolean } = {}): [Tensor, Tensor, Tensor] {
  checkOptions("linalg.lu_factor_ex()", opts, { pivot: "boolean", checkErrors: "boolean" }, { index: 2 });
  checkLuInput(A);
  checkPivot(opts.pivot);
  const f = factor(A);
  if (opts.checkErrors === true) zeroU("torch.linalg.lu_factor_ex", f.info, A.ndim > 2);
  const info = castRaw(tensorOf(Float64Array.from(f.info), A.shape.slice(0, -2), "float64"), "int32");
  return [recordFactor(f, A), f.pivots, info];
}

/** torch.linalg.luFactor(A, { pivot = true }): [LU, pivots]; an exactly singular U is an error. */
export function luFactor(A: Tensor, opts: LuFactorOptions = {}): [Tensor, Tensor] {
  checkOptions("linalg.lu_factor()", opts, { pivot: "boolean" }, { index: 2, positional: "pivot" });
  checkLuInput(A);
  checkPivot(opts.pivot);
  const f = factor(A);
  zeroU("torch.linalg.lu_factor", f.info, A.ndim > 2);
  return [recordFactor(f, A), f.pivots];
}

/** torch.linalg.lu(A, { pivot = true }): [P, L, U] with A = P L U. */
export function lu(A: Tensor, opts: LuFactorOptions = {}): [Tensor, Tensor, Tensor] {
  checkOptions("linalg.lu()", opts, { pivot: "boolean" }, { index: 2, positional: "pivot" });
  checkLuInput(A);
  checkPivot(opts.pivot);
  const f = factor(A);
  const m = A.shape[A.ndim - 2]!;
  const P = permutation(f.pivots, m, A.dtype);
  const [L, U] = unpackLU(f.LU);
  return recordMulti([P, L, U], "LinalgLuBackward0", [A], ([, gL, gU]) => [luGrad(gL ?? null, gU ?? null, P, L, U)], [L, U]) as [Tensor, Tensor, Tensor];
}

/** torch.luUnpack(LU, pivots, unpackData = true, unpackPivots = true): [P, L, U] (empty where not unpacked). */
export function luUnpack(LU: Tensor, pivots: Tensor, unpackData = true, unpackPivots = true): [Tensor, Tensor, Tensor] {
  Tensor.check(LU, "LU_data");
  Tensor.check(pivots, "LU_pivots");
  checkArg("lu_unpack()", unpackData, "boolean", 3, "unpack_data");
  checkArg("lu_unpack()", unpackPivots, "boolean", 4, "unpack_pivots");
  if (LU.ndim < 2) throw new ShapeError(`torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: [${LU.shape.join(", ")}] instead`);
  const empty = zeros([0], { dtype: LU.dtype });
  const P = unpackPivots ? permutation(pivots, LU.shape[LU.ndim - 2]!, LU.dtype) : empty;
  const [L, U] = unpackData ? unpackLU(LU) : [empty, empty];
  return [P, L, U];
}

export interface LuSolveOptions {
  left?: boolean;
  /** Solve A^H X = B. */
  adjoint?: boolean;
}

/** torch.linalg.luSolve(LU, pivots, B, { left = true, adjoint = false }): X with A X = B from A's LU factors. */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, opts: LuSolveOptions = {}): Tensor {
  checkOptions("linalg.lu_solve()", opts, { left: "boolean", adjoint: "boolean" }, { index: 4 });
  Tensor.check(LU, "LU");
  Tensor.check(B, "B");
  if (LU.ndim < 2) throw new ShapeError("linalg.lu_solve: The input tensor LU must have at least 2 dimensions.");
  const [r, c] = LU.shape.slice(-2) as [number, number];
  if (r !== c) throw new ShapeError(`torch.linalg.lu_solve: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (B.ndim < 2) throw new ShapeError("linalg.lu_solve: The input tensor B must have at least 2 dimensions.");
  const left = opts.left ?? true;
  const [br, bc] = B.shape.slice(-2) as [number, number];
  if ((left ? br : bc) !== r) {
    throw new ShapeError(`linalg.lu_solve: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${r}x${c} and ${br}x${bc})`);
  }
  const [P, L, U] = luUnpack(LU, pivots);
  const adjoint = opts.adjoint ?? false;
  if (!left) return mT(luSolve(LU, pivots, mT(B), { adjoint: !adjoint }));
  if (!adjoint) {
    // A = P L U: X = U^-1 L^-1 P^T B.
    const y = solveTriangular(L, matmul(mT(P), B), { upper: false, unitriangular: true });
    return solveTriangular(U, y, { upper: true });
  }
  // A^H = U^H L^H P^T: X = P L^-H U^-H B.
  const y = solveTriangular(mT(U), B, { upper: false });
  return matmul(P, solveTriangular(mT(L), y, { upper: true, unitriangular: true }));
}

/** torch.lu(A, pivot = true, getInfos = false): [LU, pivots] or [LU, pivots, infos]. */
export function luLegacy(A: Tensor, pivot = true, getInfos = false): Tensor[] {
  checkArg("lu()", pivot, "boolean", 2, "pivot");
  checkArg("lu()", getInfos, "boolean", 3, "get_infos");
  const [LU, pivots, info] = luFactorEx(A, { pivot, checkErrors: !getInfos });
  return getInfos ? [LU, pivots, info] : [LU, pivots];
}

/** torch.luSolve(b, LU, pivots): linalg.luSolve with the older argument order. */
export function luSolveLegacy(b: Tensor, LU: Tensor, pivots: Tensor): Tensor {
  return luSolve(LU, pivots, b);
}
