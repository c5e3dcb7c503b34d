import { isGradEnabled } from "../autograd/grad_mode.ts";
import { type Edge, MultiNode, type MultiBackwardFn, OutputEdge } from "../autograd/node.ts";
import { SavedVersions } from "../autograd/saved.ts";
import { DTypeError, LinAlgError, ShapeError } from "../errors.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { scalarTypeName } from "./promotion.ts";
import { diagEmbed, diagonal } from "./shape_extra_diag.ts";
import { castRaw, denseData } from "./util.ts";
import { transpose, unsqueeze } from "./views.ts";

/** What the decomposition ops (linalg_cholesky, _qr, _eigh, _svd, _misc) share: checks, float64 batches, multi-output nodes. */

export const mT = (t: Tensor): Tensor => transpose(t, -2, -1);
export const diagOf = (t: Tensor): Tensor => diagonal(t, 0, -2, -1);
export const diagMat = (v: Tensor): Tensor => diagEmbed(v, 0, -2, -1);
/** v as a row (v[..., None, :]) or a column (v[..., :, None]). */
export const row = (v: Tensor): Tensor => unsqueeze(v, -2);
export const col = (v: Tensor): Tensor => unsqueeze(v, -1);

/** PyTorch's checks of a batch of matrices: at least 2 dims, floating point, square when asked. */
export function checkMatrices(where: string, A: Tensor, square: boolean, name = "A"): void {
  Tensor.check(A, name);
  if (A.ndim < 2) throw new ShapeError(`${where}: The input tensor ${name} must have at least 2 dimensions.`);
  const [r, c] = A.shape.slice(-2) as [number, number];
  if (square && r !== c) throw new ShapeError(`${where}: ${name} must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (!isFloating(A.dtype)) throw new DTypeError(`${where}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
}

export interface Batch {
  /** Every matrix, row-major, one after another. */
  data: Float64Array;
  batch: number;
  m: number;
  n: number;
}

/** A's values as a fresh float64 buffer of its matrices. */
export function batchOf(A: Tensor): Batch {
  const [m, n] = A.shape.slice(-2) as [number, number];
  const data = Float64Array.from(denseData(castRaw(A.detach(), "float64")));
  return { data, batch: numelOf(A.shape.slice(0, -2)), m, n };
}

/** A float64 buffer as a tensor of the given shape and dtype (no graph). */
export function tensorOf(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  return castRaw(Tensor.fromStorage(data, "float64", [...shape]), dtype);
}

/** The first failing batch element as PyTorch reports it: "where: (Batch element i): message". */
export function failAt(where: string, info: ArrayLike<number>, batched: boolean, message: (code: number) => string): void {
  for (let i = 0; i < info.length; i++) {
    if (info[i]! > 0) throw new LinAlgError(`${where}: ${batched ? `(Batch element ${i}): ` : ""}${message(info[i]!)}`);
  }
}

/**
 * Connects several outputs of one op to one node (as PyTorch's QR, eigh or SVD node): backward gets
 * each output's gradient, null where none arrived. Returns the outputs, now requiring grad.
 */
export function recordMulti(outs: Tensor[], name: string, inputs: readonly Tensor[], backward: MultiBackwardFn, saves: readonly Tensor[]): Tensor[] {
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return outs;
  const next: Edge[] = inputs.map((t) => (t.requiresGrad ? (t.gradFn ?? t) : null));
  const node = new MultiNode(name, next, backward, outs.length, true, SavedVersions.take(saves, outs[0]!, inputs));
  outs.forEach((t, i) => {
    t.gradFn = new OutputEdge(node, i);
    t.requiresGrad = true;
  });
  return outs;
}

/**
 * Whether matrix i holds inf or NaN, where LAPACK's gesdd does not converge: PyTorch raises for a single
 * matrix and leaves NaN in a batch's results (its batched error check skips this case).
 */
export function svdInputFails(b: Batch, i: number, batched: boolean): boolean {
  const size = b.m * b.n;
  for (let j = i * size; j < (i + 1) * size; j++) {
    if (Number.isFinite(b.data[j]!)) continue;
    if (!batched) throw new LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix contained non-finite values.");
    return true;
  }
  return false;
}
