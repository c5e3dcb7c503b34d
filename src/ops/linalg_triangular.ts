import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { isFloating } from "../tensor/dtype.ts";
import { scalarTypeName } from "./promotion.ts";
import { checkOptions } from "../options.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, mT, tensorOf } from "./linalg_common.ts";
import { triSolve } from "./linalg_kernels.ts";
import { matmul } from "./matmul.ts";
import { tril, triu } from "./shape_ops.ts";
import { castRaw } from "./util.ts";
import { clone, expand } from "./views.ts";

/**
 * torch.linalg.solve_triangular and the older torch.triangular_solve: substitution against one
 * triangle of A (the other is never read), batch dims broadcast. A zero on the diagonal gives inf/NaN,
 * as LAPACK's trtrs does (no error). The gradient is PyTorch's: gB = A^-H g, gA = -gB X^H (left)
 * kept to A's triangle (strictly, when unitriangular).
 */

export interface SolveTriangularOptions {
  /** Which triangle of A holds the matrix (required, as in PyTorch). */
  upper: boolean;
  /** false solves X A = B. */
  left?: boolean;
  /** The diagonal is taken as ones (A's is not read). */
  unitriangular?: boolean;
}

/** X = op(A)^-1 B, left or right, on float64 copies (A and B already broadcast to one batch). */
function substitute(A: Tensor, B: Tensor, upper: boolean, left: boolean, unit: boolean): Tensor {
  const a = batchOf(A);
  // Right-sided: X A = B is A^T X^T = B^T, solved on B^T.
  const b = batchOf(left ? B : mT(B));
  const k = b.n;
  for (let i = 0; i < a.batch; i++) triSolve(a.data, i * a.m * a.m, a.m, b.data, i * a.m * k, k, upper, !left, unit);
  const X = tensorOf(b.data, left ? B.shape : mT(B).shape, A.dtype);
  return left ? X : mT(X);
}

/** torch.linalg.solveTriangular(A, B, { upper, left = true, unitriangular = false }). */
export function solveTriangular(A: Tensor, B: Tensor, opts: SolveTriangularOptions): Tensor {
  const where = "linalg.solve_triangular";
  if (opts === undefined || typeof opts !== "object") throw new ArgumentError(`${where}() missing 1 required keyword argument: "upper"`);
  checkOptions(`${where}()`, opts, { upper: "boolean", left: "boolean", unitriangular: "boolean" }, { index: 3 });
  if (opts.upper === undefined) throw new ArgumentError(`${where}() missing 1 required keyword argument: "upper"`);
  Tensor.check(A, "A");
  Tensor.check(B, "B");
  // PyTorch's kernel dispatch refuses other dtypes before any shape check.
  if (!isFloating(A.dtype)) throw new DTypeError(`"triangular_solve_cpu" not implemented for '${scalarTypeName(A.dtype)}'`);
  checkMatrices(where, A, true);
  if (B.ndim < 2) throw new ShapeError(`${where}: The input tensor B must have at least 2 dimensions.`);
  const left = opts.left ?? true;
  const unit = opts.unitriangular ?? false;
  const n = A.shape[A.ndim - 1]!;
  const [r, c] = B.shape.slice(-2) as [number, number];
  if ((left ? r : c) !== n) {
    throw new ShapeError(`${where}: Incompatible shapes of A and B for the equation ${left ? "AX = B" : "XA = B"} (${n}x${n} and ${r}x${c})`);
  }
  const Bc = B.dtype === A.dtype ? B : castRaw(B, A.dtype);
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const Ae = expand(A, [...batch, n, n]);
  const Be = expand(Bc, [...batch, r, c]);
  const X = substitute(Ae, Be, opts.upper, left, unit);
  return record(X, "LinalgSolveTriangularBackward0", [Ae, Be], (g, needs) => {
    const gB = solveTriangular(mT(Ae), g, { upper: !opts.upper, left, unitriangular: unit });
    if (!needs[0]) return [null, gB];
    const full = E.neg(left ? matmul(gB, mT(X)) : matmul(mT(X), gB));
    const diag = unit ? 1 : 0;
    return [opts.upper ? triu(full, diag) : tril(full, -diag), gB];
  }, [Ae, X]);
}

export interface TriangularSolveOptions {
  upper?: boolean;
  transpose?: boolean;
  unitriangular?: boolean;
}

/** torch.triangularSolve(b, A, upper = true, transpose = false, unitriangular = false): [solution, a copy of A]. */
export function triangularSolve(b: Tensor, A: Tensor, upperOrOpts: boolean | TriangularSolveOptions = {}, transpose?: boolean, unitriangular?: boolean): [Tensor, Tensor] {
  const o = typeof upperOrOpts === "boolean" ? { upper: upperOrOpts, transpose, unitriangular } : upperOrOpts;
  checkOptions("triangular_solve()", o, { upper: "boolean?", transpose: "boolean?", unitriangular: "boolean?" }, { index: 3 });
  Tensor.check(b, "b");
  Tensor.check(A, "A");
  if (b.ndim < 2) throw new ShapeError(`torch.triangular_solve: Expected b to have at least 2 dimensions, but it has ${b.ndim} dimensions instead`);
  if (A.ndim < 2) throw new ShapeError(`torch.triangular_solve: Expected A to have at least 2 dimensions, but it has ${A.ndim} dimensions instead`);
  const [ar, ac] = A.shape.slice(-2) as [number, number];
  if (ar !== ac) throw new ShapeError(`A must be batches of square matrices, but they are ${ar} by ${ac} matrices`);
  const [br, bc] = b.shape.slice(-2) as [number, number];
  if (br !== ar) {
    throw new ShapeError(`Incompatible matrix sizes for triangular_solve: each A matrix is ${ar} by ${ac} but each b matrix is ${br} by ${bc}`);
  }
  const upper = o.upper ?? true;
  const trans = o.transpose ?? false;
  // op(A) = A^T is the other triangle of a transposed matrix.
  const X = solveTriangular(trans ? mT(A) : A, b, { upper: trans ? !upper : upper, unitriangular: o.unitriangular ?? false });
  return [X, clone(A)];
}
