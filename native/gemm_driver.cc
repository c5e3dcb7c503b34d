// GEMM driver: blocking, the split of work across threads, and run-time selection of the kernel set.
//
// C = alpha * op(A) @ op(B) + beta * C is computed one row block of op(A) at a time:
//
//   for each row block (as many rows as fit kABlockBytes when packed over all of K, and at least
//   kSmallRows: a batch-sized op(A) is one block, so op(B) is streamed once):
//     pack the row block of op(A), every K block of it           (all threads; shared)
//     work items = tiles of the row block of C (column chunks, split into row ranges only when
//                  there are too few chunks for the threads), taken dynamically by the threads:
//       for each K block (kc deep):
//         pack the kc x chunk panel of op(B)                       (per thread, stays in L2)
//         macro-kernel: MR x NR register tiles over the chunk     (B micro-panel in L1)
//     (when the rows are split, op(B) is packed once into a shared buffer first, by all threads,
//     rather than once per row range)
//
// Each element of op(B) is packed once per row block and each element of op(A) once. Small-M
// shapes (batch x features) have a single row block, so op(B) -- the big operand there -- is
// streamed through exactly once. Packing handles all four transpose combinations, so callers
// never transpose. Results do not depend on the thread count (same tiles, same K order).
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
// Software prefetch of the next K block of op(B) (run_block); KD_NO_PREFETCH=1 turns it off for A/B runs.
const bool g_prefetch = std::getenv("KD_NO_PREFETCH") == nullptr;

// Below this many multiply-adds (~10 us of one core) a call runs on the calling thread: a worker
// that has gone to sleep takes about as long to wake up.
constexpr double kParallelMinMacs = double(1 << 20);
// Smallest work item, in multiply-adds, when a call is split across threads.
constexpr double kMinItemMacs = double(1 << 19);


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
// op(B) packed whole, shared by the row ranges of a call that splits its rows.
thread_local PackBuffer t_pack_bs;

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

// One row block of C (rows [0, mb) of op(A) and C). The job's queue holds, in order:
//   `a_items` packing items: op(A) rows in ranges of a_rows times K blocks, packed into the
//              shared buffer Ap as consecutive K blocks of kc_max (the last one shorter), each laid
//              out by pack_a;
//   compute items: tiles of C, `row_items` row ranges times `col_items` column ranges, whose bounds
//              are spread evenly over whole register tiles (`row_units` of mr rows, `col_units` of
//              nr columns). A compute item first waits until every packing item is done (they
//              are all claimed before it, by threads that are running), then packs its columns of
//              op(B) one K block at a time into the thread's own buffer and runs the macro-kernel.
//   `b_items`  (only when row_items > 1) packing items of op(B): column ranges times K blocks, packed
//              into the shared buffer Bs (K block pc at Bs + pc * n_pad, its column c at + c * kc),
//              which every row range then reads instead of packing its own copy.
template <class T>
struct BlockJob {
  const KernelSet<T>* ks;
  bool ta, tb;
  idx mb, N, K, kc_max, mr_rows;
  T alpha, beta;
  const T* A;
  idx lda;
  T* Ap;
  const T* B;
  idx ldb;
  T* C;
  idx ldc;
  idx a_rows, a_row_chunks, a_items;
  T* Bs;
  idx n_pad, b_items;
  idx row_units, row_items, col_units, col_items;
  // Epilogue (gemm_bias_act): bias written into each tile of C before its first K block (beta is 1
  // then), ReLU applied to the tile after its last one, while the tile is still in cache.
  const T* bias = nullptr;
  bool relu = false;
  std::atomic<idx> next{0};
  std::atomic<idx> a_done{0};
  std::atomic<bool> failed{false};
};

// Rows of op(A) per packing item (rounded up to a multiple of mr).
constexpr idx kAPackRows = 96;
// An op(A) of up to this many rows is packed as one row block whatever its depth (up to kSmallABytes).
// 256, not 128: a layer's weight gradient with 256 outputs (TN 256x2048x2048, K = the batch's rows)
// then packs its [K, N] op(B) once instead of twice: 92 -> 100 GFLOP/s at 1 thread.
constexpr idx kSmallRows = 256;
constexpr std::size_t kSmallABytes = std::size_t(16) << 20;
// Largest op(B) packed whole into a shared buffer when a call splits its rows.
constexpr std::size_t kSharedBBytes = std::size_t(32) << 20;

// The rows x cols tile of C at c (row stride ldc) set to the bias row (columns from bias).
template <class T>
void fill_bias(const T* bias, idx rows, idx cols, T* c, idx ldc) {
  for (idx i = 0; i < rows; ++i) std::memcpy(c + i * ldc, bias, std::size_t(cols) * sizeof(T));
}

// ReLU in place over a tile, as the relu kernel computes it: NaN stays NaN, -0 becomes +0.
template <class T>
void relu_tile(idx rows, idx cols, T* c, idx ldc) {
  for (idx i = 0; i < rows; ++i) {
    T* r = c + i * ldc;
    for (idx j = 0; j < cols; ++j) r[j] = r[j] > T(0) ? r[j] : (r[j] == r[j] ? T(0) : r[j]);
  }
}

template <class T>
void run_block(void* ctx) {
  BlockJob<T>& j = *static_cast<BlockJob<T>*>(ctx);
  const KernelSet<T>& ks = *j.ks;
  const idx packs = j.a_items + j.b_items;
  const idx items = packs + j.row_items * j.col_items;
  T* Bp = nullptr;
  for (;;) {
    const idx item = j.next.fetch_add(1, std::memory_order_relaxed);
    if (item >= items) return;
    if (item < j.a_items) {
      const idx pc = item / j.a_row_chunks * j.kc_max, r0 = item % j.a_row_chunks * j.a_rows;
      const idx kc = j.K - pc < j.kc_max ? j.K - pc : j.kc_max;
      const idx rows = j.mb - r0 < j.a_rows ? j.mb - r0 : j.a_rows;
      const T* src = j.ta ? j.A + pc * j.lda + r0 : j.A + r0 * j.lda + pc;
      ks.pack_a(j.ta, src, j.lda, rows, kc, j.Ap + j.mr_rows * pc + r0 * kc);
      j.a_done.fetch_add(1, std::memory_order_release);
      continue;
    }
    if (item < packs) {
      const idx b = item - j.a_items;
      const idx pc = b / j.col_items * j.kc_max, ci = b % j.col_items;
      const idx kc = j.K - pc < j.kc_max ? j.K - pc : j.kc_max;
      const idx c0 = j.col_units * ci / j.col_items * ks.nr;
      const idx c1 = j.col_units * (ci + 1) / j.col_items * ks.nr;
      const idx cols = (c1 < j.N ? c1 : j.N) - c0;
      ks.pack_b(j.tb, j.tb ? j.B + c0 * j.ldb + pc : j.B + pc * j.ldb + c0, j.ldb, kc, cols, j.Bs + pc * j.n_pad + c0 * kc);
      j.a_done.fetch_add(1, std::memory_order_release);
      continue;
    }
    if (j.a_done.load(std::memory_order_acquire) != packs) {
      for (int spins = 0; j.a_done.load(std::memory_order_acquire) != packs; ++spins) {
        if (spins % 64 == 63) std::this_thread::yield();
      }
    }
    const idx t = item - packs;
    const idx ri = t / j.col_items, ci = t % j.col_items;
    const idx r0 = j.row_units * ri / j.row_items * ks.mr;
    const idx r1 = j.row_units * (ri + 1) / j.row_items * ks.mr;
    const idx c0 = j.col_units * ci / j.col_items * ks.nr;
    const idx c1 = j.col_units * (ci + 1) / j.col_items * ks.nr;
    const idx rows = (r1 < j.mb ? r1 : j.mb) - r0;
    const idx cols = (c1 < j.N ? c1 : j.N) - c0;
    T* const ct = j.C + r0 * j.ldc + c0;
    if (j.bias) fill_bias(j.bias + c0, rows, cols, ct, j.ldc);
    if (j.Bs) {
      for (idx pc = 0; pc < j.K; pc += j.kc_max) {
        const idx kc = j.K - pc < j.kc_max ? j.K - pc : j.kc_max;
        ks.macro(rows, cols, kc, j.Ap + j.mr_rows * pc + r0 * kc, j.Bs + pc * j.n_pad + c0 * kc, ct, j.ldc,
                 j.alpha, pc == 0 ? j.beta : T(1));
      }
      if (j.relu) relu_tile(rows, cols, ct, j.ldc);
      continue;
    }
    if (!Bp) {
      const idx max_cols = ceil_div(j.col_units, j.col_items) * ks.nr;
      Bp = static_cast<T*>(t_pack_b.get(std::size_t(j.kc_max * max_cols) * sizeof(T)));
      if (!Bp) {
        j.failed.store(true, std::memory_order_relaxed);
        j.next.store(items, std::memory_order_relaxed);
        return;
      }
    }
    for (idx pc = 0; pc < j.K; pc += j.kc_max) {
      const idx kc = j.K - pc < j.kc_max ? j.K - pc : j.kc_max;
      ks.pack_b(j.tb, j.tb ? j.B + c0 * j.ldb + pc : j.B + pc * j.ldb + c0, j.ldb, kc, cols, Bp);
      const idx pn = pc + kc;
      if (pn >= j.K || !g_prefetch) {
        ks.macro(rows, cols, kc, j.Ap + j.mr_rows * pc + r0 * kc, Bp, ct, j.ldc, j.alpha, pc == 0 ? j.beta : T(1));
        continue;
      }
      // The next K block's op(B) is fetched while this one computes, a share per column panel: packing
      // it otherwise waits on memory (in a training step the weights are rarely in cache).
      const idx kn = j.K - pn < j.kc_max ? j.K - pn : j.kc_max;
      const idx nr = ks.nr, panels = ceil_div(cols, nr);
      const idx lines = j.tb ? cols : kn;  // source rows of the next block
      idx done = 0;
      for (idx q = 0; q < panels; ++q) {
        const idx until = lines * (q + 1) / panels;
        for (; done < until; ++done) {
          const T* row = j.tb ? j.B + (c0 + done) * j.ldb + pn : j.B + (pn + done) * j.ldb + c0;
          const idx len = j.tb ? kn : cols;
          for (idx e = 0; e < len; e += idx(64 / sizeof(T))) __builtin_prefetch(row + e, 0, 2);
        }
        const idx w = cols - q * nr < nr ? cols - q * nr : nr;
        ks.macro(rows, w, kc, j.Ap + j.mr_rows * pc + r0 * kc, Bp + q * nr * kc, ct + q * nr, j.ldc, j.alpha,
                 pc == 0 ? j.beta : T(1));
      }
    }
    if (j.relu) relu_tile(rows, cols, ct, j.ldc);
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

// bias (may be null) and relu: the epilogue of gemm_bias_act; with a bias, beta must be 1.
template <class T>
bool gemm_impl(bool ta, bool tb, idx M, idx N, idx K, T alpha, const T* A, idx lda, const T* B,
               idx ldb, T beta, T* C, idx ldc, const T* bias = nullptr, bool relu = false) {
  if (M <= 0 || N <= 0) return true;
  if (K <= 0 || alpha == T(0)) {
    if (bias) fill_bias(bias, M, N, C, ldc);
    else scale_c(M, N, beta, C, ldc);
    if (relu) relu_tile(M, N, C, ldc);
    return true;
  }
  const KernelSet<T>& ks = kernels_for<T>(current_simd());
  const idx mr = ks.mr, nr = ks.nr;

  int nt = get_num_threads();
  const double macs = double(M) * double(N) * double(K);
  if (macs < kParallelMinMacs) nt = 1;
  // Work items wanted: several per thread, but none tiny; a multiple of the thread count.
  idx want = 1;
  if (nt > 1) {
    want = kItemsPerThread * nt;
    const double by_size = macs / kMinItemMacs;
    if (by_size < double(want)) want = by_size > double(nt) ? idx(by_size) / nt * nt : idx(nt);
  }

  const idx kc_max = ceil_div(K, ceil_div(K, ks.kc));
  // Row blocks of A: as few as the size limit allows, of balanced height. A batch-sized op(A) is
  // always one block, however deep K: each further block would pack all of op(B) again (the CNN's
  // 64x128x9216 layer had 3 blocks).
  idx mb_max = idx(kABlockBytes / (std::size_t(K) * sizeof(T))) / mr * mr;
  const idx mb_small = round_up(M < kSmallRows ? M : kSmallRows, mr);
  if (mb_max < mb_small && std::size_t(mb_small * K) * sizeof(T) <= kSmallABytes) mb_max = mb_small;
  // A K so deep that not even mr rows fit the block budget (K > 16384 at mr = 16) still needs one
  // micro-panel of rows per block; 0 here divided by zero (SIGFPE) in ceil_div below.
  if (mb_max < mr) mb_max = mr;
  const idx row_blocks = ceil_div(M, mb_max);
  mb_max = round_up(ceil_div(M, row_blocks), mr);

  // Column items: narrow enough for a packed K block to stay in L2, and at least `want`.
  const idx col_units = ceil_div(N, nr);
  idx cache_units = idx(kBChunkBytes / (std::size_t(kc_max) * sizeof(T))) / nr;
  if (cache_units < 1) cache_units = 1;
  idx col_items = ceil_div(col_units, cache_units);
  if (col_items < want) col_items = want;
  if (nt > 1) col_items = round_up(col_items, nt);
  if (col_items > col_units) col_items = col_units;

  T* Ap = static_cast<T*>(t_pack_a.get(std::size_t(mb_max * K) * sizeof(T)));
  if (!Ap) return false;
  // Row ranges per row block (see below); with several, op(B) is packed once into a shared buffer.
  idx row_items = 1;
  if (nt > 1 && col_items < want) row_items = ceil_div(want, col_items);
  const idx n_pad = round_up(N, nr);
  T* Bs = nullptr;
  if (row_items > 1 && ceil_div(M, mb_max) == 1 && round_up(M, mr) / mr > 1 &&
      std::size_t(n_pad * K) * sizeof(T) <= kSharedBBytes) {
    Bs = static_cast<T*>(t_pack_bs.get(std::size_t(n_pad * K) * sizeof(T)));
    if (!Bs) return false;
  }

  for (idx ib = 0; ib < M; ib += mb_max) {
    const idx mb = M - ib < mb_max ? M - ib : mb_max;
    BlockJob<T> job;
    job.ks = &ks;
    job.ta = ta;
    job.tb = tb;
    job.mb = mb;
    job.N = N;
    job.K = K;
    job.kc_max = kc_max;
    job.mr_rows = round_up(mb, mr);
    job.alpha = alpha;
    job.beta = beta;
    job.A = ta ? A + ib : A + ib * lda;
    job.lda = lda;
    job.Ap = Ap;
    job.B = B;
    job.ldb = ldb;
    job.C = C + ib * ldc;
    job.ldc = ldc;
    job.a_rows = round_up(kAPackRows, mr);
    job.a_row_chunks = ceil_div(mb, job.a_rows);
    job.a_items = job.a_row_chunks * ceil_div(K, kc_max);
    job.col_units = col_units;
    job.col_items = col_items;
    // Too few column items for the threads: split the rows as well.
    job.row_units = ceil_div(mb, mr);
    job.row_items = row_items < job.row_units ? row_items : job.row_units;
    job.Bs = job.row_items > 1 ? Bs : nullptr;
    job.n_pad = n_pad;
    job.b_items = job.Bs ? col_items * ceil_div(K, kc_max) : 0;
    job.bias = bias;
    job.relu = relu;
    const idx items = job.row_items * job.col_items;
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
  // Inside a job (e.g. one GEMM per sample of a batch split across threads) a kernel plans for the
  // one thread it will get: its own parallel_run would run inline.
  if (in_parallel_job()) return 1;
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

bool gemm_bias_act(bool transA, bool transB, idx M, idx N, idx K, const float* A, idx lda, const float* B, idx ldb,
                   const float* bias, bool relu, float* C, idx ldc) {
  return gemm_impl<float>(transA, transB, M, N, K, 1.0f, A, lda, B, ldb, bias ? 1.0f : 0.0f, C, ldc, bias, relu);
}

bool gemm_bias_act(bool transA, bool transB, idx M, idx N, idx K, const double* A, idx lda, const double* B, idx ldb,
                   const double* bias, bool relu, double* C, idx ldc) {
  return gemm_impl<double>(transA, transB, M, N, K, 1.0, A, lda, B, ldb, bias ? 1.0 : 0.0, C, ldc, bias, relu);
}

}  // namespace kd
