// GEMM driver: argument-independent blocking (GotoBLAS/BLIS loop order), the split of C across
// threads, and run-time selection of the kernel set.
//
//   for jc in N by NC:            pack a KC x NC block of op(B)  (per K block)
//     for pc in K by KC:
//       for ic in M by MC:        pack an MC x KC block of op(A)
//         macro-kernel            MR x NR register tiles, B micro-panel resident in L1
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <thread>

#include "kd_gemm.h"
#include "thread_pool.h"

namespace kd {
namespace {

std::atomic<int> g_simd{-1};
std::atomic<int> g_threads{0};

// Below this many multiply-adds a call runs on the calling thread: waking a worker and splitting
// the packing costs more than it saves. (Measured on Zen 4/5: a 2-way split pays off from ~2^18.)
constexpr double kParallelMinMacs = 262144.0;


idx ceil_div(idx a, idx b) { return (a + b - 1) / b; }
idx round_up(idx a, idx b) { return ceil_div(a, b) * b; }

void* aligned_alloc64(std::size_t bytes) {
#if defined(_WIN32)
  return _aligned_malloc(bytes, 64);
#else
  void* p = nullptr;
  return posix_memalign(&p, 64, bytes) == 0 ? p : nullptr;
#endif
}

void aligned_free64(void* p) {
#if defined(_WIN32)
  _aligned_free(p);
#else
  std::free(p);
#endif
}

// Per-thread packing buffer, grown on demand and kept for the thread's lifetime.
struct PackBuffer {
  void* data = nullptr;
  std::size_t size = 0;
  ~PackBuffer() { aligned_free64(data); }
  void* get(std::size_t bytes) {
    if (bytes > size) {
      aligned_free64(data);
      data = aligned_alloc64(bytes);
      size = data ? bytes : 0;
    }
    return data;
  }
};

// Per-thread packing buffers: packed A (shared with helpers while a job runs) and packed B.
thread_local PackBuffer t_pack_a;
thread_local PackBuffer t_pack_b;

template <class T>
const KernelSet<T>& kernels_for(Simd level);

template <>
const KernelSet<float>& kernels_for<float>(Simd level) {
#if KD_X86_SIMD
  if (level == Simd::Avx512) return kAvx512F32;
  if (level == Simd::Avx2) return kAvx2F32;
#endif
  (void)level;
  return kGenericF32;
}

template <>
const KernelSet<double>& kernels_for<double>(Simd level) {
#if KD_X86_SIMD
  if (level == Simd::Avx512) return kAvx512F64;
  if (level == Simd::Avx2) return kAvx2F64;
#endif
  (void)level;
  return kGenericF64;
}

// C[0:M, 0:N] *= beta (beta == 0: overwrite with zeros, ignoring what C held).
template <class T>
void scale_c(idx M, idx N, T beta, T* C, idx ldc) {
  for (idx i = 0; i < M; ++i) {
    T* c = C + i * ldc;
    if (beta == T(0)) {
      for (idx j = 0; j < N; ++j) c[j] = T(0);
    } else if (beta != T(1)) {
      for (idx j = 0; j < N; ++j) c[j] *= beta;
    }
  }
}

// One row block of C: op(A) rows [0, mb) are packed (all of K) in Ap, as consecutive K blocks of
// kc_max (the last one shorter), each laid out by pack_a. Work items are tiles of C: `row_splits`
// row ranges times `col_chunks` column ranges; each item packs its columns of op(B) one K block at
// a time into the thread's own buffer and runs the macro-kernel on them.
template <class T>
struct BlockJob {
  const KernelSet<T>* ks;
  bool tb;
  idx mb, N, K, kc_max, mr_rows;
  T alpha, beta;
  const T* Ap;
  const T* B;
  idx ldb;
  T* C;
  idx ldc;
  idx row_width, row_splits, col_width, col_chunks;
  std::atomic<idx> next{0};
  std::atomic<bool> failed{false};
};

template <class T>
void run_block(void* ctx) {
  BlockJob<T>& j = *static_cast<BlockJob<T>*>(ctx);
  const KernelSet<T>& ks = *j.ks;
  const idx items = j.row_splits * j.col_chunks;
  T* Bp = nullptr;
  for (;;) {
    const idx item = j.next.fetch_add(1, std::memory_order_relaxed);
    if (item >= items) return;
    if (!Bp) {
      Bp = static_cast<T*>(t_pack_b.get(std::size_t(j.kc_max * j.col_width) * sizeof(T)));
      if (!Bp) {
        j.failed.store(true, std::memory_order_relaxed);
        j.next.store(items, std::memory_order_relaxed);
        return;
      }
    }
    const idx r0 = item / j.col_chunks * j.row_width, c0 = item % j.col_chunks * j.col_width;
    const idx rows = j.mb - r0 < j.row_width ? j.mb - r0 : j.row_width;
    const idx cols = j.N - c0 < j.col_width ? j.N - c0 : j.col_width;
    for (idx pc = 0; pc < j.K; pc += j.kc_max) {
      const idx kc = j.K - pc < j.kc_max ? j.K - pc : j.kc_max;
      ks.pack_b(j.tb, j.tb ? j.B + c0 * j.ldb + pc : j.B + pc * j.ldb + c0, j.ldb, kc, cols, Bp);
      ks.macro(rows, cols, kc, j.Ap + j.mr_rows * pc + r0 * kc, Bp, j.C + r0 * j.ldc + c0, j.ldc, j.alpha,
               pc == 0 ? j.beta : T(1));
    }
  }
}

// Tunables (bytes), overridable through the environment for experiments.
std::size_t tunable(const char* name, std::size_t fallback) {
  const char* s = std::getenv(name);
  const long v = s ? std::atol(s) : 0;
  return v > 0 ? std::size_t(v) : fallback;
}
// Largest packed row block of A (all of K). It is read from L2/L3 once per column chunk.
const std::size_t kABlockBytes = tunable("KD_ABLOCK_BYTES", 1 << 20);
// Size of a packed K block of a column chunk of B (kept in L2 while the row block runs over it).
const std::size_t kBChunkBytes = tunable("KD_BCHUNK_BYTES", 128 << 10);
// Work items per thread when a call is split (dynamic scheduling evens out load and stragglers).
const idx kItemsPerThread = idx(tunable("KD_ITEMS_PER_THREAD", 4));

template <class T>
bool gemm_impl(bool ta, bool tb, idx M, idx N, idx K, T alpha, const T* A, idx lda, const T* B,
               idx ldb, T beta, T* C, idx ldc) {
  if (M <= 0 || N <= 0) return true;
  if (K <= 0 || alpha == T(0)) {
    scale_c(M, N, beta, C, ldc);
    return true;
  }
  const KernelSet<T>& ks = kernels_for<T>(current_simd());
  const idx mr = ks.mr, nr = ks.nr;

  int nt = get_num_threads();
  if (double(M) * double(N) * double(K) < kParallelMinMacs) nt = 1;

  const idx kc_max = ceil_div(K, ceil_div(K, ks.kc));
  // Row blocks of A: as few as the size limit allows, of balanced height.
  idx mb_max = idx(kABlockBytes / (std::size_t(K) * sizeof(T))) / mr * mr;
  if (mb_max < mr) mb_max = mr;
  const idx row_blocks = ceil_div(M, mb_max);
  mb_max = round_up(ceil_div(M, row_blocks), mr);

  // Column chunks: sized for L2, and at least kItemsPerThread per thread when threaded.
  idx col_width = idx(kBChunkBytes / (std::size_t(kc_max) * sizeof(T))) / nr * nr;
  if (col_width < nr) col_width = nr;
  idx col_chunks = ceil_div(N, col_width);
  const idx want = nt > 1 ? kItemsPerThread * nt : 1;
  const idx max_cols = ceil_div(N, nr);
  if (col_chunks < want) col_chunks = want < max_cols ? want : max_cols;
  col_width = round_up(ceil_div(N, col_chunks), nr);
  col_chunks = ceil_div(N, col_width);

  const idx mr_rows_max = round_up(mb_max, mr);
  T* Ap = static_cast<T*>(t_pack_a.get(std::size_t(mr_rows_max * K) * sizeof(T)));
  if (!Ap) return false;

  for (idx ib = 0; ib < M; ib += mb_max) {
    const idx mb = M - ib < mb_max ? M - ib : mb_max;
    const idx mr_rows = round_up(mb, mr);
    const T* a = ta ? A + ib : A + ib * lda;
    for (idx pc = 0; pc < K; pc += kc_max) {
      const idx kc = K - pc < kc_max ? K - pc : kc_max;
      ks.pack_a(ta, ta ? a + pc * lda : a + pc, lda, mb, kc, Ap + mr_rows * pc);
    }
    BlockJob<T> job;
    job.ks = &ks;
    job.tb = tb;
    job.mb = mb;
    job.N = N;
    job.K = K;
    job.kc_max = kc_max;
    job.mr_rows = mr_rows;
    job.alpha = alpha;
    job.beta = beta;
    job.Ap = Ap;
    job.B = B;
    job.ldb = ldb;
    job.C = C + ib * ldc;
    job.ldc = ldc;
    job.col_width = col_width;
    job.col_chunks = col_chunks;
    // Too few column chunks for the threads: split the rows as well (each row range then packs
    // its column chunks of B again, so only as much as needed).
    idx row_splits = 1;
    if (nt > 1 && col_chunks < want) {
      row_splits = ceil_div(want, col_chunks);
      const idx max_rows = ceil_div(mb, mr);
      if (row_splits > max_rows) row_splits = max_rows;
    }
    job.row_width = round_up(ceil_div(mb, row_splits), mr);
    job.row_splits = ceil_div(mb, job.row_width);
    const idx items = job.row_splits * job.col_chunks;
    parallel_run(int(items < nt ? items : nt), &run_block<T>, &job);
    if (job.failed.load()) return false;
  }
  return true;
}

}  // namespace

Simd detect_simd() {
#if KD_X86_SIMD
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    return Simd::Avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Simd::Avx2;
#endif
  return Simd::Generic;
}

Simd current_simd() {
  int s = g_simd.load(std::memory_order_relaxed);
  if (s < 0) {
    s = int(detect_simd());
    g_simd.store(s, std::memory_order_relaxed);
  }
  return Simd(s);
}

bool set_simd(Simd level) {
  if (int(level) > int(detect_simd())) return false;
  g_simd.store(int(level), std::memory_order_relaxed);
  return true;
}

const char* simd_name(Simd level) {
  switch (level) {
    case Simd::Avx512:
      return "avx512";
    case Simd::Avx2:
      return "avx2";
    default:
      return "generic";
  }
}

bool simd_from_name(const char* name, Simd* out) {
  for (Simd s : {Simd::Generic, Simd::Avx2, Simd::Avx512}) {
    if (std::strcmp(name, simd_name(s)) == 0) {
      *out = s;
      return true;
    }
  }
  return false;
}

int get_num_threads() {
  int n = g_threads.load(std::memory_order_relaxed);
  if (n <= 0) {
    n = int(std::thread::hardware_concurrency());
    if (n < 1) n = 1;
    if (n > kMaxThreads) n = kMaxThreads;
    g_threads.store(n, std::memory_order_relaxed);
  }
  return n;
}

void set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > kMaxThreads) n = kMaxThreads;
  g_threads.store(n, std::memory_order_relaxed);
}

bool gemm(bool transA, bool transB, idx M, idx N, idx K, float alpha, const float* A, idx lda,
          const float* B, idx ldb, float beta, float* C, idx ldc) {
  return gemm_impl<float>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

bool gemm(bool transA, bool transB, idx M, idx N, idx K, double alpha, const double* A, idx lda,
          const double* B, idx ldb, double beta, double* C, idx ldc) {
  return gemm_impl<double>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

}  // namespace kd
