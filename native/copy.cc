// Strided view -> contiguous array: the Backend's `copy` (transposes, broadcasts, slices) for any
// element type of 1, 4 or 8 bytes moved as raw bits, and float32 <-> float64 conversions.
//
// After the layout is simplified (kd_layout.h), the innermost dim is a unit-stride run (a memcpy),
// a broadcast (a fill) or a gather. When the source is contiguous along some other dim -- a
// transpose -- the copy runs over 32 x 32 tiles of that dim and the innermost one, so both the
// reads and the writes stay within a few cache lines per tile instead of striding across memory.
#include <cstdint>
#include <cstring>

#include "kd_layout.h"
#include "kd_ops.h"
#include "kd_parallel.h"

namespace kd {
namespace {

constexpr idx kTile = 32;

// Output elements [lo, hi) of a gather over layout l (operand 0 is the source).
template <class S, class D>
void gather_range(const S* src, const Layout& l, D* out, idx lo, idx hi) {
  const int nd1 = l.nd - 1;
  const idx last = l.shape[nd1];
  const idx s = l.strides[0][nd1];
  idx pos[kMaxDims];
  idx r = lo / last, c = lo % last, p = 0;
  for (int d = nd1 - 1; d >= 0; --d) {
    pos[d] = r % l.shape[d];
    r /= l.shape[d];
    p += pos[d] * l.strides[0][d];
  }
  for (idx o = lo; o < hi;) {
    const idx len = last - c < hi - o ? last - c : hi - o;
    const S* from = src + p + c * s;
    D* to = out + o;
    if (s == 1) {
      for (idx j = 0; j < len; ++j) to[j] = D(from[j]);
    } else if (s == 0) {
      const D v = D(*from);
      for (idx j = 0; j < len; ++j) to[j] = v;
    } else {
      for (idx j = 0; j < len; ++j) to[j] = D(from[j * s]);
    }
    o += len;
    c = 0;
    for (int d = nd1 - 1; d >= 0; --d) {
      p += l.strides[0][d];
      if (++pos[d] < l.shape[d]) break;
      p -= l.strides[0][d] * l.shape[d];
      pos[d] = 0;
    }
  }
}

// Tiled transpose: dim t has source stride 1, the innermost dim a larger one. Items are
// (every index of the other dims) x (tiles of dim t).
template <class S, class D>
void transpose_copy(const S* src, const Layout& l, int t, D* out) {
  const int nd1 = l.nd - 1;
  idx ostride[kMaxDims];
  idx acc = 1;
  for (int d = nd1; d >= 0; --d) {
    ostride[d] = acc;
    acc *= l.shape[d];
  }
  const idx R = l.shape[t], C = l.shape[nd1], s = l.strides[0][nd1], ost = ostride[t];
  const idx row_tiles = (R + kTile - 1) / kTile;
  idx others = 1;
  for (int d = 0; d < nd1; ++d)
    if (d != t) others *= l.shape[d];
  parallel_for(others * row_tiles, double(acc), 1, [&](idx lo, idx hi) {
    for (idx item = lo; item < hi; ++item) {
      idx rest = item / row_tiles;
      const idx i0 = item % row_tiles * kTile, i1 = i0 + kTile < R ? i0 + kTile : R;
      idx sp = 0, op = 0;
      for (int d = nd1 - 1; d >= 0; --d) {
        if (d == t) continue;
        const idx pd = rest % l.shape[d];
        rest /= l.shape[d];
        sp += pd * l.strides[0][d];
        op += pd * ostride[d];
      }
      for (idx j0 = 0; j0 < C; j0 += kTile) {
        const idx j1 = j0 + kTile < C ? j0 + kTile : C;
        for (idx i = i0; i < i1; ++i) {
          const S* from = src + sp + i;
          D* to = out + op + i * ost;
          for (idx j = j0; j < j1; ++j) to[j] = D(from[j * s]);
        }
      }
    }
  });
}

template <class S, class D>
void copy_impl(const S* src, const idx* strides, D* out, const idx* shape, int nd) {
  const idx* st[1] = {strides};
  Layout l;
  if (!simplify(shape, nd, st, 1, &l)) return;
  if (l.nd == 0) {
    out[0] = D(src[0]);
    return;
  }
  const int nd1 = l.nd - 1;
  const idx s = l.strides[0][nd1];
  if (s != 1 && s != 0 && l.shape[nd1] >= 4) {
    for (int t = 0; t < nd1; ++t) {
      if (l.strides[0][t] == 1 && l.shape[t] >= 4) {
        transpose_copy(src, l, t, out);
        return;
      }
    }
  }
  const idx n = numel(l);
  parallel_for(n, double(n) * (s == 1 || s == 0 ? 0.5 : 2.0), 64,
               [&](idx lo, idx hi) { gather_range(src, l, out, lo, hi); });
}

}  // namespace

void copy_strided(std::size_t elem, const void* src, const idx* strides, void* out, const idx* shape, int nd) {
  switch (elem) {
    case 1:
      copy_impl(static_cast<const std::uint8_t*>(src), strides, static_cast<std::uint8_t*>(out), shape, nd);
      break;
    case 4:
      copy_impl(static_cast<const std::uint32_t*>(src), strides, static_cast<std::uint32_t*>(out), shape, nd);
      break;
    default:
      copy_impl(static_cast<const std::uint64_t*>(src), strides, static_cast<std::uint64_t*>(out), shape, nd);
      break;
  }
}

void convert_strided(DType from, const void* src, const idx* strides, DType to, void* out, const idx* shape,
                     int nd) {
  if (from == to) {
    copy_strided(dtype_size(from), src, strides, out, shape, nd);
  } else if (from == DType::F32) {
    copy_impl(static_cast<const float*>(src), strides, static_cast<double*>(out), shape, nd);
  } else {
    copy_impl(static_cast<const double*>(src), strides, static_cast<float*>(out), shape, nd);
  }
}

}  // namespace kd
