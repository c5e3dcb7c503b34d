import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { eye, full } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { batchOf, checkMatrices, svdInputFails, mT, tensorOf } from "./linalg_common.ts";
import { jacobiSvd } from "./linalg_kernels.ts";
import { inv, slogdet } from "./linalg_solve.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { castRaw, int64Tensor } from "./util.ts";
import { expand, squeeze, unsqueeze } from "./views.ts";
import { cumprod } from "./cumulative.ts";
import { cat } from "./join.ts";
import { tril } from "./shape_ops.ts";

/**
 * The linalg functions built on the decompositions: pinv, matrix_rank, matrix_power, logdet,
 * multi_dot and vander (lstsq, cond and matrix_exp are in linalg_misc2.ts). pinv keeps PyTorch's own
 * gradient (pinv_backward), which needs no singular vectors.
 */

/** Machine epsilon of the dtype, PyTorch's default relative tolerance factor. */
export const epsOf = (A: Tensor): number => (A.dtype === "float32" ? 1.1920928955078125e-7 : 2.220446049250313e-16);

export interface RankTolerance {
  atol?: number | null;
  rtol?: number | null;
  hermitian?: boolean;
}

/** Singular values (or |eigenvalues| of a symmetric A, which are the same numbers) as [..., k] and the cutoffs [...]. */
function spectrum(A: Tensor, o: RankTolerance): { S: Float64Array; k: number; cut: Float64Array } {
  const b = batchOf(readAs(A, o));
  const k = Math.min(b.m, b.n);
  const S = new Float64Array(b.batch * k);
  const cut = new Float64Array(b.batch);
  // PyTorch: rtol = eps * max(m, n) when neither tolerance is given, 0 when only atol is.
  const rtol = o.rtol ?? ((o.atol ?? 0) > 0 ? 0 : epsOf(A) * Math.max(b.m, b.n));
  for (let i = 0; i < b.batch; i++) {
    if (svdInputFails(b, i, A.ndim > 2)) {
      S.fill(NaN, i * k, (i + 1) * k);
      cut[i] = NaN;
      continue;
    }
    const s = jacobiSvd(b.data.subarray(i * b.m * b.n, (i + 1) * b.m * b.n), b.m, b.n, false).s;
    S.set(s, i * k);
    cut[i] = Math.max(o.atol ?? 0, rtol * (s[0] ?? 0));
  }
  return { S, k, cut };
}

/** hermitian: the symmetric matrix of A's lower triangle, the only part PyTorch's eigh-based path reads. */
function readAs(A: Tensor, o: RankTolerance): Tensor {
  if (o.hermitian !== true) return A;
  const low = tril(A.detach());
  return E.add(low, mT(tril(low, -1)));
}

function checkTolerance(where: string, o: RankTolerance): void {
  checkOptions(`${where}()`, o, { atol: "number?", rtol: "number?", hermitian: "boolean" }, { index: 2 });
}

/** PyTorch's pinv_backward: the gradient of A^+ from A^+ alone. */
function pinvGrad(g: Tensor, P: Tensor, A: Tensor): Tensor {
  const [m, n] = A.shape.slice(-2) as [number, number];
  const Ph = mT(P);
  const gh = mT(g);
  if (m <= n) {
    const K = matmul(gh, P);
    const KPh = matmul(K, Ph);
    const t1 = E.sub(KPh, mT(matmul(P, K)));
    const t2 = matmul(matmul(A, P), KPh);
    const t3 = matmul(matmul(Ph, P), E.sub(gh, matmul(K, A)));
    return E.add(E.sub(t1, t2), t3);
  }
  const K = matmul(P, gh);
  const PhK = matmul(Ph, K);
  const t1 = E.sub(matmul(matmul(E.sub(gh, matmul(A, K)), P), Ph), mT(matmul(K, P)));
  return E.add(t1, E.sub(PhK, matmul(matmul(PhK, P), A)));
}

/** torch.linalg.pinv(A, { atol, rtol, hermitian }): V diag(1/S) U^H over the singular values above the cutoff. */
export function pinv(A: Tensor, opts: RankTolerance = {}): Tensor {
  checkTolerance("linalg.pinv", opts);
  Tensor.check(A, "input");
  if (A.ndim < 2 || !isFloating(A.dtype)) {
    throw new DTypeError(`linalg.pinv(${scalarTypeName(A.dtype)}{[${A.shape.join(", ")}]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types`);
  }
  const b = batchOf(readAs(A, opts));
  const { m, n } = b;
  const out = new Float64Array(b.batch * n * m);
  const rtol = opts.rtol ?? ((opts.atol ?? 0) > 0 ? 0 : epsOf(A) * Math.max(m, n));
  for (let i = 0; i < b.batch; i++) {
    if (svdInputFails(b, i, A.ndim > 2)) {
      out.fill(NaN, i * n * m, (i + 1) * n * m);
      continue;
    }
    const { s, u, v } = jacobiSvd(b.data.subarray(i * m * n, (i + 1) * m * n), m, n, false);
    const k = s.length;
    const cut = Math.max(opts.atol ?? 0, rtol * (s[0] ?? 0));
    // v is n x k (m >= n) or n x k as well (m < n): columns are the right singular vectors.
    const vCols = n === 0 ? 0 : v.length / n;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < m; c++) {
        let acc = 0;
        for (let j = 0; j < k; j++) if (s[j]! > cut) acc += (v[r * vCols + j]! * u[c * k + j]!) / s[j]!;
        out[i * n * m + r * m + c] = acc;
      }
    }
  }
  const P = tensorOf(out, [...A.shape.slice(0, -2), n, m], A.dtype);
  return record(P, "LinalgPinvBackward0", [A], (g) => [pinvGrad(g, P, A)], [A, P]);
}

/** torch.pinverse(A, rcond = 1e-15): pinv with a relative cutoff. */
export function pinverse(A: Tensor, rcond = 1e-15): Tensor {
  checkArg("pinverse()", rcond, "number", 2, "rcond");
  return pinv(A, { rtol: rcond });
}

/** torch.linalg.matrixRank(A, { atol, rtol, hermitian }): how many singular values are above the cutoff (int64). */
export function matrixRank(A: Tensor, opts: RankTolerance = {}): Tensor {
  checkTolerance("linalg.matrix_rank", opts);
  Tensor.check(A, "input");
  if (A.ndim < 2) throw new ShapeError("torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions.");
  if (!isFloating(A.dtype)) throw new DTypeError("This function doesn't handle types other than float and double");
  const { S, k, cut } = spectrum(A, opts);
  const ranks = Float64Array.from(cut, (c, i) => S.subarray(i * k, (i + 1) * k).filter((s) => s > c).length);
  return int64Tensor(ranks, A.shape.slice(0, -2));
}

/** torch.linalg.matrixPower(A, n): A^n by repeated squaring; n < 0 inverts first, n = 0 gives identities. */
export function matrixPower(A: Tensor, n: number): Tensor {
  Tensor.check(A, "input");
  checkArg("linalg.matrix_power()", n, "int", 2, "n");
  if (A.ndim < 2) throw new ShapeError("linalg.matrix_power: The input tensor A must have at least 2 dimensions.");
  const [r, c] = A.shape.slice(-2) as [number, number];
  if (r !== c) throw new ShapeError(`linalg.matrix_power: A must be batches of square matrices, but they are ${r} by ${c} matrices`);
  if (n === 0) {
    // PyTorch copies the identity into a clone of A: a graph whose gradient is zero.
    return E.add(E.mul(A, 0), expand(eye(r, r, { dtype: A.dtype }), A.shape));
  }
  // Integer matrices: float64 products are exact while the values stay below 2^53.
  if (!isFloating(A.dtype) && n > 0) return castRaw(matrixPower(castRaw(A, "float64"), n), A.dtype);
  let z = n < 0 ? inv(A) : A;
  let result: Tensor | null = null;
  for (let k = Math.abs(n); k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = result === null ? z : matmul(result, z);
    if (k > 1) z = matmul(z, z);
  }
  return result!;
}

/** torch.logdet: log det A; NaN for a negative determinant, -inf for a zero one. */
export function logdet(A: Tensor): Tensor {
  checkMatrices("logdet", A, true);
  const [sign, logabs] = slogdet(A);
  // log(sign) is 0, NaN or -inf and carries no gradient (sign has none).
  return E.add(logabs, E.log(sign));
}

/** torch.linalg.multiDot(tensors): their product, the first a row vector and the last a column vector when 1-d. */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  if (!Array.isArray(tensors)) throw new ArgumentError("multi_dot(): argument 'tensors' must be a list of tensors");
  const n = tensors.length;
  if (n < 2) throw new ArgumentError(`multi_dot(): expected at least 2 tensors but got ${n}`);
  tensors.forEach((t, i) => Tensor.check(t, `tensors[${i}]`));
  const first = tensors[0]!;
  const last = tensors[n - 1]!;
  if (first.ndim !== 1 && first.ndim !== 2) throw new ShapeError(`multi_dot(): the first tensor must be 1D or 2D but got ${first.ndim}D`);
  if (last.ndim !== 1 && last.ndim !== 2) throw new ShapeError(`multi_dot(): the last tensor must be 1D or 2D but got ${last.ndim}D`);
  for (let i = 1; i < n - 1; i++) {
    if (tensors[i]!.ndim !== 2) throw new ShapeError(`multi_dot(): tensor ${i} must be 2D but got ${tensors[i]!.ndim}D`);
  }
  const name = (t: Tensor): string => scalarTypeName(t.dtype).toLowerCase();
  for (let i = 1; i < n; i++) {
    if (tensors[i]!.dtype !== first.dtype) {
      throw new DTypeError(`multi_dot(): all tensors must have be the same dtype but tensor 0 is ${name(first)} and tensor ${i} ${name(tensors[i]!)}`);
    }
  }
  const mats = tensors.map((t, i) => (t.ndim === 2 ? t : i === 0 ? unsqueeze(t, 0) : unsqueeze(t, 1)));
  for (let i = 0; i + 1 < n; i++) {
    const a = mats[i]!;
    const b = mats[i + 1]!;
    if (a.shape[1] !== b.shape[0]) {
      const shp = (t: Tensor) => `[${t.shape.join(", ")}]`;
      throw new ShapeError(`multi_dot(): tensors ${i} and ${i + 1} with shapes ${shp(a)} and ${shp(b)} cannot be multiplied`);
    }
  }
  let out = mats.slice(1).reduce((acc, t) => matmul(acc, t), mats[0]!);
  if (last.ndim === 1) out = squeeze(out, 1);
  if (first.ndim === 1) out = squeeze(out, 0);
  return out;
}

/** torch.linalg.vander(x, { N }): [..., n, N] with columns x^0, x^1, ..., x^(N-1) (increasing, unlike torch.vander). */
export function linalgVander(x: Tensor, opts: { N?: number | null } = {}): Tensor {
  Tensor.check(x, "x");
  checkOptions("linalg.vander()", opts, { N: "int?" }, { index: 2, positional: "N" });
  // A 0-d x has one "column" by PyTorch's reading, and N must exceed 1.
  const N = opts.N ?? (x.ndim === 0 ? 1 : x.shape[x.ndim - 1]!);
  if (N <= 1) throw new ArgumentError("N must be greater than 1.");
  const dtype = isFloating(x.dtype) ? x.dtype : "int64";
  const xc = castRaw(x, dtype);
  const ones = full([...x.shape, 1], 1, { dtype });
  return cumprod(cat([ones, expand(unsqueeze(xc, -1), [...x.shape, N - 1])], -1), -1);
}
