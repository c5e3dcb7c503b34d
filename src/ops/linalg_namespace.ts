import { ArgumentError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type MatrixOrd, type VectorNormOptions, matrixNorm, vectorNorm } from "./linalg.ts";

/** torch.linalg: the norms kindling has, in camelCase. */
export { vectorNorm, matrixNorm };
export { linalgCross as cross } from "./shape_extra_combine.ts";
export { det, slogdet, inv, solve, type SolveOptions } from "./linalg_solve.ts";
export { cholesky, choleskyEx, type CholeskyOptions, type CholeskyExOptions } from "./linalg_cholesky.ts";
export { qr, type QrMode, type QrOptions } from "./linalg_qr.ts";
export { eigh, eigvalsh, type EighOptions, type Uplo } from "./linalg_eigh.ts";
export { svd, svdvals, type SvdOptions } from "./linalg_svd.ts";
export { pinv, matrixRank, matrixPower, multiDot, linalgVander as vander, type RankTolerance } from "./linalg_misc.ts";
export { lstsq, cond, type LstsqOptions, type LstsqResult, type LstsqDriver } from "./linalg_lstsq.ts";
export { matrixExp } from "./linalg_matrix_exp.ts";
export { solveTriangular, type SolveTriangularOptions } from "./linalg_triangular.ts";
export { luFactor, luFactorEx, lu, luSolve, type LuFactorOptions, type LuSolveOptions } from "./linalg_lu.ts";
export { householderProduct } from "./linalg_householder.ts";
export { ldlFactor, ldlFactorEx, ldlSolve, type LdlOptions } from "./linalg_ldl.ts";
export { invEx, solveEx, tensorinv, tensorsolve, vecdot, linalgMatmul as matmul, linalgDiagonal as diagonal, LinAlgError, type ExOptions, type SolveExOptions } from "./linalg_extras.ts";

/** torch.linalg.norm: a vector norm over one dim (or a flattened 1-d input), a matrix norm over two. */
export function norm(A: Tensor, ord: MatrixOrd | null = null, dim: number | readonly number[] | null = null, keepdim = false, opts: VectorNormOptions = {}): Tensor {
  Tensor.check(A, "input");
  const dims = typeof dim === "number" ? [dim] : dim;
  if (dims !== null && dims.length === 2) return matrixNorm(A, ord ?? "fro", dims, keepdim, opts);
  if (dims === null && ord !== null && A.ndim === 2) return matrixNorm(A, ord, [-2, -1], keepdim, opts);
  if (typeof ord === "string") {
    if (dims === null && A.ndim !== 2) throw new ArgumentError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.ndim}D.`);
    throw new ArgumentError(`linalg.vector_norm: ord must be a number, got ${ord}`);
  }
  if (dims === null && ord !== null && A.ndim !== 1) {
    throw new ArgumentError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${A.ndim}D.`);
  }
  return vectorNorm(A, ord ?? 2, dims, keepdim, opts);
}
