// Persistent worker pool used by the GEMM driver.
#ifndef KD_THREAD_POOL_H
#define KD_THREAD_POOL_H

namespace kd {

constexpr int kMaxThreads = 256;

using TaskFn = void (*)(void* ctx);

// Runs fn(ctx) on the calling thread and on up to n-1 pool workers (created on first use, then
// kept), and returns once every thread that started fn has returned from it. fn must take its work
// from a shared queue in ctx (e.g. an atomic counter) and return when the queue is empty: a worker
// that wakes up only after the caller has drained the queue does not run fn at all, so a slow or
// descheduled worker never delays the caller by more than the item it is working on.
// Nested calls (from inside fn, on any thread) and concurrent ones (pool busy) just run fn on the
// calling thread, so a kernel may call another (e.g. a GEMM per sample of a batch) freely.
void parallel_run(int n, TaskFn fn, void* ctx);

// True on a thread that is running a parallel_run job (where nested calls run inline).
bool in_parallel_job();

// The pool slot of the calling thread within the job it runs: 0 for the thread that called
// parallel_run (and for any thread outside a job), w for pool worker w. Worker w is always the same
// OS thread, so a kernel that splits its work by slot gives each thread the same part of the data
// in consecutive calls (see kd_parallel.h: no cache-to-cache traffic between passes).
int current_slot();

// Profiling (off by default; bench/profile.ts): per pool slot s, stats[kProfileFields * s + i] =
// i = 0, 1: thread CPU ns and wall ns spent inside job functions; 2: jobs entered; 3, 4 (slot 0):
// wall ns and CPU ns the caller spent waiting for workers after finishing its own part.
constexpr int kProfileFields = 5;
void set_profiling(bool on);
void read_profile(double* stats, int slots);
// CPU time of the calling thread, in nanoseconds (CLOCK_THREAD_CPUTIME_ID; 0 where unavailable).
double thread_cpu_ns();

}  // namespace kd

#endif
