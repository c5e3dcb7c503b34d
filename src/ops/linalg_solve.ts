import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { backend } from "../backend/registry.ts";
import { DTypeError, LinAlgError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { broadcastShapes, numelOf, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { maskedFill } from "./indexing.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw, denseData, int64Tensor } from "./util.ts";
import { expand, squeeze, transpose, unsqueeze } from "./views.ts";

/**
 * torch.linalg.det / slogdet / inv / solve over batches of square matrices, by the backend's
 * gaussSolve kernel (partial pivoting, computed in float64). Each backward is PyTorch's formula written
 * with matmul: inv' = -X^T g X^T, solve' = (A^-T g, -A^-T g X^T), det' = g det A^-T.
 */

const mT = (t: Tensor): Tensor => transpose(t, -2, -1);

function checkSquare(where: string, A: Tensor, name = "A"): number {
  Tensor.check(A, name);
  if (A.ndim < 2) throw new ShapeError(`${where}: The input tensor ${name} must have at least 2 dimensions.`);
  const [r, c] = A.shape.slice(-2) as [number, number];
  if (r !== c) throw new ShapeError(`${where}: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (!isFloating(A.dtype)) throw new DTypeError(`${where}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
  return r;
}

/** Runs the kernel on float64 copies: x (n x k per matrix), det and info per matrix. */
function eliminate(A: Tensor, B: Tensor | null, n: number): { x: Float64Array; det: Float64Array; info: Float64Array } {
  const batch = n === 0 ? numelOf(A.shape.slice(0, -2)) : A.numel() / (n * n);
  const k = B === null ? 0 : B.shape[B.ndim - 1]!;
  const a = Float64Array.from(denseData(castRaw(A.detach(), "float64")));
  const x = B === null ? new Float64Array(0) : Float64Array.from(denseData(castRaw(B.detach(), "float64")));
  const det = new Float64Array(batch);
  const info = new Float64Array(batch);
  backend().gaussSolve(a, x, batch, n, k, det, info);
  return { x, det, info };
}

function failIfSingular(info: Float64Array, batched: boolean, message: (row: number) => string): void {
  const i = info.findIndex((v) => v > 0);
  if (i >= 0) throw new LinAlgError(message(info[i]!).replace(": ", `: ${batched ? `(Batch element ${i}): ` : ""}`));
}

/** A^-1 with no singularity check (inf/NaN where singular), for the gradients. */
function inverseRaw(A: Tensor, n: number): Tensor {
  const eye = E.eq(unsqueeze(int64Tensor(Float64Array.from({ length: n }, (_, i) => i), [n]), 1), int64Tensor(Float64Array.from({ length: n }, (_, i) => i), [n]));
  const { x } = eliminate(A, expand(castRaw(eye, "float64"), A.shape), n);
  return castRaw(Tensor.fromStorage(x, "float64", A.shape), A.dtype);
}

/** torch.linalg.inv: the inverse of each square matrix; a singular one is an error naming its zero pivot. */
export function inv(A: Tensor): Tensor {
  const n = checkSquare("linalg.inv", A);
  const out = inverseRaw(A, n);
  const { info } = eliminate(A, null, n);
  failIfSingular(info, A.ndim > 2, (row) => `linalg.inv: The diagonal element ${row} is zero, the inversion could not be completed because the input matrix is singular.`);
  return record(out, "LinalgInvExBackward0", [A], (g) => [E.neg(matmul(matmul(mT(out), g), mT(out)))], [out]);
}

/** det's gradient g det A^-T; zeros where det is 0 (as PyTorch gives for a singular matrix). */
function detGrad(g: Tensor, det: Tensor, A: Tensor, n: number): Tensor {
  const scale = unsqueeze(unsqueeze(E.mul(g, det), -1), -1);
  const singular = E.eq(det, 0);
  // createGraph: A^-1 as the recorded inv(A) (when it exists), so the gradient is differentiable again.
  const recorded = isGradEnabled() && !singular.any().item();
  return maskedFill(E.mul(scale, mT(recorded ? inv(A) : inverseRaw(A.detach(), n))), unsqueeze(unsqueeze(singular, -1), -1), 0);
}

/** torch.linalg.det: the determinant of each square matrix. */
export function det(A: Tensor): Tensor {
  const n = checkSquare("linalg.det", A);
  const d = eliminate(A, null, n).det;
  const out = castRaw(Tensor.fromStorage(d, "float64", A.shape.slice(0, -2)), A.dtype);
  // PyTorch gives an empty matrix's determinant (1) no gradient at all.
  return record(out, "LinalgDetBackward0", [A], (g) => [n === 0 ? null : detGrad(g, out, A, n)], [A, out]);
}

/** torch.linalg.slogdet: [sign, log |det|]; only the log carries a gradient, g A^-T. */
export function slogdet(A: Tensor): [Tensor, Tensor] {
  const n = checkSquare("linalg.slogdet", A);
  const d = Tensor.fromStorage(eliminate(A, null, n).det, "float64", A.shape.slice(0, -2));
  // The sign is recorded too (a float output of the same node in PyTorch), with no gradient.
  const sign = record(castRaw(E.sign(d), A.dtype), "LinalgSlogdetBackward0", [A], () => [null], false);
  const logabs = castRaw(E.log(E.abs(d)), A.dtype);
  const out = record(logabs, "LinalgSlogdetBackward0", [A], (g) => [E.mul(unsqueeze(unsqueeze(g, -1), -1), mT(isGradEnabled() ? inv(A) : inverseRaw(A.detach(), n)))], [A]);
  return [sign, out];
}

export interface SolveOptions {
  /** false solves X A = B instead of A X = B. */
  left?: boolean;
}

/** torch.linalg.solve: X with A X = B (B a vector when it has one dim fewer than A, batch dims broadcast). */
export function solve(A: Tensor, B: Tensor, opts: SolveOptions = {}): Tensor {
  checkOptions("linalg.solve()", opts, { left: "boolean" }, { index: 3, positional: "left" });
  const n = checkSquare("linalg.solve", A);
  Tensor.check(B, "B");
  if (B.ndim < 1) throw new ShapeError("linalg.solve: The input tensor B must have at least 2 dimensions.");
  if (B.dtype !== A.dtype) {
    throw new DTypeError(`linalg.solve: Expected A and B to have the same dtype, but found A of type ${scalarTypeName(A.dtype)} and B of type ${scalarTypeName(B.dtype)} instead`);
  }
  if (opts.left === false) return mT(solve(mT(A), mT(B)));
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && sameShape(B.shape, A.shape.slice(0, -1)));
  const Bm = vector ? unsqueeze(B, -1) : B;
  if (Bm.ndim < 2) throw new ShapeError("linalg.solve: The input tensor B must have at least 2 dimensions.");
  const [r, k] = Bm.shape.slice(-2) as [number, number];
  if (r !== n) throw new ShapeError(`linalg.solve: Incompatible shapes of A and B for the equation AX = B (${n}x${n} and ${r}x${k})`);
  const batch = broadcastShapes(A.shape.slice(0, -2), Bm.shape.slice(0, -2));
  const Ae = expand(A, [...batch, n, n]);
  const Be = expand(Bm, [...batch, n, k]);
  const { x, info } = eliminate(Ae, Be, n);
  failIfSingular(info, batch.length > 0, () => "torch.linalg.solve: The solver failed because the input matrix is singular.");
  const X = castRaw(Tensor.fromStorage(x, "float64", Be.shape), A.dtype);
  const out = record(X, "LinalgSolveExBackward0", [Ae, Be], (g) => {
    // createGraph: A itself (and X, the result with its gradFn), so the gradient is recorded.
    const gB = solve(mT(isGradEnabled() ? Ae : Ae.detach()), g);
    return [E.neg(matmul(gB, mT(X))), gB];
  }, [Ae, X]);
  return vector ? squeeze(out, -1) : out;
}

