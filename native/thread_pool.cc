// Persistent worker pool. Workers are created once and then wait for work, first spinning briefly
// (so that back-to-back GEMM calls hand off in well under a microsecond), then sleeping on a
// condition variable so that idle workers cost nothing.
//
// Admission protocol: a job is open while the caller is still working. `entry_` packs the job's
// generation (high 32 bits), a closed flag and the number of workers inside fn. A worker enters by
// incrementing the count with a CAS that also checks generation and flag; the caller closes the
// job when fn returns on its side, then waits for the count to drop to zero. A worker that enters
// late finds the work queue empty and leaves at once; one that arrives after the close never
// touches the job (whose context lives on the caller's stack).
//
// The pool object is deliberately never destroyed: workers are detached and may still be waiting
// on its condition variables while the process exits.
#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#if defined(__unix__) || defined(__APPLE__)
#include <time.h>
#define KD_HAVE_THREAD_CLOCK 1
#else
#define KD_HAVE_THREAD_CLOCK 0
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define KD_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
#define KD_CPU_RELAX() __asm__ __volatile__("yield")
#else
#define KD_CPU_RELAX() ((void)0)
#endif

namespace kd {
namespace {

// How long a thread busy-waits before it goes to sleep (KD_SPIN_US overrides, for experiments).
const auto kSpinTime = std::chrono::microseconds([] {
  const char* s = std::getenv("KD_SPIN_US");
  const long v = s ? std::atol(s) : 0;
  return v > 0 ? v : 100L;
}());

constexpr std::uint64_t kClosed = std::uint64_t(1) << 31;
constexpr std::uint64_t kCountMask = kClosed - 1;

struct alignas(64) Worker {
  std::atomic<unsigned> generation{0};
  std::mutex mu;
  std::condition_variable cv;
  bool sleeping = false;  // guarded by mu
};

struct Pool {
  std::mutex run_mu;                  // held by the thread currently driving the workers
  Worker* workers[kMaxThreads] = {};  // workers[1..count-1]; slot 0 is the calling thread
  int count = 1;
  unsigned generation = 0;  // guarded by run_mu

  TaskFn fn = nullptr;  // written before entry is opened (release), read after entering (acquire)
  void* ctx = nullptr;

  alignas(64) std::atomic<std::uint64_t> entry{kClosed};
  std::mutex done_mu;
  std::condition_variable done_cv;
  bool caller_sleeping = false;  // guarded by done_mu
};

Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

// Spins for up to kSpinTime while pred() is false; returns pred(). The spin yields the CPU every
// few hundred nanoseconds: when the machine is oversubscribed, the thread we are waiting for (or
// the caller a worker is waiting for) may be queued on this very CPU.
template <class Pred>
bool spin_wait(Pred pred) {
  if (pred()) return true;
  const auto deadline = std::chrono::steady_clock::now() + kSpinTime;
  for (;;) {
    for (int i = 0; i < 32; ++i) {
      KD_CPU_RELAX();
      if (pred()) return true;
    }
    std::this_thread::yield();
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return pred();
  }
}

// Set while this thread runs a job's fn: a parallel_run from inside it runs inline.
thread_local bool t_in_job = false;
// The slot this thread runs as (0: the caller of parallel_run; w: worker w), see current_slot().
thread_local int t_slot = 0;

std::atomic<bool> g_profiling{false};
struct alignas(64) SlotStats {
  std::atomic<double> cpu_ns{0}, wall_ns{0}, jobs{0}, wait_ns{0}, wait_cpu_ns{0};
};
SlotStats g_stats[kMaxThreads];

double wall_ns() {
  return double(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

void add(std::atomic<double>& a, double v) {
  double old = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

void run_job(TaskFn fn, void* ctx, int slot) {
  t_in_job = true;
  t_slot = slot;
  if (!g_profiling.load(std::memory_order_relaxed)) {
    fn(ctx);
  } else {
    const double c0 = thread_cpu_ns(), w0 = wall_ns();
    fn(ctx);
    SlotStats& s = g_stats[slot];
    add(s.cpu_ns, thread_cpu_ns() - c0);
    add(s.wall_ns, wall_ns() - w0);
    add(s.jobs, 1);
  }
  t_slot = 0;
  t_in_job = false;
}

// Joins job `gen` if it is still open; runs it and leaves.
void try_join(Pool& p, unsigned gen, int slot) {
  std::uint64_t e = p.entry.load(std::memory_order_acquire);
  for (;;) {
    if ((e >> 32) != gen || (e & kClosed)) return;
    if (p.entry.compare_exchange_weak(e, e + 1, std::memory_order_acq_rel, std::memory_order_acquire)) break;
  }
  run_job(p.fn, p.ctx, slot);
  e = p.entry.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if ((e & kClosed) && (e & kCountMask) == 0) {
    std::lock_guard<std::mutex> lock(p.done_mu);
    if (p.caller_sleeping) p.done_cv.notify_one();
  }
}

void worker_main(int index) {
  Pool& p = pool();
  Worker& me = *p.workers[index];
  unsigned seen = 0;
  for (;;) {
    if (!spin_wait([&] { return me.generation.load(std::memory_order_acquire) != seen; })) {
      std::unique_lock<std::mutex> lock(me.mu);
      me.sleeping = true;
      while (me.generation.load(std::memory_order_acquire) == seen) me.cv.wait(lock);
      me.sleeping = false;
    }
    seen = me.generation.load(std::memory_order_acquire);
    try_join(p, seen, index);
  }
}

void ensure_workers(Pool& p, int n) {
  while (p.count < n) {
    const int index = p.count;
    p.workers[index] = new Worker();
    std::thread(worker_main, index).detach();
    p.count = index + 1;
  }
}

}  // namespace

bool in_parallel_job() { return t_in_job; }

int current_slot() { return t_in_job ? t_slot : 0; }

void set_profiling(bool on) {
  if (on && !g_profiling.load()) {
    for (SlotStats& s : g_stats) s.cpu_ns = s.wall_ns = s.jobs = s.wait_ns = s.wait_cpu_ns = 0;
  }
  g_profiling.store(on);
}

void read_profile(double* stats, int slots) {
  for (int s = 0; s < slots && s < kMaxThreads; ++s) {
    double* o = stats + kProfileFields * s;
    o[0] = g_stats[s].cpu_ns.load();
    o[1] = g_stats[s].wall_ns.load();
    o[2] = g_stats[s].jobs.load();
    o[3] = g_stats[s].wait_ns.load();
    o[4] = g_stats[s].wait_cpu_ns.load();
  }
}

double thread_cpu_ns() {
#if KD_HAVE_THREAD_CLOCK
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
#endif
  return 0;
}

void parallel_run(int n, TaskFn fn, void* ctx) {
  if (n > kMaxThreads) n = kMaxThreads;
  if (n <= 1 || t_in_job) {
    fn(ctx);
    return;
  }
  Pool& p = pool();
  std::unique_lock<std::mutex> run_lock(p.run_mu, std::try_to_lock);
  if (!run_lock.owns_lock()) {
    fn(ctx);
    return;
  }
  ensure_workers(p, n);
  const unsigned gen = ++p.generation;
  p.fn = fn;
  p.ctx = ctx;
  p.entry.store(std::uint64_t(gen) << 32, std::memory_order_release);
  for (int w = 1; w < n; ++w) {
    Worker& wk = *p.workers[w];
    wk.generation.store(gen, std::memory_order_release);
    std::lock_guard<std::mutex> lock(wk.mu);
    if (wk.sleeping) wk.cv.notify_one();
  }

  run_job(fn, ctx, 0);

  const std::uint64_t e = p.entry.fetch_or(kClosed, std::memory_order_acq_rel);
  if ((e & kCountMask) == 0) return;
  const bool profiling = g_profiling.load(std::memory_order_relaxed);
  const double w0 = profiling ? wall_ns() : 0, c0 = profiling ? thread_cpu_ns() : 0;
  auto drained = [&] { return (p.entry.load(std::memory_order_acquire) & kCountMask) == 0; };
  if (!spin_wait(drained)) {
    std::unique_lock<std::mutex> lock(p.done_mu);
    p.caller_sleeping = true;
    while (!drained()) p.done_cv.wait(lock);
    p.caller_sleeping = false;
  }
  if (profiling) {
    add(g_stats[0].wait_ns, wall_ns() - w0);
    add(g_stats[0].wait_cpu_ns, thread_cpu_ns() - c0);
  }
}

}  // namespace kd
