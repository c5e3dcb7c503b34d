import { backend } from "../backend/registry.ts";
import { ArgumentError, DTypeError, LinAlgError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { broadcastShapes, numelOf, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, failAt, tensorOf } from "./linalg_common.ts";
import { inv, solve } from "./linalg_solve.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { diagonal as diagonalOf } from "./shape_extra_diag.ts";
import { movedim } from "./shape_extra.ts";
import { castRaw } from "./util.ts";
import { expand, reshape, squeeze, unsqueeze } from "./views.ts";

/**
 * The rest of torch.linalg's real-valued surface: inv_ex / solve_ex (info instead of an error),
 * tensorinv / tensorsolve (reshaped inv and solve), vecdot, and the matmul / diagonal aliases.
 */

export interface ExOptions {
  /** Raise on a singular matrix, as inv / solve do. */
  checkErrors?: boolean;
}

/** LAPACK-style info per matrix (1-based index of the first zero pivot, 0 when A is invertible) and the raw X = A^-1 B. */
function eliminateRaw(A: Tensor, B: Tensor | null): { x: Float64Array; info: Int32Array } {
  const a = batchOf(A);
  const x = B === null ? new Float64Array(0) : batchOf(B).data;
  const k = B === null ? 0 : B.shape[B.ndim - 1]!;
  const info = new Float64Array(a.batch);
  backend().gaussSolve(a.data, x, a.batch, a.n, k, new Float64Array(a.batch), info);
  return { x, info: Int32Array.from(info) };
}

const infoTensor = (info: Int32Array, shape: readonly number[]): Tensor => castRaw(tensorOf(Float64Array.from(info), shape, "float64"), "int32");

/** torch.linalg.invEx(A, { checkErrors = false }): [inverse, info]; a singular matrix's inverse holds inf/NaN and no gradient. */
export function invEx(A: Tensor, opts: ExOptions = {}): [Tensor, Tensor] {
  checkOptions("linalg.inv_ex()", opts, { checkErrors: "boolean" }, { index: 2 });
  checkMatrices("linalg.inv", A, true);
  const n = A.shape[A.ndim - 1]!;
  const batch = A.shape.slice(0, -2);
  const { info } = eliminateRaw(A, null);
  if (opts.checkErrors === true) {
    failAt("linalg.inv_ex", info, A.ndim > 2, (row) => `The diagonal element ${row} is zero, the inversion could not be completed because the input matrix is singular.`);
  }
  if (info.every((v) => v === 0)) return [inv(A), infoTensor(info, batch)];
  const I = expand(tensorOf(Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)), [n, n], A.dtype), A.shape);
  return [tensorOf(eliminateRaw(A, I).x, A.shape, A.dtype), infoTensor(info, batch)];
}

export interface SolveExOptions extends ExOptions {
  left?: boolean;
}

/** torch.linalg.solveEx(A, B, { left = true, checkErrors = false }): [result, info]. */
export function solveEx(A: Tensor, B: Tensor, opts: SolveExOptions = {}): [Tensor, Tensor] {
  checkOptions("linalg.solve_ex()", opts, { left: "boolean", checkErrors: "boolean" }, { index: 3 });
  checkMatrices("linalg.solve_ex", A, true);
  const { info } = eliminateRaw(A, null);
  const batch = A.shape.slice(0, -2);
  if (opts.checkErrors === true) failAt("torch.linalg.solve_ex", info, false, () => "The solver failed because the input matrix is singular.");
  if (info.every((v) => v === 0)) return [solve(A, B, { left: opts.left ?? true }), infoTensor(info, batch)];
  // A singular system: the raw elimination's inf/NaN, as LAPACK leaves them (shape checks first, by solve's rules).
  Tensor.check(B, "B");
  const n = A.shape[A.ndim - 1]!;
  const left = opts.left ?? true;
  const Bl = left ? B : B.transpose(-2, -1);
  const Al = left ? A : A.transpose(-2, -1);
  const vector = Bl.ndim === 1 || (Bl.ndim === A.ndim - 1 && sameShape(Bl.shape, A.shape.slice(0, -1)));
  const Bm = vector ? unsqueeze(Bl, -1) : Bl;
  if (Bm.shape[Bm.ndim - 2] !== n) throw new ShapeError(`linalg.solve_ex: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${Bm.shape[Bm.ndim - 2]}x${Bm.shape[Bm.ndim - 1]})`);
  const bb = broadcastShapes(A.shape.slice(0, -2), Bm.shape.slice(0, -2));
  const Be = expand(Bm, [...bb, n, Bm.shape[Bm.ndim - 1]!]);
  const X = tensorOf(eliminateRaw(expand(Al, [...bb, n, n]), Be).x, Be.shape, A.dtype);
  const out = vector ? squeeze(X, -1) : X;
  return [left ? out : out.transpose(-2, -1), infoTensor(info, batch)];
}

/** torch.linalg.tensorinv(A, ind = 2): the inverse of A read as a prod(shape[:ind]) x prod(shape[ind:]) matrix, shaped shape[ind:] + shape[:ind]. */
export function tensorinv(A: Tensor, ind = 2): Tensor {
  Tensor.check(A, "input");
  checkArg("linalg.tensorinv()", ind, "int", 2, "ind");
  if (ind <= 0) throw new ArgumentError(`Expected a strictly positive integer for 'ind', but got ${ind}`);
  const outer = A.shape.slice(0, ind);
  const inner = A.shape.slice(ind);
  const [p, q] = [numelOf(outer), numelOf(inner)];
  if (p !== q) throw new ShapeError(`Expected self to satisfy the requirement prod(self.shape[ind:]) == prod(self.shape[:ind]), but got ${q} != ${p}`);
  return reshape(inv(reshape(A, [p, q])), [...inner, ...outer]);
}

/** torch.linalg.tensorsolve(A, B, dims = null): X with tensordot(A, X, X.ndim) = B. */
export function tensorsolve(A: Tensor, B: Tensor, dims: readonly number[] | null = null): Tensor {
  Tensor.check(A, "input");
  Tensor.check(B, "other");
  const Am = dims === null ? A : movedim(A, [...dims], dims.map((_, i) => A.ndim - dims.length + i));
  const rest = Am.shape.slice(B.ndim);
  const r = numelOf(rest);
  const o = B.numel();
  if (r !== o) throw new ShapeError(`Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == prod(self.shape[:other.ndim]), but got ${r} != ${o}`);
  return reshape(solve(reshape(Am, [r, r]), reshape(B, [o])), rest);
}

/** torch.linalg.vecdot(x, y, { dim = -1 }): sum(x * y, dim) with the inputs broadcast. */
export function vecdot(x: Tensor, y: Tensor, opts: { dim?: number } = {}): Tensor {
  Tensor.check(x, "x");
  Tensor.check(y, "y");
  checkOptions("linalg.vecdot()", opts, { dim: "int" }, { index: 3, positional: "dim" });
  if (!x.dtype.startsWith("float")) throw new DTypeError(`linalg.vecdot: Expected a floating point or complex tensor as input. Got ${scalarTypeName(x.dtype)}`);
  if (x.dtype !== y.dtype) {
    throw new DTypeError(`linalg.vecdot: Expected x and y to have the same dtype, but found x of type ${scalarTypeName(x.dtype)} and y of type ${scalarTypeName(y.dtype)} instead`);
  }
  return sum(E.mul(x, y), opts.dim ?? -1);
}

/** torch.linalg.matmul: torch.matmul. */
export const linalgMatmul = (a: Tensor, b: Tensor): Tensor => matmul(a, b);

/** torch.linalg.diagonal(A, { offset = 0, dim1 = -2, dim2 = -1 }): torch.diagonal with the matrix dims last by default. */
export function linalgDiagonal(A: Tensor, opts: { offset?: number; dim1?: number; dim2?: number } = {}): Tensor {
  checkOptions("linalg.diagonal()", opts, { offset: "int", dim1: "int", dim2: "int" }, { index: 2 });
  return diagonalOf(A, opts.offset ?? 0, opts.dim1 ?? -2, opts.dim2 ?? -1);
}

export { LinAlgError };
