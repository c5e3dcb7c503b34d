import { record } from "../autograd/record.ts";
import { Tensor } from "../tensor/tensor.ts";
import { castRaw, denseData } from "./util.ts";
import { contiguous, permute, reshape } from "./views.ts";
import * as E from "./elementwise.ts";

/**
 * The matrix norms that need singular values (2, -2, nuclear), from a one-sided Jacobi SVD of each
 * matrix in float64. The gradient is PyTorch's for a simple spectrum: u_k v_k^T for the largest (2)
 * or smallest (-2) singular value, U V^T for the nuclear norm.
 */

interface Svd {
  s: Float64Array;
  u: Float64Array; // m x r, row-major
  v: Float64Array; // n x r, row-major
}

/** Reduced SVD of a row-major m x n matrix with m >= n (r = n). */
function jacobi(a: Float64Array, m: number, n: number): Svd {
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let k = 0; k < m; k++) {
          const x = w[k * n + i]!;
          const y = w[k * n + j]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let k = 0; k < m; k++) {
          const x = w[k * n + i]!;
          const y = w[k * n + j]!;
          w[k * n + i] = c * x - s * y;
          w[k * n + j] = s * x + c * y;
        }
        for (let k = 0; k < n; k++) {
          const x = v[k * n + i]!;
          const y = v[k * n + j]!;
          v[k * n + i] = c * x - s * y;
          v[k * n + j] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const sv = new Float64Array(n);
  const u = new Float64Array(m * n);
  for (let j = 0; j < n; j++) {
    let norm = 0;
    for (let k = 0; k < m; k++) norm += w[k * n + j]! ** 2;
    norm = Math.sqrt(norm);
    sv[j] = norm;
    for (let k = 0; k < m; k++) u[k * n + j] = norm > 0 ? w[k * n + j]! / norm : 0;
  }
  return { s: sv, u, v };
}

function svdOf(a: Float64Array, m: number, n: number): Svd {
  if (m >= n) return jacobi(a, m, n);
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  const r = jacobi(t, n, m);
  return { s: r.s, u: r.v, v: r.u };
}

/** 2, -2 or "nuc" norm over dims (d0, d1) of A (floating point). */
export function spectralNorm(A: Tensor, ord: 2 | -2 | "nuc", d0: number, d1: number, keepdim: boolean): Tensor {
  const rest = A.shape.map((_, i) => i).filter((i) => i !== d0 && i !== d1);
  const moved = contiguous(permute(A.detach(), [...rest, d0, d1]));
  const m = A.shape[d0]!;
  const n = A.shape[d1]!;
  const batch = rest.reduce((p, i) => p * A.shape[i]!, 1);
  const data = denseData(castRaw(moved, "float64"));
  const r = Math.min(m, n);
  const values = new Float64Array(batch);
  const grads = new Float64Array(batch * m * n);
  for (let b = 0; b < batch; b++) {
    const { s, u, v } = svdOf(data.subarray(b * m * n, (b + 1) * m * n) as Float64Array, m, n);
    let pick = 0;
    for (let k = 1; k < r; k++) if (ord === 2 ? s[k]! > s[pick]! : s[k]! < s[pick]!) pick = k;
    const ks = ord === "nuc" ? Array.from({ length: r }, (_, k) => k) : [pick];
    values[b] = ord === "nuc" ? s.reduce((p, x) => p + x, 0) : r === 0 ? 0 : s[pick]!;
    for (const k of ks) {
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) grads[b * m * n + i * n + j] += u[i * r + k]! * v[j * r + k]!;
    }
  }
  const keptShape = A.shape.map((s, i) => (i === d0 || i === d1 ? 1 : s));
  const outShape = keepdim ? keptShape : rest.map((i) => A.shape[i]!);
  const out = castRaw(Tensor.fromStorage(values, "float64", outShape), A.dtype);
  // dA = g * (sum of u_k v_k^T), laid out back in A's dim order.
  const inverse = [...rest, d0, d1].map((_, i) => [...rest, d0, d1].indexOf(i));
  const direction = permute(reshape(castRaw(Tensor.fromStorage(grads, "float64", [batch, m, n]), A.dtype), [...rest.map((i) => A.shape[i]!), m, n]), inverse);
  return record(out, "LinalgMatrixNormBackward0", [A], (g) => [E.mul(direction, reshape(g, keptShape))]);
}
