// Fused optimizer steps: one call updates every parameter of a group. The parameters' elements are
// cut into chunks of kOptChunk that the threads claim in order, so a group of one huge and many tiny
// tensors balances as well as one big flat array. Each element's update is independent of every
// other, so results never depend on the split (the loops are in kd_ops_kernels.h).
#include <algorithm>
#include <vector>

#include "kd_layout.h"
#include "kd_ops.h"
#include "kd_parallel.h"

namespace kd {
namespace {

constexpr idx kOptChunk = idx(1) << 14;

// Calls f(param, offset, length) for every chunk of every parameter.
template <class P, class F>
void for_param_chunks(const P* params, idx count, double weight, F&& f) {
  std::vector<idx> start(std::size_t(count) + 1, 0);
  double total = 0;
  for (idx i = 0; i < count; ++i) {
    start[std::size_t(i) + 1] = start[std::size_t(i)] + (params[i].n + kOptChunk - 1) / kOptChunk;
    total += double(params[i].n);
  }
  parallel_for(start[std::size_t(count)], total * weight, 1, [&](idx lo, idx hi) {
    std::size_t pi = std::size_t(std::upper_bound(start.begin(), start.end(), lo) - start.begin()) - 1;
    for (idx c = lo; c < hi; ++c) {
      while (c >= start[pi + 1]) ++pi;
      const P& p = params[pi];
      const idx off = (c - start[pi]) * kOptChunk;
      f(p, off, p.n - off < kOptChunk ? p.n - off : kOptChunk);
    }
  });
}

}  // namespace

void sgd_step(DType t, const SgdScalars& s, const SgdParam* params, idx count) {
  const SgdFn f = ops_kernels().sgd[int(t)];
  const std::size_t es = dtype_size(t);
  for_param_chunks(params, count, 1.0, [&](const SgdParam& p, idx off, idx len) {
    f(s, byte_ptr(p.p, off, es), byte_ptr(p.g, off, es), p.buf ? byte_ptr(p.buf, off, es) : nullptr, p.first, len);
  });
}

void adam_step(DType t, const AdamScalars& s, const AdamParam* params, idx count) {
  const AdamFn f = ops_kernels().adam[int(t)];
  const std::size_t es = dtype_size(t);
  for_param_chunks(params, count, 4.0, [&](const AdamParam& p, idx off, idx len) {
    f(s, p.neg_step_size, p.bc2_sqrt, byte_ptr(p.p, off, es), byte_ptr(p.g, off, es), byte_ptr(p.m, off, es),
      byte_ptr(p.v, off, es), p.vmax ? byte_ptr(p.vmax, off, es) : nullptr, len);
  });
}

}  // namespace kd
