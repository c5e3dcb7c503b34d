// Strided-layout helpers shared by the elementwise driver and the copy kernels.
#ifndef KD_LAYOUT_H
#define KD_LAYOUT_H

#include <cstddef>

#include "kd_ops.h"

namespace kd {

inline const char* byte_ptr(const void* p, idx elems, std::size_t es) {
  return static_cast<const char*>(p) + elems * idx(es);
}
inline char* byte_ptr(void* p, idx elems, std::size_t es) { return static_cast<char*>(p) + elems * idx(es); }

// A broadcast layout with size-1 dims dropped and mergeable neighbours merged (a dim merges into
// the next when every operand steps over it exactly as over the whole next dim).
struct Layout {
  int nd = 0;
  idx shape[kMaxDims];
  idx strides[3][kMaxDims];  // per operand
};

// Returns false when the layout is empty (some dim is 0).
inline bool simplify(const idx* shape, int nd, const idx* const* strides, int ops, Layout* out) {
  int n = 0;
  for (int d = 0; d < nd; ++d) {
    if (shape[d] == 0) return false;
    if (shape[d] == 1) continue;
    if (n > 0) {
      bool merge = true;
      for (int k = 0; k < ops; ++k) merge = merge && out->strides[k][n - 1] == strides[k][d] * shape[d];
      if (merge) {
        out->shape[n - 1] *= shape[d];
        for (int k = 0; k < ops; ++k) out->strides[k][n - 1] = strides[k][d];
        continue;
      }
    }
    out->shape[n] = shape[d];
    for (int k = 0; k < ops; ++k) out->strides[k][n] = strides[k][d];
    ++n;
  }
  out->nd = n;
  return true;
}

inline idx numel(const Layout& l) {
  idx n = 1;
  for (int d = 0; d < l.nd; ++d) n *= l.shape[d];
  return n;
}

}  // namespace kd

#endif
