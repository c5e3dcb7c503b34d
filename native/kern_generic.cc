// Portable kernel sets: plain C++ over small fixed-size vectors. With GCC/Clang the vectors are
// vector extensions, which become SSE2 on x86-64 and NEON on arm64 with baseline compiler flags;
// elsewhere they are scalars.
#include <cstring>

#include "kd_gemm.h"

#define KD_TGT

namespace {

#if defined(__GNUC__) || defined(__clang__)
typedef float kd_v4f __attribute__((vector_size(16)));
typedef double kd_v2d __attribute__((vector_size(16)));

template <class E, class Vec, int Lanes>
struct GenericVec {
  using T = E;
  using V = Vec;
  static constexpr int W = Lanes;
  static inline V zero() { return V{}; }
  static inline V load(const T* p) {
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static inline V loadu(const T* p) { return load(p); }
  static inline void store(T* p, V v) { std::memcpy(p, &v, sizeof v); }
  static inline void storeu(T* p, V v) { store(p, v); }
  static inline V bcast(const T* p) { return V{} + *p; }
  static inline V fma(V a, V b, V c) { return a * b + c; }
  static inline V mul(V a, V b) { return a * b; }
  static inline V add(V a, V b) { return a + b; }
};
using GenericF32 = GenericVec<float, kd_v4f, 4>;
using GenericF64 = GenericVec<double, kd_v2d, 2>;
#else
template <class E>
struct GenericScalar {
  using T = E;
  using V = E;
  static constexpr int W = 1;
  static inline V zero() { return V(0); }
  static inline V load(const T* p) { return *p; }
  static inline V loadu(const T* p) { return *p; }
  static inline void store(T* p, V v) { *p = v; }
  static inline void storeu(T* p, V v) { *p = v; }
  static inline V bcast(const T* p) { return *p; }
  static inline V fma(V a, V b, V c) { return a * b + c; }
  static inline V mul(V a, V b) { return a * b; }
  static inline V add(V a, V b) { return a + b; }
};
using GenericF32 = GenericScalar<float>;
using GenericF64 = GenericScalar<double>;
#endif

}  // namespace

#define VT GenericF32
#define KD_NS generic_f32
#define KD_MR 4
#define KD_NV (8 / GenericF32::W)
#define KD_SET_NAME kGenericF32
#define KD_SET_LABEL "generic"
#define KD_KC 256
#include "kd_ukernel.h"
#undef VT
#undef KD_NS
#undef KD_MR
#undef KD_NV
#undef KD_SET_NAME
#undef KD_SET_LABEL
#undef KD_KC

#define VT GenericF64
#define KD_NS generic_f64
#define KD_MR 4
#define KD_NV (4 / GenericF64::W)
#define KD_SET_NAME kGenericF64
#define KD_SET_LABEL "generic"
#define KD_KC 256
#include "kd_ukernel.h"
