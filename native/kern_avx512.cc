// AVX-512 kernel sets (float: 16 lanes, double: 8 lanes). Compiled for any x86-64: every function
// that uses AVX-512 carries a target attribute and is only reached after run-time CPU detection.
#include "kd_gemm.h"

#if KD_X86_SIMD
#include <immintrin.h>

#define KD_TGT __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))
#define KD_VINL static inline __attribute__((always_inline, target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma")))

namespace {

struct Avx512F32 {
  using T = float;
  using V = __m512;
  static constexpr int W = 16;
  KD_VINL V zero() { return _mm512_setzero_ps(); }
  KD_VINL V load(const T* p) { return _mm512_load_ps(p); }
  KD_VINL V loadu(const T* p) { return _mm512_loadu_ps(p); }
  KD_VINL void store(T* p, V v) { _mm512_store_ps(p, v); }
  KD_VINL void storeu(T* p, V v) { _mm512_storeu_ps(p, v); }
  KD_VINL V bcast(const T* p) { return _mm512_set1_ps(*p); }
  KD_VINL V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  KD_VINL V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  KD_VINL V add(V a, V b) { return _mm512_add_ps(a, b); }
};

struct Avx512F64 {
  using T = double;
  using V = __m512d;
  static constexpr int W = 8;
  KD_VINL V zero() { return _mm512_setzero_pd(); }
  KD_VINL V load(const T* p) { return _mm512_load_pd(p); }
  KD_VINL V loadu(const T* p) { return _mm512_loadu_pd(p); }
  KD_VINL void store(T* p, V v) { _mm512_store_pd(p, v); }
  KD_VINL void storeu(T* p, V v) { _mm512_storeu_pd(p, v); }
  KD_VINL V bcast(const T* p) { return _mm512_set1_pd(*p); }
  KD_VINL V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  KD_VINL V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  KD_VINL V add(V a, V b) { return _mm512_add_pd(a, b); }
};

}  // namespace

#include "kd_transpose.h"

#ifndef KD_AVX512_MR
#define KD_AVX512_MR 8
#endif
#ifndef KD_AVX512_NV
#define KD_AVX512_NV 3
#endif
#ifndef KD_AVX512_KC
#define KD_AVX512_KC 256
#endif

#define VT Avx512F32
#define KD_NS avx512_f32
#define KD_MR KD_AVX512_MR
#define KD_NV KD_AVX512_NV
#define KD_SET_NAME kAvx512F32
#define KD_SET_LABEL "avx512"
#define KD_KC KD_AVX512_KC
#if KD_AVX512_MR % 8 == 0
#define KD_PACK_A_FAST(src, ld, kc, dst) transpose_pack_f32(src, ld, kMR, kc, dst, kMR)
#endif
#if (KD_AVX512_NV * 16) % 8 == 0
#define KD_PACK_B_FAST(src, ld, kc, dst) transpose_pack_f32(src, ld, kNR, kc, dst, kNR)
#endif
#include "kd_ukernel.h"
#undef KD_PACK_A_FAST
#undef KD_PACK_B_FAST
#undef VT
#undef KD_NS
#undef KD_MR
#undef KD_NV
#undef KD_SET_NAME
#undef KD_SET_LABEL
#undef KD_KC

#define VT Avx512F64
#define KD_NS avx512_f64
#define KD_MR 8
#define KD_NV 3
#define KD_SET_NAME kAvx512F64
#define KD_SET_LABEL "avx512"
#define KD_KC 256
#define KD_PACK_A_FAST(src, ld, kc, dst) transpose_pack_f64(src, ld, kMR, kc, dst, kMR)
#define KD_PACK_B_FAST(src, ld, kc, dst) transpose_pack_f64(src, ld, kNR, kc, dst, kNR)
#include "kd_ukernel.h"

#endif  // KD_X86_SIMD
