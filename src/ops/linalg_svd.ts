import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { onesLike, zeros } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, svdInputFails, col, diagMat, mT, recordMulti, row, tensorOf } from "./linalg_common.ts";
import { jacobiSvd } from "./linalg_kernels.ts";
import { matmul } from "./matmul.ts";
import { narrow } from "./views.ts";

/**
 * torch.linalg.svd / svdvals and torch.svd, by one-sided Jacobi on float64 copies: S descending,
 * singular vectors unique up to a joint sign per pair (u_k, v_k), as LAPACK's. The gradient is
 * PyTorch's svd_backward (full_matrices narrowed to the first k = min(m, n) vectors first).
 */

export interface SvdOptions {
  /** U m x m and Vh n x n (the default, as PyTorch); false gives k = min(m, n) vectors. */
  fullMatrices?: boolean;
}

interface Parts { U: Tensor; S: Tensor; Vh: Tensor }

function decompose(A: Tensor, full: boolean): Parts {
  const b = batchOf(A);
  const { m, n } = b;
  const k = Math.min(m, n);
  const [uc, vc] = full ? [m, n] : [k, k];
  const us = new Float64Array(b.batch * m * uc);
  const ss = new Float64Array(b.batch * k);
  const vhs = new Float64Array(b.batch * vc * n);
  for (let i = 0; i < b.batch; i++) {
    if (svdInputFails(b, i, A.ndim > 2)) {
      us.fill(NaN, i * m * uc, (i + 1) * m * uc);
      ss.fill(NaN, i * k, (i + 1) * k);
      vhs.fill(NaN, i * vc * n, (i + 1) * vc * n);
      continue;
    }
    const r = jacobiSvd(b.data.subarray(i * m * n, (i + 1) * m * n), m, n, full);
    us.set(r.u, i * m * uc);
    ss.set(r.s, i * k);
    // V is n x vc' (vc' = n for m >= n, else the full or reduced count): Vh's rows are its columns.
    const vCols = r.v.length / n;
    for (let p = 0; p < vc; p++) for (let q = 0; q < n; q++) vhs[i * vc * n + p * n + q] = r.v[q * vCols + p]!;
  }
  const batch = A.shape.slice(0, -2);
  return { U: tensorOf(us, [...batch, m, uc], A.dtype), S: tensorOf(ss, [...batch, k], A.dtype), Vh: tensorOf(vhs, [...batch, vc, n], A.dtype) };
}

/** PyTorch's svd_backward over the reduced factors (U m x k, S k, Vh k x n). */
export function svdGrad(gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null, U: Tensor, S: Tensor, Vh: Tensor): Tensor {
  const m = U.shape[U.ndim - 2]!;
  const n = Vh.shape[Vh.ndim - 1]!;
  if (gU === null && gVh === null) return matmul(E.mul(U, row(gS!)), Vh);
  const skew = (X: Tensor): Tensor => E.sub(X, mT(X));
  const S2 = E.mul(S, S);
  const Emat = E.add(E.sub(row(S2), col(S2)), diagMat(onesLike(S)));
  const UhgU = gU === null ? null : skew(matmul(mT(U), gU));
  const VhgV = gVh === null ? null : skew(matmul(Vh, mT(gVh)));
  let inner: Tensor;
  if (UhgU !== null && VhgV !== null) inner = E.div(E.add(E.mul(UhgU, row(S)), E.mul(col(S), VhgV)), Emat);
  else if (UhgU !== null) inner = E.mul(E.div(UhgU, Emat), row(S));
  else inner = E.mul(col(S), E.div(VhgV!, Emat));
  if (gS !== null) inner = E.add(inner, diagMat(gS));
  if (m > n && gU !== null) {
    // The part of gU outside span(U): (I - U U^H) gU S^-1.
    const gUSinv = E.div(gU, row(S));
    const mid = E.sub(E.add(matmul(U, inner), gUSinv), matmul(U, matmul(mT(U), gUSinv)));
    return matmul(mid, Vh);
  }
  if (m < n && gVh !== null) {
    const SinvgVh = E.div(gVh, col(S));
    const mid = E.sub(E.add(matmul(inner, Vh), SinvgVh), matmul(matmul(SinvgVh, mT(Vh)), Vh));
    return matmul(U, mid);
  }
  return matmul(U, matmul(inner, Vh));
}

/** torch.linalg.svd(A, { fullMatrices = true }): [U, S, Vh] with A = U diag(S) Vh. */
export function svd(A: Tensor, opts: SvdOptions = {}): [Tensor, Tensor, Tensor] {
  checkOptions("linalg.svd()", opts, { fullMatrices: "boolean" }, { index: 2, positional: "full_matrices" });
  checkMatrices("linalg.svd", A, false);
  const full = opts.fullMatrices ?? true;
  const { U, S, Vh } = decompose(A, full);
  const k = S.shape[S.ndim - 1]!;
  return recordMulti([U, S, Vh], "LinalgSvdBackward0", [A], ([gU, gS, gVh]) => {
    const cutU = (t: Tensor): Tensor => (full ? narrow(t, -1, 0, k) : t);
    const cutV = (t: Tensor): Tensor => (full ? narrow(t, -2, 0, k) : t);
    return [svdGrad(gU ? cutU(gU) : null, gS ?? null, gVh ? cutV(gVh) : null, cutU(U), S, cutV(Vh))];
  }, [U, S, Vh]) as [Tensor, Tensor, Tensor];
}

/** torch.linalg.svdvals: S alone (the vectors are computed for its gradient U diag(g) Vh). */
export function svdvals(A: Tensor): Tensor {
  checkMatrices("linalg.svd", A, false);
  const { U, S, Vh } = decompose(A, false);
  return record(S, "LinalgSvdBackward0", [A], (g) => {
    // createGraph: U and Vh from a recorded svd, so the gradient's dependence on them is differentiated too.
    if (isGradEnabled()) {
      const [Ug, Sg, Vhg] = svd(A, { fullMatrices: false });
      return [svdGrad(null, g, null, Ug, Sg, Vhg)];
    }
    return [svdGrad(null, g, null, U, S, Vh)];
  }, [A, S]);
}

export interface TorchSvdOptions {
  some?: boolean;
  computeUv?: boolean;
}

/** torch.svd(A, some = true, computeUv = true): [U, S, V] (V, not Vh); without U and V, zero matrices m x m and n x n. */
export function svdLegacy(A: Tensor, someOrOpts: boolean | TorchSvdOptions = {}, computeUv?: boolean): [Tensor, Tensor, Tensor] {
  const o = typeof someOrOpts === "boolean" ? { some: someOrOpts, computeUv } : someOrOpts;
  checkOptions("svd()", o, { some: "boolean?", computeUv: "boolean?" }, { index: 2 });
  Tensor.check(A, "input");
  if (A.ndim < 2) throw new ShapeError(`linalg.svd: input should have at least 2 dimensions, but has ${A.ndim} dimensions instead`);
  checkMatrices("linalg.svd", A, false);
  const [m, n] = A.shape.slice(-2) as [number, number];
  const batch = A.shape.slice(0, -2);
  if (o.computeUv === false) {
    return [zeros([...batch, m, m], { dtype: A.dtype }), svdvals(A), zeros([...batch, n, n], { dtype: A.dtype })];
  }
  const [U, S, Vh] = svd(A, { fullMatrices: o.some === false });
  return [U, S, mT(Vh)];
}
