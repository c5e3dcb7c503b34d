import { record } from "../autograd/record.ts";
import { DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, diagMat, diagOf, failAt, mT, tensorOf } from "./linalg_common.ts";
import { choleskyLower } from "./linalg_kernels.ts";
import { solveTriangular } from "./linalg_triangular.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { tril } from "./shape_ops.ts";
import { castRaw, int64Tensor } from "./util.ts";
import { broadcastTo } from "./shape_extra.ts";
import { broadcastShapes } from "../tensor/shape.ts";

/**
 * torch.linalg.cholesky / cholesky_ex, torch.cholesky, cholesky_solve and cholesky_inverse. The
 * factor comes from potf2-style loops on float64 copies; the gradient is PyTorch's (Murray 2016):
 * gA = sym(L^-H Φ(L^H gL) L^-1), Φ taking the lower triangle with its diagonal halved.
 */

export interface CholeskyOptions {
  /** Return U = L^H, computed from A's upper triangle. */
  upper?: boolean;
}

const notPd = (order: number): string =>
  `The factorization could not be completed because the input is not positive-definite (the leading minor of order ${order} is not positive-definite).`;

/** L (or U) and the per-matrix info of potrf (0, or the failing minor's order). */
function factor(A: Tensor, upper: boolean): { L: Tensor; info: Int32Array } {
  // The upper factor of A is the transposed lower factor of A^T (A's upper triangle read as lower).
  const b = batchOf(upper ? mT(A) : A);
  const n = b.n;
  const info = new Int32Array(b.batch);
  for (let i = 0; i < b.batch; i++) info[i] = choleskyLower(b.data, i * n * n, n);
  const L = tril(tensorOf(b.data, A.shape, A.dtype));
  return { L: upper ? mT(L) : L, info };
}

/** PyTorch's cholesky_backward for the lower factor L. */
function choleskyGrad(gL: Tensor, L: Tensor): Tensor {
  const phi = tril(matmul(mT(L), gL));
  const halved = E.sub(phi, E.mul(diagMat(diagOf(phi)), 0.5));
  // L^-H Φ L^-1 by two triangular solves.
  const left = solveTriangular(mT(L), halved, { upper: true });
  const gA = solveTriangular(L, left, { upper: false, left: false });
  return E.mul(E.add(gA, mT(gA)), 0.5);
}

function recordCholesky(L: Tensor, A: Tensor, upper: boolean): Tensor {
  return record(L, "LinalgCholeskyExBackward0", [A], (g) => {
    const Lo = upper ? mT(L) : L;
    return [choleskyGrad(upper ? mT(g) : g, Lo)];
  }, [L]);
}

function choleskyImpl(where: string, A: Tensor, upper: boolean): Tensor {
  const { L, info } = factor(A, upper);
  failAt(where, info, A.ndim > 2, notPd);
  return recordCholesky(L, A, upper);
}

/** torch.linalg.cholesky(A, { upper = false }): L with A = L L^H (or U with A = U^H U). */
export function cholesky(A: Tensor, opts: CholeskyOptions = {}): Tensor {
  checkOptions("linalg.cholesky()", opts, { upper: "boolean" }, { index: 2 });
  checkMatrices("linalg.cholesky", A, true);
  return choleskyImpl("linalg.cholesky", A, opts.upper ?? false);
}

export interface CholeskyExOptions extends CholeskyOptions {
  /** Throw on a matrix that is not positive-definite instead of reporting it in info. */
  checkErrors?: boolean;
}

/** torch.linalg.choleskyEx: [L, info], info the int32 order of the failing minor (0 where A is positive-definite). */
export function choleskyEx(A: Tensor, opts: CholeskyExOptions = {}): [Tensor, Tensor] {
  checkOptions("linalg.cholesky_ex()", opts, { upper: "boolean", checkErrors: "boolean" }, { index: 2 });
  checkMatrices("linalg.cholesky_ex", A, true);
  const upper = opts.upper ?? false;
  const { L, info } = factor(A, upper);
  if (opts.checkErrors === true) failAt("linalg.cholesky_ex", info, A.ndim > 2, notPd);
  const infoT = castRaw(int64Tensor(Float64Array.from(info), A.shape.slice(0, -2)), "int32");
  return [recordCholesky(L, A, upper), infoT];
}

/** torch.cholesky(A, upper = false) (deprecated in PyTorch for linalg.cholesky; same result). */
export function choleskyLegacy(A: Tensor, upper = false): Tensor {
  Tensor.check(A, "input");
  checkArg("cholesky()", upper, "boolean", 2, "upper");
  if (!isFloating(A.dtype)) throw new DTypeError(`"cholesky_cpu" not implemented for '${scalarTypeName(A.dtype)}'`);
  checkMatrices("cholesky", A, true);
  return choleskyImpl("cholesky", A, upper);
}

/** torch.choleskySolve(B, L, upper = false): X with A X = B where A = L L^H, by two triangular solves. */
export function choleskySolve(B: Tensor, L: Tensor, upper = false): Tensor {
  Tensor.check(B, "input");
  Tensor.check(L, "input2");
  checkArg("cholesky_solve()", upper, "boolean", 3, "upper");
  if (B.ndim < 2) throw new ShapeError(`b should have at least 2 dimensions, but has ${B.ndim} dimensions instead`);
  if (L.ndim < 2) throw new ShapeError(`u should have at least 2 dimensions, but has ${L.ndim} dimensions instead`);
  if (B.dtype !== L.dtype) {
    throw new DTypeError(`Expected b and A to have the same dtype, but found b of type ${scalarTypeName(B.dtype)} and A of type ${scalarTypeName(L.dtype)} instead.`);
  }
  const [lr, lc] = L.shape.slice(-2) as [number, number];
  if (lr !== lc) throw new ShapeError(`A must be batches of square matrices, but they are ${lr} by ${lc} matrices`);
  const [br, bc] = B.shape.slice(-2) as [number, number];
  if (br !== lr) throw new ShapeError(`Incompatible matrix sizes for cholesky_solve: each A matrix is ${lr} by ${lc} but each b matrix is ${br} by ${bc}`);
  checkMatrices("cholesky_solve", L, true);
  const batch = broadcastShapes(B.shape.slice(0, -2), L.shape.slice(0, -2));
  const Le = broadcastTo(L, [...batch, lr, lr]);
  const Be = broadcastTo(B, [...batch, br, bc]);
  // A^-1 B = L^-H (L^-1 B), solved on detached copies: the gradient is PyTorch's own (below).
  const Lo = upper ? mT(Le.detach()) : Le.detach();
  const X = solveTriangular(mT(Lo), solveTriangular(Lo, Be.detach(), { upper: false }), { upper: true });
  return record(X, "CholeskySolveBackward0", [Be, Le], (g, needs) => {
    const gB = choleskySolve(g, Le, upper);
    if (!needs[1]) return [gB, null];
    // L is read as a full matrix with A = L L^H, as PyTorch's cholesky_solve_backward does.
    const common = matmul(gB, mT(X));
    const sym = E.add(common, mT(common));
    return [gB, E.neg(upper ? matmul(Le, sym) : matmul(sym, Le))];
  }, [Le, X]);
}

/** torch.choleskyInverse(L, upper = false): (L L^H)^-1 from the factor L. */
export function choleskyInverse(L: Tensor, upper = false): Tensor {
  Tensor.check(L, "input");
  checkArg("cholesky_inverse()", upper, "boolean", 2, "upper");
  checkMatrices("cholesky_inverse", L, true);
  const n = L.shape[L.ndim - 1]!;
  const eye = broadcastTo(tensorOf(Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)), [n, n], L.dtype), L.shape);
  return choleskySolve(eye, L, upper);
}
