// parallel_for over the persistent pool, for the memory-bound kernels: a range of items is cut into
// equal chunks that the threads claim from an atomic counter (a late or descheduled worker just
// takes fewer). Small ranges run on the calling thread: waking a sleeping worker costs about as
// much as 64K cheap elements.
#ifndef KD_PARALLEL_H
#define KD_PARALLEL_H

#include <atomic>
#include <type_traits>

#include "kd_gemm.h"
#include "thread_pool.h"

namespace kd {

// Elements below which a memory-bound elementwise kernel stays on the calling thread.
constexpr idx kParallelMinElems = idx(1) << 16;

// Calls f(lo, hi) over [0, n) in chunks. `work` is the cost of the whole range in element-equivalents
// (n for a cheap elementwise op, more for exp or for rows of a reduction); the range is split only
// when work >= kParallelMinElems, into chunks of a multiple of `grain` items (so that vector loops
// start aligned; results never depend on the split).
template <class F>
void parallel_for(idx n, double work, idx grain, F&& f) {
  if (n <= 0) return;
  int nt = get_num_threads();
  if (work < double(kParallelMinElems) || nt <= 1 || n < 2 * grain) {
    f(idx(0), n);
    return;
  }
  // Up to 4 chunks per thread, none under `grain` items nor under ~16K element-equivalents.
  idx chunks = idx(4) * nt;
  const double per_item = work / double(n);
  idx min_items = idx(double(1 << 14) / (per_item > 0 ? per_item : 1));
  if (min_items < grain) min_items = grain;
  if (chunks > n / min_items) chunks = n / min_items;
  if (chunks < 2) {
    f(idx(0), n);
    return;
  }
  if (nt > chunks) nt = int(chunks);
  struct Job {
    std::remove_reference_t<F>* f;
    idx n, chunk;
    std::atomic<idx> next{0};
  } job;
  job.f = &f;
  job.n = n;
  job.chunk = ((n + chunks - 1) / chunks + grain - 1) / grain * grain;
  parallel_run(
      nt,
      [](void* ctx) {
        Job& j = *static_cast<Job*>(ctx);
        for (;;) {
          const idx lo = j.next.fetch_add(1, std::memory_order_relaxed) * j.chunk;
          if (lo >= j.n) return;
          (*j.f)(lo, lo + j.chunk < j.n ? lo + j.chunk : j.n);
        }
      },
      &job);
}

}  // namespace kd

#endif
