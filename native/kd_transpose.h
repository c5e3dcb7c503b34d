// In-register transposes used to pack row-major panels whose rows become packed columns (A not
// transposed, B transposed). Included by the x86 kernel files after KD_TGT is defined (AVX2 or
// better); everything has internal linkage.
#include <immintrin.h>

#include "kd_gemm.h"

namespace {

// Transposes the 8x8 block at s (row stride ld) into d (row stride stride).
KD_TGT static inline __attribute__((always_inline)) void transpose8x8_f32(const float* s, kd::idx ld, float* d,
                                                                        int stride) {
  const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ld), r2 = _mm256_loadu_ps(s + 2 * ld),
               r3 = _mm256_loadu_ps(s + 3 * ld), r4 = _mm256_loadu_ps(s + 4 * ld),
               r5 = _mm256_loadu_ps(s + 5 * ld), r6 = _mm256_loadu_ps(s + 6 * ld),
               r7 = _mm256_loadu_ps(s + 7 * ld);
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(d + stride, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(d + 2 * stride, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(d + 3 * stride, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(d + 4 * stride, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(d + 5 * stride, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(d + 6 * stride, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(d + 7 * stride, _mm256_permute2f128_ps(u3, u7, 0x31));
}

// dst[k*stride + r] = src[r*ld + k] for r < rows (a multiple of 8), k < kc. Walks 8 source rows
// at a time from start to end: 8 sequential streams. (Walking all rows one k block at a time is
// 2.5x slower when ld is a multiple of 1024 elements, as the rows then alias in the caches.)
KD_TGT bool transpose_pack_f32(const float* src, kd::idx ld, int rows, kd::idx kc, float* dst, int stride) {
  const kd::idx kc8 = kc / 8 * 8;
  for (int rb = 0; rb < rows; rb += 8) {
    const float* s = src + rb * ld;
    float* d = dst + rb;
    for (kd::idx k = 0; k < kc8; k += 8) transpose8x8_f32(s + k, ld, d + k * stride, stride);
    for (kd::idx k = kc8; k < kc; ++k)
      for (int r = 0; r < 8; ++r) d[k * stride + r] = s[r * ld + k];
  }
  return true;
}

// dst[k*stride + r] = src[r*ld + k] for r < rows (a multiple of 4), k < kc.
KD_TGT bool transpose_pack_f64(const double* src, kd::idx ld, int rows, kd::idx kc, double* dst, int stride) {
  const kd::idx kc4 = kc / 4 * 4;
  for (int rb = 0; rb < rows; rb += 4) {
    const double* s0 = src + rb * ld;
    double* d0 = dst + rb;
    for (kd::idx k = 0; k < kc4; k += 4) {
      const double* s = s0 + k;
      const __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + ld), r2 = _mm256_loadu_pd(s + 2 * ld),
                    r3 = _mm256_loadu_pd(s + 3 * ld);
      const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
      const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
      double* d = d0 + k * stride;
      _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
      _mm256_storeu_pd(d + stride, _mm256_permute2f128_pd(t1, t3, 0x20));
      _mm256_storeu_pd(d + 2 * stride, _mm256_permute2f128_pd(t0, t2, 0x31));
      _mm256_storeu_pd(d + 3 * stride, _mm256_permute2f128_pd(t1, t3, 0x31));
    }
    for (kd::idx k = kc4; k < kc; ++k)
      for (int r = 0; r < 4; ++r) d0[k * stride + r] = s0[r * ld + k];
  }
  return true;
}

}  // namespace
