// kindling native GEMM: shared declarations.
//
// Layout of the implementation:
//   kd_gemm.h        this header: kernel-set description, driver entry points, ISA selection
//   kd_ukernel.h     register-tiled micro-kernel and packing templates, included once per ISA
//   kd_transpose.h   in-register 8x8 / 4x4 transposes for packing row-major panels (x86 only)
//   kern_avx512.cc   AVX-512 kernel set (compiled with target attributes, selected at run time)
//   kern_avx2.cc     AVX2+FMA kernel set (idem)
//   kern_generic.cc  portable kernel set (plain C++, whatever the baseline compiler flags give)
//   gemm_driver.cc   cache blocking, threading split, ISA dispatch
//   thread_pool.cc   persistent worker pool
//   addon.cc         Node-API binding and argument validation
#ifndef KD_GEMM_H
#define KD_GEMM_H

#include <cstddef>
#include <cstdint>

namespace kd {

using idx = std::ptrdiff_t;

#if !defined(KD_GENERIC_ONLY) && (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define KD_X86_SIMD 1
#else
#define KD_X86_SIMD 0
#endif

// A kernel set: blocking parameters plus packing routines and the macro-kernel for one ISA and one
// element type. The driver (gemm_driver.cc) is ISA-agnostic and only calls through these pointers.
template <class T>
struct KernelSet {
  const char* name;
  int mr;  // rows of the register tile (rows of a packed A micro-panel)
  int nr;  // columns of the register tile (columns of a packed B micro-panel)
  int kc;  // depth of a packed K block
  // Packs the mc x kc block of op(A) whose (0,0) element is at A into micro-panels of mr rows:
  // panel p holds Ap[p*mr*kc + k*mr + i] = op(A)(p*mr + i, k).
  void (*pack_a)(bool trans, const T* A, idx lda, idx mc, idx kc, T* Ap);
  // Packs the kc x nc block of op(B) whose (0,0) element is at B into micro-panels of nr columns,
  // zero-padded to whole vectors: Bp[q*nr*kc + k*nr + j] = op(B)(k, q*nr + j).
  void (*pack_b)(bool trans, const T* B, idx ldb, idx kc, idx nc, T* Bp);
  // C[0:mc, 0:nc] = alpha * Ap @ Bp + beta * C (beta == 0: C is not read).
  void (*macro)(idx mc, idx nc, idx kc, const T* Ap, const T* Bp, T* C, idx ldc, T alpha, T beta);
};

extern const KernelSet<float> kGenericF32;
extern const KernelSet<double> kGenericF64;
#if KD_X86_SIMD
extern const KernelSet<float> kAvx2F32;
extern const KernelSet<double> kAvx2F64;
extern const KernelSet<float> kAvx512F32;
extern const KernelSet<double> kAvx512F64;
#endif

enum class Simd { Generic = 0, Avx2 = 1, Avx512 = 2 };

// Best level this CPU (and OS) supports.
Simd detect_simd();
// Level in use; settable to any supported level (returns false if unsupported).
Simd current_simd();
bool set_simd(Simd level);
const char* simd_name(Simd level);
bool simd_from_name(const char* name, Simd* out);

// Thread count used by gemm (>= 1). Defaults to std::thread::hardware_concurrency().
int get_num_threads();
void set_num_threads(int n);

// C = alpha * op(A) @ op(B) + beta * C, row-major; arguments must already be validated.
// Returns false only if a packing buffer could not be allocated.
bool gemm(bool transA, bool transB, idx M, idx N, idx K, float alpha, const float* A, idx lda,
          const float* B, idx ldb, float beta, float* C, idx ldc);
bool gemm(bool transA, bool transB, idx M, idx N, idx K, double alpha, const double* A, idx lda,
          const double* B, idx ldb, double beta, double* C, idx ldc);

// C = act(op(A) @ op(B) + bias), bias [N] broadcast over the rows (null: none), act ReLU or none.
// The bias is written into each tile of C just before the GEMM accumulates onto it (beta = 1), so
// the result has the bits of a bias copied into C followed by gemm(..., beta = 1, ...), then relu.
bool gemm_bias_act(bool transA, bool transB, idx M, idx N, idx K, const float* A, idx lda, const float* B, idx ldb,
                   const float* bias, bool relu, float* C, idx ldc);
bool gemm_bias_act(bool transA, bool transB, idx M, idx N, idx K, const double* A, idx lda, const double* B, idx ldb,
                   const double* bias, bool relu, double* C, idx ldc);

}  // namespace kd

#endif
