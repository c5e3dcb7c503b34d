import { AutogradError, ArgumentError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import { zeros } from "../tensor/creation.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, mT, recordMulti, tensorOf } from "./linalg_common.ts";
import { householderQr } from "./linalg_kernels.ts";
import { solveTriangular } from "./linalg_triangular.ts";
import { matmul } from "./matmul.ts";
import { tril } from "./shape_ops.ts";
import { cat } from "./join.ts";
import { narrow } from "./views.ts";

/**
 * torch.linalg.qr and torch.qr by Householder reflections with LAPACK's signs (see householderQr).
 * The gradient is PyTorch's linalg_qr_backward: for m >= n, gA = (gQ + Q copyltu(M)) R^-H with
 * M = R gR^H - gQ^H Q; a wide A = [X | Y] splits into X = Q R_1 (that formula) and Y = Q R_2.
 */

export type QrMode = "reduced" | "complete" | "r";

export interface QrOptions {
  mode?: QrMode;
}

/** The symmetric matrix whose lower triangle is M's (M's upper triangle ignored). */
const copyltu = (M: Tensor): Tensor => E.add(tril(M), mT(tril(M, -1)));

/** The gradient of A = Q R, R square (m >= n). */
function tallGrad(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor): Tensor {
  let M: Tensor | null = gR === null ? null : matmul(R, mT(gR));
  if (gQ !== null) {
    const q = matmul(mT(gQ), Q);
    M = M === null ? E.neg(q) : E.sub(M, q);
  }
  let b = matmul(Q, copyltu(M!));
  if (gQ !== null) b = E.add(b, gQ);
  // b R^-H: a right-sided solve against the lower triangular R^H.
  return solveTriangular(mT(R), b, { upper: false, left: false });
}

function qrGrad(gQ: Tensor | null, gR: Tensor | null, Q: Tensor, R: Tensor, A: Tensor): Tensor {
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (m >= n) return tallGrad(gQ, gR, Q, R);
  const R1 = narrow(R, -1, 0, m);
  const Y = narrow(A, -1, m, n - m);
  const gR2 = gR === null ? null : narrow(gR, -1, m, n - m);
  // Y = Q R_2 sends gR_2 to Y as Q gR_2 and to Q as Y gR_2^H.
  let gQ1 = gQ;
  if (gR2 !== null) gQ1 = gQ1 === null ? matmul(Y, mT(gR2)) : E.add(gQ1, matmul(Y, mT(gR2)));
  const gX = tallGrad(gQ1, gR === null ? null : narrow(gR, -1, 0, m), Q, R1);
  const gY = gR2 === null ? zeros([...A.shape.slice(0, -1), n - m], { dtype: A.dtype }) : matmul(Q, gR2);
  return cat([gX, gY], -1);
}

/** torch.linalg.qr(A, { mode = "reduced" }): [Q, R] (Q an empty tensor in mode "r"). */
export function qr(A: Tensor, opts: QrOptions = {}): [Tensor, Tensor] {
  checkOptions("linalg.qr()", opts, { mode: "string" }, { index: 2, positional: "mode" });
  const mode = opts.mode ?? "reduced";
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") {
    throw new ArgumentError(`qr received unrecognized mode '${String(mode)}' but expected one of 'reduced' (default), 'r', or 'complete'`);
  }
  checkMatrices("linalg.qr", A, false);
  const b = batchOf(A);
  const { m, n } = b;
  const k = Math.min(m, n);
  const qCols = mode === "complete" ? m : k;
  const qs = new Float64Array(b.batch * m * qCols);
  const rs = new Float64Array(b.batch * qCols * n);
  for (let i = 0; i < b.batch; i++) {
    const { q, r } = householderQr(b.data.subarray(i * m * n, (i + 1) * m * n), m, n, qCols);
    qs.set(q, i * m * qCols);
    rs.set(r, i * qCols * n);
  }
  const batch = A.shape.slice(0, -2);
  const Q = mode === "r" ? zeros([0], { dtype: A.dtype }) : tensorOf(qs, [...batch, m, qCols], A.dtype);
  const R = tensorOf(rs, [...batch, qCols, n], A.dtype);
  return recordMulti([Q, R], "LinalgQrBackward0", [A], ([gQ, gR]) => {
    if (mode === "r") {
      throw new AutogradError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.");
    }
    if (mode === "complete" && m > n) throw new AutogradError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
    return [qrGrad(gQ ?? null, gR ?? null, Q, R, A)];
  }, [A, Q, R]) as [Tensor, Tensor];
}

/** torch.qr(A, some = true): the reduced QR, or the complete one when some is false. */
export function qrLegacy(A: Tensor, some = true): [Tensor, Tensor] {
  Tensor.check(A, "input");
  checkArg("qr()", some, "boolean", 2, "some");
  return qr(A, { mode: some ? "reduced" : "complete" });
}
