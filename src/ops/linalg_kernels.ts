/**
 * Per-matrix numerics for the decompositions (Cholesky, Householder QR, Jacobi eigh and SVD,
 * triangular solves), over row-major Float64Array work buffers. These are small-matrix routines
 * (O(n^3) loops, no blocking): the ops in linalg_*.ts run them once per matrix of a batch and write
 * their gradients with tensor ops.
 */

/**
 * Cholesky of the lower triangle of the n x n matrix at a[off..], in place (LAPACK's potf2): 0 on
 * success, else the order of the first leading minor that is not positive-definite. As potf2, a
 * failure leaves the failing diagonal entry as computed and later columns as they were.
 */
export function choleskyLower(a: Float64Array, off: number, n: number): number {
  for (let j = 0; j < n; j++) {
    let d = a[off + j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[off + j * n + k]! ** 2;
    if (!(d > 0)) {
      a[off + j * n + j] = d;
      return j + 1;
    }
    d = Math.sqrt(d);
    a[off + j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = a[off + i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[off + i * n + k]! * a[off + j * n + k]!;
      a[off + i * n + j] = s / d;
    }
  }
  return 0;
}

/**
 * Solves op(T) X = B in place in b (n x k at b[boff..]) for the triangular n x n T at t[toff..]:
 * lower or upper, transposed or not, unit diagonal or not. Only T's triangle is read.
 */
export function triSolve(t: Float64Array, toff: number, n: number, b: Float64Array, boff: number, k: number, upper: boolean, trans: boolean, unit: boolean): void {
  // op(T) is lower when exactly one of (lower, transposed) holds: substitute forwards, else backwards.
  const forward = upper === trans;
  const at = (i: number, j: number): number => (trans ? t[toff + j * n + i]! : t[toff + i * n + j]!);
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const d = unit ? 1 : at(i, i);
    for (let c = 0; c < k; c++) {
      let s = b[boff + i * k + c]!;
      if (forward) for (let j = 0; j < i; j++) s -= at(i, j) * b[boff + j * k + c]!;
      else for (let j = i + 1; j < n; j++) s -= at(i, j) * b[boff + j * k + c]!;
      b[boff + i * k + c] = s / d;
    }
  }
}

/**
 * LAPACK's geqrf on the m x n matrix a (row-major, copied): R on and above the diagonal, each
 * reflector's v below it (v_j = 1 implied), and tau. R_jj takes dlarfg's sign -sign(a_jj) (a column
 * already zero below keeps its entry, tau 0), so the factors match PyTorch's for the same input.
 */
export function geqrf(a: Float64Array, m: number, n: number): { w: Float64Array; tau: Float64Array } {
  const w = Float64Array.from(a);
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const alpha = w[j * n + j]!;
    let xnorm = 0;
    for (let i = j + 1; i < m; i++) xnorm = Math.hypot(xnorm, w[i * n + j]!);
    if (xnorm === 0) continue;
    // Fortran's SIGN(x, 0) is +|x|: a zero alpha gives beta = -norm.
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
    tau[j] = (beta - alpha) / beta;
    for (let i = j + 1; i < m; i++) w[i * n + j] = w[i * n + j]! / (alpha - beta);
    w[j * n + j] = beta;
    for (let c = j + 1; c < n; c++) {
      let s = w[j * n + c]!;
      for (let i = j + 1; i < m; i++) s += w[i * n + j]! * w[i * n + c]!;
      s *= tau[j]!;
      w[j * n + c] = w[j * n + c]! - s;
      for (let i = j + 1; i < m; i++) w[i * n + c] = w[i * n + c]! - s * w[i * n + j]!;
    }
  }
  return { w, tau };
}

/**
 * H_0 ... H_{k-1} (H_j = I - tau_j v_j v_j^T, v_j read from column j of the packed m x n w below the
 * diagonal) applied to the first qCols columns of the identity: LAPACK's orgqr.
 */
export function orgqr(w: Float64Array, m: number, n: number, tau: Float64Array, qCols: number): Float64Array {
  const q = new Float64Array(m * qCols);
  for (let i = 0; i < Math.min(m, qCols); i++) q[i * qCols + i] = 1;
  for (let j = tau.length - 1; j >= 0; j--) {
    const t = tau[j]!;
    if (t === 0) continue;
    for (let c = 0; c < qCols; c++) {
      let s = q[j * qCols + c]!;
      for (let i = j + 1; i < m; i++) s += w[i * n + j]! * q[i * qCols + c]!;
      s *= t;
      q[j * qCols + c] = q[j * qCols + c]! - s;
      for (let i = j + 1; i < m; i++) q[i * qCols + c] = q[i * qCols + c]! - s * w[i * n + j]!;
    }
  }
  return q;
}

/** QR of the m x n matrix a as geqrf + orgqr: Q m x qCols (qCols = min(m, n) or m), R qCols x n. */
export function householderQr(a: Float64Array, m: number, n: number, qCols: number): { q: Float64Array; r: Float64Array } {
  const { w, tau } = geqrf(a, m, n);
  const q = orgqr(w, m, n, tau, qCols);
  const r = new Float64Array(qCols * n);
  for (let i = 0; i < Math.min(qCols, m); i++) for (let c = i; c < n; c++) r[i * n + c] = w[i * n + c]!;
  return { q, r };
}

/**
 * Eigen-decomposition of the symmetric n x n matrix s (row-major; both triangles read, so the caller
 * mirrors the one it means) by cyclic Jacobi rotations: eigenvalues ascending, eigenvectors as columns.
 */
export function jacobiEigh(s: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(s);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += a[i * n + j]! ** 2;
        if (i !== j) off += a[i * n + j]! ** 2;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        // A <- J^T A J with J the rotation in the (p, q) plane.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - sn * akq;
          a[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - sn * aqk;
          a[q * n + k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[x * n + x]! - a[y * n + y]!);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src]!;
  });
  return { values, vectors };
}

/**
 * Fills columns from..cols-1 of the rows x cols matrix u (row-major) with unit vectors orthogonal to
 * all columns before them (Gram-Schmidt, twice, over the standard basis): the part of U or V that a
 * zero singular value or full_matrices leaves undetermined.
 */
export function completeColumns(u: Float64Array, rows: number, cols: number, from: number): void {
  let basis = 0;
  for (let c = from; c < cols; c++) {
    for (; basis < rows; basis++) {
      const x = new Float64Array(rows);
      x[basis] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < c; p++) {
          let d = 0;
          for (let i = 0; i < rows; i++) d += u[i * cols + p]! * x[i]!;
          for (let i = 0; i < rows; i++) x[i] = x[i]! - d * u[i * cols + p]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += x[i]! ** 2;
      norm = Math.sqrt(norm);
      if (norm < 0.5) continue;
      for (let i = 0; i < rows; i++) u[i * cols + c] = x[i]! / norm;
      basis++;
      break;
    }
  }
}

/**
 * SVD of the m x n matrix a (row-major) by one-sided Jacobi rotations on the columns of a (or of a^T
 * when m < n), which keeps small singular values accurate: S descending, U m x uCols, V n x vCols
 * (uCols, vCols = min(m, n) for the reduced form, m and n for the full one).
 */
export function jacobiSvd(a: Float64Array, m: number, n: number, full: boolean): { s: Float64Array; u: Float64Array; v: Float64Array } {
  if (m < n) {
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
    const r = jacobiSvd(t, n, m, full);
    return { s: r.s, u: r.v, v: r.u };
  }
  const w = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 80; sweep++) {
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
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let k = 0; k < m; k++) {
          const x = w[k * n + i]!;
          const y = w[k * n + j]!;
          w[k * n + i] = c * x - sn * y;
          w[k * n + j] = sn * x + c * y;
        }
        for (let k = 0; k < n; k++) {
          const x = v[k * n + i]!;
          const y = v[k * n + j]!;
          v[k * n + i] = c * x - sn * y;
          v[k * n + j] = sn * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += w[k * n + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y]! - norms[x]!);
  const uCols = full ? m : n;
  const s = Float64Array.from(order, (j) => norms[j]!);
  const u = new Float64Array(m * uCols);
  const vo = new Float64Array(n * n);
  let kept = 0;
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vo[k * n + dst] = v[k * n + src]!;
    if (kept < dst) return;
    // A column of a (numerically) zero singular value is noise: orthogonalise it against the columns
    // before it, and where nothing is left complete U from the standard basis instead.
    const x = Float64Array.from({ length: m }, (_, k) => w[k * n + src]!);
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < dst; p++) {
        let d = 0;
        for (let k = 0; k < m; k++) d += u[k * uCols + p]! * x[k]!;
        for (let k = 0; k < m; k++) x[k] = x[k]! - d * u[k * uCols + p]!;
      }
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += x[k]! ** 2;
    norm = Math.sqrt(norm);
    if (!(norm > 1e-8 * norms[src]!) || norms[src] === 0) return;
    for (let k = 0; k < m; k++) u[k * uCols + dst] = x[k]! / norm;
    kept = dst + 1;
  });
  completeColumns(u, m, uCols, kept);
  return { s, u, v: vo };
}
