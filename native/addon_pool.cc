// Max pooling forward and backward (src/backend/js/conv.ts's maxPool2d / maxPool2dBackward, same results
// bit for bit):
//
//   maxPool2d(x, out, indices, win): boolean          out[plane, k] = max over the window, indices its h*W + w
//   maxPool2dBackward(g, indices, gx, win): boolean   gx[plane, indices[k]] += g[k]
//
// x/out (and g/gx) both Float32Array or both Float64Array, indices a Float64Array (int64 storage), else
// false and the caller runs the JS loop. Planes are split across threads: a plane owns its outputs and
// its slice of gx, and within a plane the gradient is added in the JS loop's order.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <vector>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_parallel.h"
#include "kd_window.h"

namespace {

using kd::idx;
using kd::Win;
using namespace kd::napi;

template <class T>
struct SameBits;
template <>
struct SameBits<float> {
  using U = std::uint32_t;
};
template <>
struct SameBits<double> {
  using U = std::uint64_t;
};

// One window tap for a run of outputs of a row: best/at take the tap where it is greater or NaN (the
// JS loop's rule, so the first maximum and the last NaN win). The selects are done on bits: compiled
// as branches they mispredict on every other element, which made the loop slower than its loads.
template <class T, int S>
inline void pool_tap(const T* src, idx stride, idx lo, idx hi, std::int32_t base, T* best, std::int32_t* at) {
  using U = typename SameBits<T>::U;
  const idx s = S > 0 ? S : stride;
  for (idx ow = lo; ow < hi; ++ow) {
    const T v = src[ow * s], b = best[ow];
    const bool take = (v > b) | (v != v);
    const U m = U(0) - U(take);
    U vb, bb;
    std::memcpy(&vb, &v, sizeof(T));
    std::memcpy(&bb, &b, sizeof(T));
    const U r = (vb & m) | (bb & ~m);
    std::memcpy(best + ow, &r, sizeof(T));
    const std::int32_t mi = -std::int32_t(take);
    at[ow] = ((base + std::int32_t(ow * s)) & mi) | (at[ow] & ~mi);
  }
}

// Planes [p0, p1), one output row at a time: the taps (i, j) in the JS loop's order, each over the
// whole row of outputs (the columns it reaches come from valid_range, as in im2col).
template <class T>
void max_pool_planes(const T* x, T* out, double* indices, const Win& w, idx p0, idx p1) {
  const idx L = w.oH * w.oW;
  std::vector<T> best(std::size_t(w.oW));
  std::vector<std::int32_t> at(std::size_t(w.oW)), first_col(std::size_t(w.oW));
  std::vector<idx> lo(std::size_t(w.kW)), hi(std::size_t(w.kW));
  for (idx j = 0; j < w.kW; ++j) kd::valid_range(j * w.dW - w.pW, w.sW, w.W, w.oW, &lo[j], &hi[j]);
  // Where the JS loop starts its scan (its index when no tap beats -inf).
  for (idx ow = 0; ow < w.oW; ++ow) {
    idx w0 = ow * w.sW - w.pW;
    while (w0 < 0) w0 += w.dW;
    first_col[ow] = std::int32_t(w0);
  }
  for (idx p = p0; p < p1; ++p) {
    const T* plane = x + p * w.H * w.W;
    for (idx oh = 0; oh < w.oH; ++oh) {
      idx h0 = oh * w.sH - w.pH;
      while (h0 < 0) h0 += w.dH;
      for (idx ow = 0; ow < w.oW; ++ow) {
        best[ow] = -std::numeric_limits<T>::infinity();
        at[ow] = std::int32_t(h0 * w.W) + first_col[ow];
      }
      for (idx i = 0; i < w.kH; ++i) {
        const idx h = oh * w.sH - w.pH + i * w.dH;
        if (h < 0 || h >= w.H) continue;
        for (idx j = 0; j < w.kW; ++j) {
          const idx off = j * w.dW - w.pW;
          const T* src = plane + h * w.W + off;
          const std::int32_t base = std::int32_t(h * w.W + off);
          if (w.sW == 1) pool_tap<T, 1>(src, 1, lo[j], hi[j], base, best.data(), at.data());
          else if (w.sW == 2) pool_tap<T, 2>(src, 2, lo[j], hi[j], base, best.data(), at.data());
          else pool_tap<T, 0>(src, w.sW, lo[j], hi[j], base, best.data(), at.data());
        }
      }
      T* o = out + p * L + oh * w.oW;
      double* ix = indices + p * L + oh * w.oW;
      for (idx ow = 0; ow < w.oW; ++ow) {
        o[ow] = best[ow];
        ix[ow] = double(at[ow]);
      }
    }
  }
}

// The common 2x2 window with stride 2 inside the input (no padding, dilation or ceil-mode overhang):
// each output and its index are computed in registers and written once, the two input rows read
// once, with no row buffers. Same rule and order as pool_tap: the first tap always stands (it beats
// the -inf start, or is -inf at the start's own index), then (0,1), (1,0), (1,1) take over where
// greater or NaN.
template <class T>
void max_pool_2x2_planes(const T* x, T* out, double* indices, const Win& w, idx p0, idx p1) {
  const idx L = w.oH * w.oW, W = w.W;
  for (idx p = p0; p < p1; ++p) {
    const T* plane = x + p * w.H * W;
    for (idx oh = 0; oh < w.oH; ++oh) {
      const T* r0 = plane + 2 * oh * W;
      const T* r1 = r0 + W;
      T* o = out + p * L + oh * w.oW;
      double* ix = indices + p * L + oh * w.oW;
      const std::int32_t base = std::int32_t(2 * oh * W), down = std::int32_t(W);
      for (idx ow = 0; ow < w.oW; ++ow) {
        const T a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
        const std::int32_t at0 = base + std::int32_t(2 * ow);
        T best = a;
        std::int32_t at = at0;
        bool take = (b > best) | (b != b);
        best = take ? b : best;
        at = take ? at0 + 1 : at;
        take = (c > best) | (c != c);
        best = take ? c : best;
        at = take ? at0 + down : at;
        take = (d > best) | (d != d);
        best = take ? d : best;
        at = take ? at0 + down + 1 : at;
        o[ow] = best;
        ix[ow] = double(at);
      }
    }
  }
}

bool is_2x2_stride2(const Win& w) {
  return w.kH == 2 && w.kW == 2 && w.sH == 2 && w.sW == 2 && w.pH == 0 && w.pW == 0 && w.dH == 1 && w.dW == 1 &&
         2 * w.oH <= w.H && 2 * w.oW <= w.W;
}

template <class T>
void max_pool_backward_planes(const T* g, const double* indices, T* gx, const Win& w, idx p0, idx p1) {
  const idx L = w.oH * w.oW, HW = w.H * w.W;
  for (idx p = p0; p < p1; ++p) {
    T* plane = gx + p * HW;
    for (idx k = p * L; k < (p + 1) * L; ++k) plane[idx(indices[k])] += g[k];
  }
}

// Checks that indices[0, C*oH*oW) are in-plane positions, so a corrupt index cannot write outside gx.
bool indices_in_range(const double* indices, idx n, idx HW) {
  for (idx k = 0; k < n; ++k) {
    const double v = indices[k];
    if (!(v >= 0 && v < double(HW))) return false;
  }
  return true;
}

// argv = [data, out-or-indices, third, win]: forward (x, out, indices), backward (g, indices, gx).
napi_value Run(napi_env env, napi_callback_info info, bool forward) {
  const char* fn = forward ? "maxPool2d" : "maxPool2dBackward";
  napi_value argv[4];
  ArrayArg a, b, c;
  Win w;
  if (!get_args(env, info, fn, 4, argv) || !get_typed_array(env, argv[0], fn, forward ? "x" : "g", &a) ||
      !get_typed_array(env, argv[1], fn, forward ? "out" : "indices", &b) ||
      !get_typed_array(env, argv[2], fn, forward ? "indices" : "gx", &c) || !kd::get_win(env, argv[3], fn, &w)) {
    return nullptr;
  }
  const ArrayArg& x = forward ? a : c;       // the input-sized array (x, or gx)
  const ArrayArg& o = forward ? b : a;       // the output-sized array (out, or g)
  const ArrayArg& ix = forward ? c : b;
  if (x.type != o.type || (x.type != napi_float32_array && x.type != napi_float64_array) ||
      ix.type != napi_float64_array) {
    return make_bool(env, false);
  }
  const double planes = double(w.C), L = double(w.oH) * double(w.oW), HW = double(w.H) * double(w.W);
  if (planes * HW > double(x.length) || planes * L > double(o.length) || planes * L > double(ix.length)) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "%s: the window reaches outside its arrays (input needs %.0f of %zu, output %.0f of %zu, indices %.0f of %zu)",
                  fn, planes * HW, x.length, planes * L, o.length, planes * L, ix.length);
    throw_range(env, msg);
    return nullptr;
  }
  const std::size_t es = element_size(x.type);
  if (ranges_overlap(x.data, x.length * es, o.data, o.length * es) ||
      ranges_overlap(x.data, x.length * es, ix.data, ix.length * 8) ||
      ranges_overlap(o.data, o.length * es, ix.data, ix.length * 8)) {
    return make_bool(env, false);
  }
  // Positions are kept as int32 while a row is scanned.
  if (HW > 2147483647.0) return make_bool(env, false);
  const double* indices = static_cast<const double*>(ix.data);
  if (!forward && !indices_in_range(indices, idx(planes * L), idx(HW))) return make_bool(env, false);
  const double work = planes * L * (forward ? double(w.kH) * double(w.kW) : 1.0);
  const bool fast2x2 = is_2x2_stride2(w);
  const auto run = [&](auto* xp, auto* op) {
    kd::parallel_for(w.C, work, 1, [&](idx p0, idx p1) {
      if (forward && fast2x2) max_pool_2x2_planes(xp, op, static_cast<double*>(ix.data), w, p0, p1);
      else if (forward) max_pool_planes(xp, op, static_cast<double*>(ix.data), w, p0, p1);
      else max_pool_backward_planes(op, indices, xp, w, p0, p1);
    });
  };
  if (x.type == napi_float32_array) run(static_cast<float*>(x.data), static_cast<float*>(o.data));
  else run(static_cast<double*>(x.data), static_cast<double*>(o.data));
  return make_bool(env, true);
}

napi_value MaxPool2d(napi_env env, napi_callback_info info) { return Run(env, info, true); }
napi_value MaxPool2dBackward(napi_env env, napi_callback_info info) { return Run(env, info, false); }

}  // namespace

namespace kd {

bool register_pool(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"maxPool2d", nullptr, MaxPool2d, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"maxPool2dBackward", nullptr, MaxPool2dBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, 2, props) == napi_ok;
}

}  // namespace kd
