// AVX2+FMA kernel sets (float: 8 lanes, 6x16 tile; double: 4 lanes, 6x8 tile). Compiled for any
// x86-64; reached only after run-time CPU detection.
#include "kd_gemm.h"

#if KD_X86_SIMD
#include <immintrin.h>

#define KD_TGT __attribute__((target("avx2,fma")))
#define KD_VINL static inline __attribute__((always_inline, target("avx2,fma")))

namespace {

struct Avx2F32 {
  using T = float;
  using V = __m256;
  static constexpr int W = 8;
  KD_VINL V zero() { return _mm256_setzero_ps(); }
  KD_VINL V load(const T* p) { return _mm256_load_ps(p); }
  KD_VINL V loadu(const T* p) { return _mm256_loadu_ps(p); }
  KD_VINL void store(T* p, V v) { _mm256_store_ps(p, v); }
  KD_VINL void storeu(T* p, V v) { _mm256_storeu_ps(p, v); }
  KD_VINL V bcast(const T* p) { return _mm256_broadcast_ss(p); }
  KD_VINL V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  KD_VINL V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  KD_VINL V add(V a, V b) { return _mm256_add_ps(a, b); }
};

struct Avx2F64 {
  using T = double;
  using V = __m256d;
  static constexpr int W = 4;
  KD_VINL V zero() { return _mm256_setzero_pd(); }
  KD_VINL V load(const T* p) { return _mm256_load_pd(p); }
  KD_VINL V loadu(const T* p) { return _mm256_loadu_pd(p); }
  KD_VINL void store(T* p, V v) { _mm256_store_pd(p, v); }
  KD_VINL void storeu(T* p, V v) { _mm256_storeu_pd(p, v); }
  KD_VINL V bcast(const T* p) { return _mm256_broadcast_sd(p); }
  KD_VINL V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  KD_VINL V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  KD_VINL V add(V a, V b) { return _mm256_add_pd(a, b); }
};

}  // namespace

#include "kd_transpose.h"

#define VT Avx2F32
#define KD_NS avx2_f32
#define KD_MR 6
#define KD_NV 2
#define KD_SET_NAME kAvx2F32
#define KD_SET_LABEL "avx2"
#define KD_KC 256
#define KD_PACK_B_FAST(src, ld, kc, dst) transpose_pack_f32(src, ld, kNR, kc, dst, kNR)
#include "kd_ukernel.h"
#undef KD_PACK_B_FAST
#undef VT
#undef KD_NS
#undef KD_MR
#undef KD_NV
#undef KD_SET_NAME
#undef KD_SET_LABEL
#undef KD_KC

#define VT Avx2F64
#define KD_NS avx2_f64
#define KD_MR 6
#define KD_NV 2
#define KD_SET_NAME kAvx2F64
#define KD_SET_LABEL "avx2"
#define KD_KC 256
#define KD_PACK_B_FAST(src, ld, kc, dst) transpose_pack_f64(src, ld, kNR, kc, dst, kNR)
#include "kd_ukernel.h"

#endif  // KD_X86_SIMD
