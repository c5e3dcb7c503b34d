import { record } from "../autograd/record.ts";
import { Tensor } from "../tensor/tensor.ts";
import { castRaw, denseData } from "./util.ts";
import { contiguous, permute, reshape } from "./views.ts";
import * as E from "./elementwise.ts";
import { jacobiSvd } from "./linalg_kernels.ts";

/**
 * The matrix norms that need singular values (2, -2, nuclear), from the one-sided Jacobi SVD of each
 * matrix in float64 that torch.linalg.svd uses (linalg_kernels.ts). The gradient is PyTorch's for a
 * simple spectrum: u_k v_k^T for the largest (2) or smallest (-2) singular value, U V^T for the nuclear norm.
 */

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
    const { s, u, v } = jacobiSvd(data.subarray(b * m * n, (b + 1) * m * n) as Float64Array, m, n, false);
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
