import { ArgumentError, DTypeError, LinAlgError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { full, zeros } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { type MatrixOrd, matrixNorm } from "./linalg.ts";
import { checkMatrices } from "./linalg_common.ts";
import { epsOf, matrixRank, pinv } from "./linalg_misc.ts";
import { inv } from "./linalg_solve.ts";
import { svdvals } from "./linalg_svd.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { narrow, squeeze, unsqueeze } from "./views.ts";

/**
 * torch.linalg.lstsq and torch.linalg.cond. lstsq's solution is the minimum-norm one, pinv(A) B (what
 * gelsd gives, and gels/gelsy for full-rank A), so its gradient is PyTorch's linalg_lstsq_backward,
 * which is pinv's. rank, residuals and singular values follow each driver's PyTorch conventions.
 */

export type LstsqDriver = "gels" | "gelsy" | "gelsd" | "gelss";

export interface LstsqOptions {
  /** Singular values at or below rcond * the largest count as zero (default eps * max(m, n)). */
  rcond?: number | null;
  driver?: LstsqDriver | null;
}

export interface LstsqResult {
  solution: Tensor;
  /** Squared residual norms per column, when m > n, every A has full rank and the driver is not gelsy; else empty. */
  residuals: Tensor;
  /** int64 ranks (empty for gels). */
  rank: Tensor;
  /** S of each A for gelsd and gelss, else empty. */
  singularValues: Tensor;
}

/** torch.linalg.lstsq(A, B, { rcond, driver = "gelsy" }): the X minimising ||A X - B||. */
export function lstsq(A: Tensor, B: Tensor, opts: LstsqOptions = {}): LstsqResult {
  checkOptions("linalg.lstsq()", opts, { rcond: "number?", driver: "string?" }, { index: 3, positional: "rcond" });
  const where = "torch.linalg.lstsq";
  const driver = opts.driver ?? "gelsy";
  if (!["gels", "gelsy", "gelsd", "gelss"].includes(driver)) throw new ArgumentError(`${where}: parameter \`driver\` should be one of (gels, gelsy, gelsd, gelss)`);
  Tensor.check(A, "input");
  Tensor.check(B, "other");
  if (A.dtype !== B.dtype) {
    throw new DTypeError(`${where}: Expected input and other to have the same dtype, but got input's dtype ${scalarTypeName(A.dtype)} and other's dtype ${scalarTypeName(B.dtype)}`);
  }
  if (A.ndim < 2) throw new ShapeError(`${where}: input must have at least 2 dimensions.`);
  if (B.ndim < 1) throw new ShapeError(`${where}: other must have at least 1 dimension.`);
  checkMatrices(where, A, false, "input");
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && sameShape(B.shape, A.shape.slice(0, -1)));
  const Bm = vector ? unsqueeze(B, -1) : B;
  const [m, n] = A.shape.slice(-2) as [number, number];
  if (Bm.shape[Bm.ndim - 2] !== m) throw new ShapeError(`${where}: input.size(-2) should match other.size(-${vector ? 1 : 2})`);
  const rcond = opts.rcond ?? epsOf(A) * Math.max(m, n);
  const X = matmul(pinv(A, { rtol: rcond }), Bm);
  const empty = zeros([0], { dtype: A.dtype });
  const rank = driver === "gels" ? zeros([0], { dtype: "int64" }) : matrixRank(A, { rtol: rcond });
  const fullRank = driver === "gels" || (rank.numel() > 0 ? Boolean(rank.eq(n).all().item()) : true);
  let residuals = empty;
  if (driver !== "gelsy" && m > n && fullRank) residuals = sum(E.pow(E.sub(matmul(A, X), Bm), 2), -2).detach();
  const singularValues = driver === "gelsd" || driver === "gelss" ? svdvals(A.detach()) : empty;
  return { solution: vector ? squeeze(X, -1) : X, residuals, rank, singularValues };
}

const ordName = (p: MatrixOrd): string => (typeof p === "number" && !Number.isFinite(p) ? (p > 0 ? "inf" : "-inf") : String(p));

/** torch.linalg.cond(A, p = null): the condition number ||A|| ||A^-1|| in the p-norm (2 by default, from the singular values). */
export function cond(A: Tensor, p: MatrixOrd | null = null): Tensor {
  Tensor.check(A, "A");
  if (A.ndim < 2) throw new ShapeError("linalg.cond: The input tensor must have at least 2 dimensions.");
  const ok = p === null || p === "fro" || p === "nuc" || [1, -1, 2, -2, Infinity, -Infinity].includes(p as number);
  if (!ok) throw new ArgumentError(`linalg.cond got an invalid norm type: ${ordName(p!)}`);
  if (!isFloating(A.dtype)) throw new DTypeError(`linalg.cond: Expected a floating point or complex tensor as input. Got ${scalarTypeName(A.dtype)}`);
  if (p === null || p === 2 || p === -2) {
    const S = svdvals(A);
    const k = S.shape[S.ndim - 1]!;
    const first = squeeze(narrow(S, -1, 0, 1), -1);
    const last = squeeze(narrow(S, -1, k - 1, 1), -1);
    return p === -2 ? E.div(last, first) : E.div(first, last);
  }
  checkMatrices(`linalg.cond(ord=${ordName(p)})`, A, true);
  try {
    return E.mul(matrixNorm(A, p), matrixNorm(inv(A), p));
  } catch (e) {
    // A singular matrix has an infinite condition number (PyTorch reads inv's info instead of raising).
    if (e instanceof LinAlgError) return full(A.shape.slice(0, -2), Infinity, { dtype: A.dtype });
    throw e;
  }
}
