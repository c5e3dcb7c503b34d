// Node-API binding and loops of the fused cross entropy with class-index targets (F.crossEntropy
// without class weights or label smoothing): the forward is one log-softmax over the rows plus the
// pick of each row's target, the backward one exp over the saved log-probabilities plus the one-hot
// subtraction and the reduction's scale. The composed graph (ne, where, gather, neg, mul, sum, div,
// then exp, eq, sub, mul, div in backward) cost ~20 kernel calls and their tensors per step.
//
//   crossEntropyForward(x, target, n, c, ignoreIndex, reduction, logp, out): number
//       x [n, c] logits (Float32Array | Float64Array, contiguous from element 0), target [n] class
//       indices (Int32Array, or int64 values stored in a Float64Array), reduction 0 none / 1 sum /
//       2 mean. Writes logp [n, c] and out: n losses (none, 0 for ignored rows) or one value (sum;
//       mean = sum / counted rows, NaN when none counts). Returns -1, or the first row whose target
//       is neither ignoreIndex nor in [0, c) (then out holds nothing); -2: declined (other dtypes,
//       overlapping arrays), nothing written.
//   crossEntropyBackward(logp, target, n, c, ignoreIndex, reduction, g, gx): boolean
//       gx[i, :] = (exp(logp[i, :]) - onehot(target[i])) * s_i with s_i = g[i] (none), g[0] (sum) or
//       g[0] / counted rows (mean), and 0 for ignored rows.
#include <cmath>
#include <cstdio>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_ops.h"

namespace {

using kd::idx;
using namespace kd::napi;

// A row's target, or -1 when it is ignored, or -2 when it is out of range.
struct Targets {
  const void* data;
  bool i32;
  double ignore;
  idx c;
  idx at(idx i) const {
    const double v = i32 ? double(static_cast<const int32_t*>(data)[i]) : static_cast<const double*>(data)[i];
    if (v == ignore) return -1;
    return v >= 0 && v < double(c) ? idx(v) : -2;
  }
};

template <class T>
idx forward_loop(const T* logp, const Targets& y, idx n, idx c, int reduction, T* out) {
  double total = 0;
  idx counted = 0;
  for (idx i = 0; i < n; ++i) {
    const idx k = y.at(i);
    if (k == -2) return i;
    const double li = k < 0 ? 0.0 : -double(logp[i * c + k]);
    counted += k >= 0;
    if (reduction == 0) out[i] = T(li);
    total += li;
  }
  if (reduction == 1) out[0] = T(total);
  // 0 / 0 = NaN when every target is ignored, as PyTorch's mean.
  // Rounded as the composed graph's div(sum(per), denom): both operands in T first.
  if (reduction == 2) out[0] = counted == 0 ? T(std::nan("")) : T(T(total) / T(counted));
  return -1;
}

template <class T>
void backward_loop(const Targets& y, idx n, idx c, int reduction, const T* g, T* gx) {
  idx counted = 0;
  if (reduction == 2) {
    for (idx i = 0; i < n; ++i) counted += y.at(i) >= 0;
  }
  // The scale rounded to T first, as the composed graph's div(g, denom) is.
  const T shared = reduction == 1 ? g[0] : reduction == 2 && counted > 0 ? T(g[0] / T(counted)) : T(0);
  for (idx i = 0; i < n; ++i) {
    T* row = gx + i * c;
    const idx k = y.at(i);
    if (k < 0) {
      for (idx j = 0; j < c; ++j) row[j] = T(0);
      continue;
    }
    const T s = reduction == 0 ? g[i] : shared;
    row[k] -= T(1);
    for (idx j = 0; j < c; ++j) row[j] *= s;
  }
}

bool get_targets(napi_env env, napi_value v, const char* fn, idx n, ArrayArg* out, bool* ok) {
  if (!get_typed_array(env, v, fn, "target", out)) return false;
  *ok = out->type == napi_int32_array || out->type == napi_float64_array;
  if (*ok && out->length < std::size_t(n)) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: target is shorter than n", fn);
    return throw_range(env, msg);
  }
  return true;
}

bool float_type(napi_typedarray_type t, kd::DType* out) {
  if (t == napi_float32_array) *out = kd::DType::F32;
  else if (t == napi_float64_array) *out = kd::DType::F64;
  else return false;
  return true;
}

// Reads n, c, ignoreIndex and reduction (argv[0..3]).
bool get_sizes(napi_env env, napi_value* argv, const char* fn, idx* n, idx* c, double* ignore, int* reduction) {
  idx r;
  if (!get_index(env, argv[0], fn, "n", n) || !get_index(env, argv[1], fn, "c", c) ||
      !get_number(env, argv[2], fn, "ignoreIndex", ignore) || !get_index(env, argv[3], fn, "reduction", &r)) {
    return false;
  }
  if (r > 2) return throw_range(env, "crossEntropy: reduction must be 0, 1 or 2");
  *reduction = int(r);
  return true;
}

napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

napi_value CrossEntropyForward(napi_env env, napi_callback_info info) {
  const char* fn = "crossEntropyForward";
  napi_value argv[8];
  ArrayArg x, y, logp, out;
  idx n, c;
  double ignore;
  int reduction;
  bool int_ok;
  if (!get_args(env, info, fn, 8, argv) || !get_typed_array(env, argv[0], fn, "x", &x) ||
      !get_sizes(env, argv + 2, fn, &n, &c, &ignore, &reduction) || !get_targets(env, argv[1], fn, n, &y, &int_ok) ||
      !get_typed_array(env, argv[6], fn, "logp", &logp) || !get_typed_array(env, argv[7], fn, "out", &out)) {
    return nullptr;
  }
  const std::size_t total = std::size_t(n) * std::size_t(c);
  if (x.length < total || logp.length < total || out.length < (reduction == 0 ? std::size_t(n) : 1)) {
    throw_range(env, "crossEntropyForward: x, logp or out is shorter than the shape");
    return nullptr;
  }
  kd::DType t;
  if (!int_ok || !float_type(x.type, &t) || logp.type != x.type || out.type != x.type) return number(env, -2);
  const std::size_t es = kd::dtype_size(t);
  if (ranges_overlap(x.data, total * es, logp.data, total * es) || ranges_overlap(out.data, es, logp.data, total * es) ||
      ranges_overlap(out.data, es, x.data, total * es)) {
    return number(env, -2);
  }
  const Targets tg{y.data, y.type == napi_int32_array, ignore, c};
  if (total > 0) kd::softmax(t, x.data, logp.data, n, c, 1, true);
  const idx bad = t == kd::DType::F32
                      ? forward_loop(static_cast<const float*>(logp.data), tg, n, c, reduction, static_cast<float*>(out.data))
                      : forward_loop(static_cast<const double*>(logp.data), tg, n, c, reduction, static_cast<double*>(out.data));
  return number(env, double(bad));
}

napi_value CrossEntropyBackward(napi_env env, napi_callback_info info) {
  const char* fn = "crossEntropyBackward";
  napi_value argv[8];
  ArrayArg logp, y, g, gx;
  idx n, c;
  double ignore;
  int reduction;
  bool int_ok;
  if (!get_args(env, info, fn, 8, argv) || !get_typed_array(env, argv[0], fn, "logp", &logp) ||
      !get_sizes(env, argv + 2, fn, &n, &c, &ignore, &reduction) || !get_targets(env, argv[1], fn, n, &y, &int_ok) ||
      !get_typed_array(env, argv[6], fn, "g", &g) || !get_typed_array(env, argv[7], fn, "gx", &gx)) {
    return nullptr;
  }
  const std::size_t total = std::size_t(n) * std::size_t(c);
  if (logp.length < total || gx.length < total || g.length < (reduction == 0 ? std::size_t(n) : 1)) {
    throw_range(env, "crossEntropyBackward: logp, g or gx is shorter than the shape");
    return nullptr;
  }
  kd::DType t;
  if (!int_ok || !float_type(logp.type, &t) || g.type != logp.type || gx.type != logp.type) return make_bool(env, false);
  const std::size_t es = kd::dtype_size(t);
  if (ranges_overlap(gx.data, total * es, logp.data, total * es) || ranges_overlap(gx.data, total * es, g.data, g.length * es)) {
    return make_bool(env, false);
  }
  const Targets tg{y.data, y.type == napi_int32_array, ignore, c};
  if (total > 0) kd::unary(kd::UnaryOp::exp, t, logp.data, gx.data, idx(total));
  if (t == kd::DType::F32) {
    backward_loop(tg, n, c, reduction, static_cast<const float*>(g.data), static_cast<float*>(gx.data));
  } else {
    backward_loop(tg, n, c, reduction, static_cast<const double*>(g.data), static_cast<double*>(gx.data));
  }
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_loss(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"crossEntropyForward", nullptr, CrossEntropyForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"crossEntropyBackward", nullptr, CrossEntropyBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
