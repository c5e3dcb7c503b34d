import { record } from "../autograd/record.ts";
import { AutogradError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { zeros } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, mT, recordMulti, tensorOf } from "./linalg_common.ts";
import { geqrf as geqrfKernel } from "./linalg_kernels.ts";
import { cat } from "./join.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { expand, narrow, select, unsqueeze } from "./views.ts";

/**
 * Householder reflectors as LAPACK stores them: torch.geqrf (packed R and reflectors, tau),
 * torch.linalg.householder_product / torch.orgqr (their product Q) and torch.ormqr (Q applied to a
 * matrix). householder_product is composed of differentiable ops, one reflector at a time, so its
 * gradient is the exact one; geqrf and ormqr have none in PyTorch 1.13, and their backward says so.
 */

const notImplemented = (name: string) => (): never => {
  throw new AutogradError(`the derivative for '${name}' is not implemented.`);
};

/** torch.geqrf(A): [a, tau], R on and above a's diagonal and the reflectors' v below it. */
export function geqrf(A: Tensor): [Tensor, Tensor] {
  Tensor.check(A, "input");
  if (A.ndim < 2) throw new ShapeError("torch.geqrf: input must have at least 2 dimensions.");
  if (!isFloating(A.dtype)) throw new DTypeError(`"geqrf_cpu" not implemented for '${scalarTypeName(A.dtype)}'`);
  const b = batchOf(A);
  const k = Math.min(b.m, b.n);
  const packed = new Float64Array(b.data.length);
  const taus = new Float64Array(b.batch * k);
  for (let i = 0; i < b.batch; i++) {
    const size = b.m * b.n;
    const { w, tau } = geqrfKernel(b.data.subarray(i * size, (i + 1) * size), b.m, b.n);
    packed.set(w, i * size);
    taus.set(tau, i * k);
  }
  const a = tensorOf(packed, A.shape, A.dtype);
  const tau = tensorOf(taus, [...A.shape.slice(0, -2), k], A.dtype);
  return recordMulti([a, tau], "GeqrfBackward0", [A], notImplemented("geqrf"), []) as [Tensor, Tensor];
}

/** Reflector i of the packed [..., m, n] A as a column [..., m, 1]: zeros above row i, 1 at it, A's column below. */
function reflector(A: Tensor, i: number): Tensor {
  const m = A.shape[A.ndim - 2]!;
  const batch = A.shape.slice(0, -2);
  const colI = narrow(narrow(A, -1, i, 1), -2, i + 1, m - i - 1);
  const head = zeros([...batch, i, 1], { dtype: A.dtype });
  const one = E.add(zeros([...batch, 1, 1], { dtype: A.dtype }), 1);
  return cat([head, one, colI], -2);
}

/** C <- H_i C (left) or C H_i (right), H_i = I - tau_i v v^T. */
function reflect(C: Tensor, v: Tensor, tau: Tensor, left: boolean): Tensor {
  const t = unsqueeze(unsqueeze(tau, -1), -1);
  if (left) return E.sub(C, E.mul(t, matmul(v, matmul(mT(v), C))));
  return E.sub(C, E.mul(t, matmul(matmul(C, v), mT(v))));
}

function checkReflectors(where: string, A: Tensor, tau: Tensor): void {
  Tensor.check(A, "input");
  Tensor.check(tau, "tau");
  if (A.ndim < 2) throw new ShapeError(`${where}: input must have at least 2 dimensions.`);
  if (tau.ndim !== A.ndim - 1) {
    throw new ShapeError(`${where}: Expected tau to have one dimension less than input, but got tau.ndim equal to ${tau.ndim} and input.ndim is equal to ${A.ndim}`);
  }
  if (!sameShape(tau.shape.slice(0, -1), A.shape.slice(0, -2))) {
    throw new ShapeError(`${where}: Expected batch dimensions of tau to be equal to input.shape[:-2], but got [${tau.shape.slice(0, -1).join(", ")}]`);
  }
  if (tau.dtype !== A.dtype) throw new DTypeError(`${where}: tau dtype ${scalarTypeName(tau.dtype)} does not match input dtype ${scalarTypeName(A.dtype)}`);
  if (!isFloating(A.dtype)) throw new DTypeError(`${where}: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
}

/** torch.linalg.householderProduct(A, tau): the first n columns of H_0 ... H_{k-1} (A m x n, m >= n >= k). */
export function householderProduct(A: Tensor, tau: Tensor): Tensor {
  const where = "torch.linalg.householder_product";
  checkReflectors(where, A, tau);
  const [m, n] = A.shape.slice(-2) as [number, number];
  const k = tau.shape[tau.ndim - 1]!;
  if (m < n) throw new ShapeError(`${where}: input.shape[-2] must be greater than or equal to input.shape[-1]`);
  if (n < k) throw new ShapeError(`${where}: input.shape[-1] must be greater than or equal to tau.shape[-1]`);
  const eye = tensorOf(Float64Array.from({ length: m * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0)), [m, n], A.dtype);
  let Q = expand(eye, A.shape);
  // The last reflector first, as orgqr: each one acts on the product of those after it.
  for (let i = k - 1; i >= 0; i--) Q = reflect(Q, reflector(A, i), select(tau, -1, i), true);
  return Q;
}

export interface OrmqrOptions {
  /** Q C (true) or C Q. */
  left?: boolean;
  /** Q^T in place of Q. */
  transpose?: boolean;
}

/** torch.ormqr(input, tau, other, { left = true, transpose = false }): other times the full m x m Q of geqrf's reflectors. */
export function ormqr(A: Tensor, tau: Tensor, other: Tensor, leftOrOpts: boolean | OrmqrOptions = {}, transpose?: boolean): Tensor {
  const o = typeof leftOrOpts === "boolean" ? { left: leftOrOpts, transpose } : leftOrOpts;
  checkOptions("ormqr()", o, { left: "boolean?", transpose: "boolean?" }, { index: 4 });
  const where = "torch.ormqr";
  Tensor.check(other, "other");
  if (A.ndim < 2) throw new ShapeError(`${where}: input must have at least 2 dimensions.`);
  const left = o.left ?? true;
  const trans = o.transpose ?? false;
  const m = A.shape[A.ndim - 2]!;
  const k = tau.shape[tau.ndim - 1]!;
  if (left && other.shape[other.ndim - 2] !== m) throw new ShapeError(`${where}: other.shape[-2] must be equal to input.shape[-2]`);
  if (!left && other.shape[other.ndim - 1] !== m) throw new ShapeError(`${where}: other.shape[-1] must be equal to input.shape[-2]`);
  if (k > A.shape[A.ndim - 1]!) throw new ShapeError(`${where}: tau.shape[-1] must be less than or equal to input.shape[-1]`);
  checkReflectors(where, A, tau);
  // Q = H_0 ... H_{k-1}: Q C applies the last reflector first, Q^T C the first; on the right, the reverse.
  const forward = left === trans;
  const Ad = A.detach();
  const taud = tau.detach();
  let C = other.detach();
  for (let s = 0; s < k; s++) {
    const i = forward ? s : k - 1 - s;
    C = reflect(C, reflector(Ad, i), select(taud, -1, i), left);
  }
  return record(C, "OrmqrBackward0", [A, tau, other], notImplemented("ormqr"), false);
}
