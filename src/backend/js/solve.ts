import type { Storage } from "../../tensor/dtype.ts";

/**
 * Solves a_i x = b_i for each of `batch` row-major n x n matrices a_i and n x k right-hand sides b_i,
 * in place, by Gaussian elimination with partial pivoting (LAPACK getrf's pivot: the first largest |a|
 * in the column). b_i becomes x and a_i its U factor; det[i] gets det(a_i), info[i] the 1-based row of
 * the first zero pivot (0 when there is none; x is then inf/NaN, as a triangular solve gives).
 */
export function gaussSolve(a: Storage, b: Storage, batch: number, n: number, k: number, det: Float64Array, info: Float64Array): void {
  for (let m = 0; m < batch; m++) {
    const A = m * n * n;
    const B = m * n * k;
    let d = 1;
    let zero = 0;
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let r = c + 1; r < n; r++) if (Math.abs(a[A + r * n + c]!) > Math.abs(a[A + p * n + c]!)) p = r;
      if (p !== c) {
        for (let j = 0; j < n; j++) [a[A + c * n + j], a[A + p * n + j]] = [a[A + p * n + j]!, a[A + c * n + j]!];
        for (let j = 0; j < k; j++) [b[B + c * k + j], b[B + p * k + j]] = [b[B + p * k + j]!, b[B + c * k + j]!];
        d = -d;
      }
      const piv = a[A + c * n + c]!;
      d *= piv;
      if (piv === 0) {
        if (zero === 0) zero = c + 1;
        continue;
      }
      for (let r = c + 1; r < n; r++) {
        const f = a[A + r * n + c]! / piv;
        if (f === 0) continue;
        for (let j = c; j < n; j++) a[A + r * n + j] = a[A + r * n + j]! - f * a[A + c * n + j]!;
        for (let j = 0; j < k; j++) b[B + r * k + j] = b[B + r * k + j]! - f * b[B + c * k + j]!;
      }
    }
    for (let r = n - 1; r >= 0; r--) {
      for (let j = 0; j < k; j++) {
        let s = b[B + r * k + j]!;
        for (let c = r + 1; c < n; c++) s -= a[A + r * n + c]! * b[B + c * k + j]!;
        b[B + r * k + j] = s / a[A + r * n + r]!;
      }
    }
    det[m] = d;
    info[m] = zero;
  }
}
