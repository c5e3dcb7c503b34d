// Register-tiled micro-kernel, macro-kernel and packing routines, written once against a small
// vector-traits interface and instantiated per ISA. The including file defines, before including:
//
//   KD_TGT      function attribute selecting the ISA (e.g. __attribute__((target("avx2,fma"))))
//               or nothing for the portable build
//   VT          traits struct: T (element), V (vector), W (lanes), zero(), load() (aligned),
//               loadu(), storeu(), store() (aligned), bcast(const T*), fma(a, b, c) = a*b + c,
//               mul(), add()
//   KD_MR       register tile rows
//   KD_NV       register tile columns, in vectors (NR = KD_NV * W)
//   KD_NS       namespace for this instantiation (a file may include this header several times)
//   KD_SET_NAME name of the KernelSet<T> object to define, KD_SET_LABEL its name string,
//               KD_KC its K blocking
//   KD_PACK_A_FAST(src, ld, kc, dst) / KD_PACK_B_FAST(src, ld, kc, dst) (optional) expressions,
//               evaluated inside KD_NS (where kMR / kNR are visible), that pack one full panel of
//               a non-transposed A / a transposed B (rows of src become packed columns) and yield
//               false when they do not apply
//
// Everything here but the KernelSet object has internal linkage, so each ISA's instantiations stay
// in its own translation unit and can never be picked by the linker for code that runs on a lesser
// CPU.
#include <array>
#include <utility>

#include "kd_gemm.h"

#ifndef KD_RESTRICT
#if defined(__GNUC__) || defined(__clang__)
#define KD_RESTRICT __restrict__
#else
#define KD_RESTRICT
#endif
#endif

namespace {
namespace KD_NS {

using kd::idx;
using T = VT::T;
using V = VT::V;
constexpr int kW = VT::W;
constexpr int kMR = KD_MR;
constexpr int kNV = KD_NV;
constexpr int kNR = kNV * kW;

using MicroKernel = void (*)(idx kc, const T* Ap, const T* Bp, T* C, idx ldc, int nr, T alpha, T beta);

// acc[MRA x NVA vectors] = Ap (MRA rows of an mr-row panel) @ Bp (NVA vectors of an NR-wide panel),
// then C[0:MRA, 0:nr] = alpha * acc + beta * C. nr <= NVA * W; the packed B lanes past nr are zero.
template <int MRA, int NVA>
KD_TGT void micro_kernel(idx kc, const T* KD_RESTRICT Ap, const T* KD_RESTRICT Bp, T* KD_RESTRICT C,
                         idx ldc, int nr, T alpha, T beta) {
  V acc[MRA][NVA];
#pragma GCC unroll 16
  for (int i = 0; i < MRA; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NVA; ++v) acc[i][v] = VT::zero();

#pragma GCC unroll 2
  for (idx k = 0; k < kc; ++k) {
    V b[NVA];
#pragma GCC unroll 8
    for (int v = 0; v < NVA; ++v) b[v] = VT::load(Bp + v * kW);
#pragma GCC unroll 16
    for (int i = 0; i < MRA; ++i) {
      const V a = VT::bcast(Ap + i);
#pragma GCC unroll 8
      for (int v = 0; v < NVA; ++v) acc[i][v] = VT::fma(a, b[v], acc[i][v]);
    }
    Ap += kMR;
    Bp += kNR;
  }

  const V va = VT::bcast(&alpha);
  if (nr == NVA * kW) {
    if (beta == T(0)) {
#pragma GCC unroll 16
      for (int i = 0; i < MRA; ++i)
#pragma GCC unroll 8
        for (int v = 0; v < NVA; ++v) VT::storeu(C + i * ldc + v * kW, VT::mul(va, acc[i][v]));
    } else if (beta == T(1)) {
#pragma GCC unroll 16
      for (int i = 0; i < MRA; ++i)
#pragma GCC unroll 8
        for (int v = 0; v < NVA; ++v) {
          T* c = C + i * ldc + v * kW;
          VT::storeu(c, VT::fma(va, acc[i][v], VT::loadu(c)));
        }
    } else {
      const V vb = VT::bcast(&beta);
#pragma GCC unroll 16
      for (int i = 0; i < MRA; ++i)
#pragma GCC unroll 8
        for (int v = 0; v < NVA; ++v) {
          T* c = C + i * ldc + v * kW;
          VT::storeu(c, VT::fma(va, acc[i][v], VT::mul(vb, VT::loadu(c))));
        }
    }
    return;
  }

  // Ragged right edge: spill the tile and finish with scalar code.
  alignas(64) T tmp[MRA * NVA * kW];
#pragma GCC unroll 16
  for (int i = 0; i < MRA; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NVA; ++v) VT::store(tmp + (i * NVA + v) * kW, VT::mul(va, acc[i][v]));
  for (int i = 0; i < MRA; ++i) {
    T* c = C + i * ldc;
    const T* t = tmp + i * NVA * kW;
    if (beta == T(0)) {
      for (int j = 0; j < nr; ++j) c[j] = t[j];
    } else {
      for (int j = 0; j < nr; ++j) c[j] = t[j] + beta * c[j];
    }
  }
}

template <int MRA, std::size_t... Vs>
constexpr std::array<MicroKernel, kNV> kernel_row(std::index_sequence<Vs...>) {
  return {{&micro_kernel<MRA, int(Vs) + 1>...}};
}

template <std::size_t... Ms>
constexpr std::array<std::array<MicroKernel, kNV>, kMR> kernel_table(std::index_sequence<Ms...>) {
  return {{kernel_row<int(Ms) + 1>(std::make_index_sequence<kNV>())...}};
}

// Depth up to which the macro-kernel walks C by rows (see macro_kernel).
constexpr idx kShallowK = 64;

// kKernels[mr - 1][nv - 1]: tile of mr rows and nv vectors.
const std::array<std::array<MicroKernel, kNV>, kMR> kKernels =
    kernel_table(std::make_index_sequence<kMR>());

KD_TGT void macro_kernel(idx mc, idx nc, idx kc, const T* Ap, const T* Bp, T* C, idx ldc, T alpha,
                         T beta) {
  if (kc <= kShallowK) {
    // A shallow K (a weight gradient: K = the batch) makes C the big operand: walk it row block by row
    // block, each across all its columns, so that C is written along its rows (the hardware prefetcher
    // follows those) rather than down its columns (a new page every row). Same tiles, same results.
    for (idx i = 0; i < mc; i += kMR) {
      const int mr = int(mc - i < kMR ? mc - i : kMR);
      const T* ap = Ap + i * kc;
      for (idx j = 0; j < nc; j += kNR) {
        const int nr = int(nc - j < kNR ? nc - j : kNR);
        const int nv = (nr + kW - 1) / kW;
        T* c = C + i * ldc + j;
        if (mr == kMR && nv == kNV) {
          micro_kernel<kMR, kNV>(kc, ap, Bp + j * kc, c, ldc, nr, alpha, beta);
        } else {
          kKernels[mr - 1][nv - 1](kc, ap, Bp + j * kc, c, ldc, nr, alpha, beta);
        }
      }
    }
    return;
  }
  for (idx j = 0; j < nc; j += kNR) {
    const int nr = int(nc - j < kNR ? nc - j : kNR);
    const int nv = (nr + kW - 1) / kW;
    const T* bp = Bp + j * kc;
    for (idx i = 0; i < mc; i += kMR) {
      const int mr = int(mc - i < kMR ? mc - i : kMR);
      const T* ap = Ap + i * kc;
      T* c = C + i * ldc + j;
      if (mr == kMR && nv == kNV) {
        micro_kernel<kMR, kNV>(kc, ap, bp, c, ldc, nr, alpha, beta);
      } else {
        kKernels[mr - 1][nv - 1](kc, ap, bp, c, ldc, nr, alpha, beta);
      }
    }
  }
}

KD_TGT void pack_a(bool trans, const T* A, idx lda, idx mc, idx kc, T* Ap) {
  if (trans) {
    // op(A)(i, k) = A[k*lda + i]: walk A row by row (sequential reads), scattering each row's mc
    // elements over the panels. A panel-by-panel walk read mr elements per row at a stride of lda,
    // which for power-of-two lda maps every row to one L1 set (the weight-gradient GEMMs, TN, ran
    // ~10% slower than NN on the same shape).
    const idx full = mc / kMR * kMR;
    const int rest = int(mc - full);
    for (idx k = 0; k < kc; ++k) {
      const T* KD_RESTRICT src = A + k * lda;
      T* KD_RESTRICT dst = Ap + k * kMR;
      for (idx p = 0; p < full; p += kMR) {
#pragma GCC unroll 16
        for (int i = 0; i < kMR; ++i) dst[p * kc + i] = src[p + i];
      }
      for (int i = 0; i < rest; ++i) dst[full * kc + i] = src[full + i];
    }
    return;
  }
  for (idx p = 0; p < mc; p += kMR) {
    const int mr = int(mc - p < kMR ? mc - p : kMR);
    T* KD_RESTRICT dst = Ap + p * kc;
    // Rows of A are contiguous in k: gather one element from each of mr rows per k.
#ifdef KD_PACK_A_FAST
    if (mr == kMR && KD_PACK_A_FAST(A + p * lda, lda, kc, dst)) continue;
#endif
    const T* rows[kMR];
    for (int i = 0; i < mr; ++i) rows[i] = A + (p + i) * lda;
    if (mr == kMR) {
      for (idx k = 0; k < kc; ++k)
#pragma GCC unroll 16
        for (int i = 0; i < kMR; ++i) dst[k * kMR + i] = rows[i][k];
    } else {
      for (idx k = 0; k < kc; ++k)
        for (int i = 0; i < mr; ++i) dst[k * kMR + i] = rows[i][k];
    }
  }
}

KD_TGT void pack_b(bool trans, const T* B, idx ldb, idx kc, idx nc, T* Bp) {
  if (!trans) {
    // Row k of op(B) is contiguous: walk B row by row (sequential reads; a panel-by-panel walk
    // would read with a stride of ldb, which aliases in the L1 for power-of-two ldb), scattering
    // each row over the panels.
    const idx full = nc / kNR * kNR;
    const int rest = int(nc - full);
    const int w = (rest + kW - 1) / kW * kW;
    for (idx k = 0; k < kc; ++k) {
      const T* KD_RESTRICT src = B + k * ldb;
      T* KD_RESTRICT dst = Bp + k * kNR;
      for (idx q = 0; q < full; q += kNR) {
#pragma GCC unroll 8
        for (int v = 0; v < kNV; ++v) VT::store(dst + q * kc + v * kW, VT::loadu(src + q + v * kW));
      }
      if (rest) {
        T* KD_RESTRICT d = dst + full * kc;
        int j = 0;
        for (; j < rest; ++j) d[j] = src[full + j];
        for (; j < w; ++j) d[j] = T(0);
      }
    }
    return;
  }
  for (idx q = 0; q < nc; q += kNR) {
    const int nr = int(nc - q < kNR ? nc - q : kNR);
    const int w = (nr + kW - 1) / kW * kW;
    T* KD_RESTRICT dst = Bp + q * kc;
    // op(B)(k, j) = B[j*ldb + k]: each column j of the panel is a contiguous row of B.
#ifdef KD_PACK_B_FAST
    if (nr == kNR && KD_PACK_B_FAST(B + q * ldb, ldb, kc, dst)) continue;
#endif
    for (int j = 0; j < nr; ++j) {
      const T* KD_RESTRICT src = B + (q + j) * ldb;
      for (idx k = 0; k < kc; ++k) dst[k * kNR + j] = src[k];
    }
    if (nr < w) {
      for (idx k = 0; k < kc; ++k)
        for (int j = nr; j < w; ++j) dst[k * kNR + j] = T(0);
    }
  }
}

}  // namespace KD_NS
}  // namespace

namespace kd {
const KernelSet<KD_NS::T> KD_SET_NAME = {
    KD_SET_LABEL,
    KD_NS::kMR,
    KD_NS::kNR,
    KD_KC,
    &KD_NS::pack_a,
    &KD_NS::pack_b,
    &KD_NS::macro_kernel,
};
}  // namespace kd
