// Node-API binding of the fused layer-norm kernels (src/backend/js/layer_norm.ts is the reference,
// with the same arithmetic: statistics and sums in double, each stored value rounded once):
//
//   layerNorm(x, w | null, b | null, out, xhat, rstd, rows, size, eps): boolean
//   layerNormBackward(g, xhat, w | null, rstd, gx | null, gw | null, gb | null, rows, size): boolean
//
// All arrays Float32Array, or all Float64Array (else false: the caller runs the reference); rows of
// `size` contiguous elements; w, b, gw, gb of `size`. The loops are per ISA (kd_ops_norm.h, through
// ops_kernels()); rows are split over the pool's threads, the column sums gw/gb over column blocks,
// each column summed over all rows in order by one thread, so results do not depend on the thread count.
#include <cmath>
#include <cstring>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_ops.h"
#include "kd_parallel.h"

namespace {

using kd::idx;
using namespace kd::napi;

bool get_dims(napi_env env, napi_value* argv, const char* fn, idx* rows, idx* size) {
  return get_index(env, argv[0], fn, "rows", rows) && get_index(env, argv[1], fn, "size", size);
}

// An optional array argument: null/undefined gives data = nullptr.
bool get_opt(napi_env env, napi_value v, const char* fn, const char* name, ArrayArg* out) {
  if (is_nullish(env, v)) {
    out->data = nullptr;
    out->length = 0;
    out->type = napi_float32_array;
    return true;
  }
  return get_typed_array(env, v, fn, name, out);
}

bool same_float(napi_typedarray_type t, const ArrayArg* const* arrs, int n) {
  if (t != napi_float32_array && t != napi_float64_array) return false;
  for (int i = 0; i < n; ++i) if (arrs[i]->data && arrs[i]->type != t) return false;
  return true;
}

bool long_enough(const ArrayArg& a, double need) { return !a.data || double(a.length) >= need; }

napi_value LayerNorm(napi_env env, napi_callback_info info) {
  const char* fn = "layerNorm";
  napi_value argv[9];
  ArrayArg x, w, b, out, xhat, rstd;
  idx rows, size;
  double eps;
  if (!get_args(env, info, fn, 9, argv) || !get_typed_array(env, argv[0], fn, "x", &x) || !get_opt(env, argv[1], fn, "w", &w) ||
      !get_opt(env, argv[2], fn, "b", &b) || !get_typed_array(env, argv[3], fn, "out", &out) ||
      !get_typed_array(env, argv[4], fn, "xhat", &xhat) || !get_typed_array(env, argv[5], fn, "rstd", &rstd) ||
      !get_dims(env, argv + 6, fn, &rows, &size) || !get_number(env, argv[8], fn, "eps", &eps)) {
    return nullptr;
  }
  const double total = double(rows) * double(size);
  if (double(x.length) < total || double(out.length) < total || double(xhat.length) < total || double(rstd.length) < double(rows) ||
      !long_enough(w, double(size)) || !long_enough(b, double(size))) {
    throw_range(env, "layerNorm: an array is shorter than rows x size");
    return nullptr;
  }
  const ArrayArg* all[] = {&w, &b, &out, &xhat, &rstd};
  if (!same_float(x.type, all, 5)) return make_bool(env, false);
  const bool f32 = x.type == napi_float32_array;
  const idx es = f32 ? 4 : 8;
  const std::size_t bytes = std::size_t(total) * std::size_t(es);
  if (ranges_overlap(x.data, bytes, out.data, bytes) || ranges_overlap(x.data, bytes, xhat.data, bytes) ||
      ranges_overlap(out.data, bytes, xhat.data, bytes)) {
    return make_bool(env, false);
  }
  const kd::LayerNormFn f = kd::ops_kernels().layer_norm[int(f32 ? kd::DType::F32 : kd::DType::F64)];
  kd::parallel_for(rows, total * 4.0, 1, [&](idx lo, idx hi) { f(x.data, w.data, b.data, out.data, xhat.data, rstd.data, size, eps, lo, hi); });
  return make_bool(env, true);
}

napi_value LayerNormBackward(napi_env env, napi_callback_info info) {
  const char* fn = "layerNormBackward";
  napi_value argv[9];
  ArrayArg g, xhat, w, rstd, gx, gw, gb;
  idx rows, size;
  if (!get_args(env, info, fn, 9, argv) || !get_typed_array(env, argv[0], fn, "g", &g) ||
      !get_typed_array(env, argv[1], fn, "xhat", &xhat) || !get_opt(env, argv[2], fn, "w", &w) ||
      !get_typed_array(env, argv[3], fn, "rstd", &rstd) || !get_opt(env, argv[4], fn, "gx", &gx) ||
      !get_opt(env, argv[5], fn, "gw", &gw) || !get_opt(env, argv[6], fn, "gb", &gb) || !get_dims(env, argv + 7, fn, &rows, &size)) {
    return nullptr;
  }
  const double total = double(rows) * double(size);
  if (double(g.length) < total || double(xhat.length) < total || double(rstd.length) < double(rows) || !long_enough(gx, total) ||
      !long_enough(w, double(size)) || !long_enough(gw, double(size)) || !long_enough(gb, double(size))) {
    throw_range(env, "layerNormBackward: an array is shorter than rows x size");
    return nullptr;
  }
  const ArrayArg* all[] = {&xhat, &w, &rstd, &gx, &gw, &gb};
  if (!same_float(g.type, all, 6)) return make_bool(env, false);
  const bool f32 = g.type == napi_float32_array;
  const std::size_t bytes = std::size_t(total) * (f32 ? 4 : 8);
  if (gx.data && (ranges_overlap(g.data, bytes, gx.data, bytes) || ranges_overlap(xhat.data, bytes, gx.data, bytes))) {
    return make_bool(env, false);
  }
  const int t = int(f32 ? kd::DType::F32 : kd::DType::F64);
  if (gx.data) {
    const kd::LayerNormBwdFn f = kd::ops_kernels().layer_norm_backward[t];
    kd::parallel_for(rows, total * 3.0, 1, [&](idx lo, idx hi) { f(g.data, xhat.data, w.data, rstd.data, gx.data, size, lo, hi); });
  }
  if (gw.data || gb.data) {
    const kd::LayerNormColsFn f = kd::ops_kernels().layer_norm_cols[t];
    kd::parallel_for(size, total * 2.0, 64, [&](idx c0, idx c1) { f(g.data, xhat.data, gw.data, gb.data, rows, size, c0, c1); });
  }
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_norm(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"layerNorm", nullptr, LayerNorm, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"layerNormBackward", nullptr, LayerNormBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
