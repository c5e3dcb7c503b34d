type F = Float32Array | Float64Array;

/**
 * Reference GEMM in plain JS. Loop order keeps the innermost loop on unit stride: i-k-j when op(B)
 * rows are contiguous, an i-j-k dot product when both op(A) rows and op(B) columns are. Other layouts
 * pack op(B) once. Faster backends replace this; it stays the correctness reference.
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: F, aOff: number, lda: number, B: F, bOff: number, ldb: number,
  beta: number, C: F, cOff: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    const c0 = cOff + i * ldc;
    if (beta === 0) C.fill(0, c0, c0 + N);
    else if (beta !== 1) for (let j = 0; j < N; j++) C[c0 + j]! *= beta;
  }
  if (K === 0 || alpha === 0) return;
  const sai = transA ? 1 : lda;
  const sak = transA ? lda : 1;
  if (!transB) {
    for (let i = 0; i < M; i++) {
      const c0 = cOff + i * ldc;
      for (let k = 0; k < K; k++) {
        // No skip for a == 0: 0 * NaN and 0 * inf in B must give NaN, as in BLAS and the other backends.
        const a = alpha * A[aOff + i * sai + k * sak]!;
        const b0 = bOff + k * ldb;
        for (let j = 0; j < N; j++) C[c0 + j]! += a * B[b0 + j]!;
      }
    }
    return;
  }
  if (!transA) {
    for (let i = 0; i < M; i++) {
      const a0 = aOff + i * lda;
      const c0 = cOff + i * ldc;
      for (let j = 0; j < N; j++) {
        const b0 = bOff + j * ldb;
        let s = 0;
        for (let k = 0; k < K; k++) s += A[a0 + k]! * B[b0 + k]!;
        C[c0 + j]! += alpha * s;
      }
    }
    return;
  }
  // Both transposed: pack op(B) = B^T into row-major KxN, then reuse the i-k-j path.
  const packed = new (B.constructor as new (n: number) => F)(K * N);
  for (let j = 0; j < N; j++) for (let k = 0; k < K; k++) packed[k * N + j] = B[bOff + j * ldb + k]!;
  gemm(transA, false, M, N, K, alpha, A, aOff, lda, packed, 0, N, 1, C, cOff, ldc);
}
