import { choleskyInverse, choleskyLegacy, choleskySolve } from "./linalg_cholesky.ts";
import { type CovOptions, corrcoef, cov } from "./cov.ts";
import { logdet, matrixPower, pinverse } from "./linalg_misc.ts";
import { matrixExp } from "./linalg_matrix_exp.ts";
import { qrLegacy } from "./linalg_qr.ts";
import { type TorchSvdOptions, svdLegacy } from "./linalg_svd.ts";
import { type TriangularSolveOptions, triangularSolve } from "./linalg_triangular.ts";
import { luLegacy, luSolveLegacy } from "./linalg_lu.ts";
import { symeig } from "./linalg_eigh.ts";
import { type OrmqrOptions, geqrf, householderProduct, ormqr } from "./linalg_householder.ts";
import { defineMethods, method } from "./define_methods.ts";

/**
 * The torch.* and Tensor forms of the decompositions and the functions built on them (the
 * torch.linalg forms are in linalg_namespace.ts): the older torch.cholesky, torch.qr and torch.svd
 * keep their PyTorch signatures (upper, some, compute_uv; svd returns V, not Vh).
 */

export { choleskyLegacy as cholesky, choleskySolve, choleskyInverse } from "./linalg_cholesky.ts";
export { qrLegacy as qr } from "./linalg_qr.ts";
export { svdLegacy as svd, type TorchSvdOptions } from "./linalg_svd.ts";
export { pinverse, matrixPower, logdet } from "./linalg_misc.ts";
export { matrixExp } from "./linalg_matrix_exp.ts";
export { triangularSolve, type TriangularSolveOptions } from "./linalg_triangular.ts";
export { cov, corrcoef, type CovOptions } from "./cov.ts";
export { luLegacy as lu, luUnpack, luSolveLegacy as luSolve } from "./linalg_lu.ts";
export { symeig } from "./linalg_eigh.ts";
export { geqrf, householderProduct as orgqr, ormqr, type OrmqrOptions } from "./linalg_householder.ts";

declare module "../tensor/tensor.ts" {
  interface Tensor {
    cholesky(upper?: boolean): Tensor;
    choleskySolve(input2: Tensor, upper?: boolean): Tensor;
    choleskyInverse(upper?: boolean): Tensor;
    qr(some?: boolean): [Tensor, Tensor];
    svd(some?: boolean | TorchSvdOptions, computeUv?: boolean): [Tensor, Tensor, Tensor];
    pinverse(rcond?: number): Tensor;
    matrixPower(n: number): Tensor;
    matrixExp(): Tensor;
    logdet(): Tensor;
    triangularSolve(A: Tensor, upper?: boolean | TriangularSolveOptions, transpose?: boolean, unitriangular?: boolean): [Tensor, Tensor];
    cov(opts?: CovOptions): Tensor;
    corrcoef(): Tensor;
    lu(pivot?: boolean, getInfos?: boolean): Tensor[];
    luSolve(LU: Tensor, pivots: Tensor): Tensor;
    geqrf(): [Tensor, Tensor];
    symeig(eigenvectors?: boolean, upper?: boolean): [Tensor, Tensor];
    orgqr(tau: Tensor): Tensor;
    ormqr(tau: Tensor, other: Tensor, left?: boolean | OrmqrOptions, transpose?: boolean): Tensor;
  }
}

defineMethods({
  cholesky: method(choleskyLegacy),
  choleskySolve: method(choleskySolve),
  choleskyInverse: method(choleskyInverse),
  qr: method(qrLegacy),
  svd: method(svdLegacy),
  pinverse: method(pinverse),
  matrixPower: method(matrixPower),
  matrixExp: method(matrixExp),
  logdet: method(logdet),
  triangularSolve: method(triangularSolve),
  cov: method(cov),
  corrcoef: method(corrcoef),
  lu: method(luLegacy),
  luSolve: method(luSolveLegacy),
  geqrf: method(geqrf),
  symeig: method(symeig),
  orgqr: method(householderProduct),
  ormqr: method(ormqr),
});
