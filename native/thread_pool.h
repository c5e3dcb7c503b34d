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

}  // namespace kd

#endif
