// Node-API binding of the linear layer's forward with its epilogue (ops/linear.ts):
//
//   linearForward(x, w, bias | null, out, rows, outF, inF, relu): boolean
//       out [rows, outF] = act(x [rows, inF] @ w [outF, inF]^T + bias [outF]), act ReLU when relu.
//       All arrays contiguous from element 0, one float type. Same bits as copying the bias into out
//       and calling gemm(beta = 1), then relu (kd::gemm_bias_act), without the copy's pass over out
//       and without a second pass for the ReLU. false (nothing written): other types, or out sharing
//       memory with an input.
#include <cstdio>

#include <node_api.h>

#include "kd_gemm.h"
#include "kd_napi.h"

namespace {

using kd::idx;
using namespace kd::napi;

napi_value LinearForward(napi_env env, napi_callback_info info) {
  const char* fn = "linearForward";
  napi_value argv[8];
  ArrayArg x, w, b{}, out;
  idx rows, outF, inF;
  bool relu;
  if (!get_args(env, info, fn, 8, argv) || !get_typed_array(env, argv[0], fn, "x", &x) ||
      !get_typed_array(env, argv[1], fn, "w", &w) || !get_typed_array(env, argv[3], fn, "out", &out) ||
      !get_index(env, argv[4], fn, "rows", &rows) || !get_index(env, argv[5], fn, "outF", &outF) ||
      !get_index(env, argv[6], fn, "inF", &inF) || !get_bool(env, argv[7], fn, "relu", &relu)) {
    return nullptr;
  }
  const bool has_bias = !is_nullish(env, argv[2]);
  if (has_bias && !get_typed_array(env, argv[2], fn, "bias", &b)) return nullptr;
  const double need_x = double(rows) * double(inF), need_w = double(outF) * double(inF), need_o = double(rows) * double(outF);
  if (double(x.length) < need_x || double(w.length) < need_w || double(out.length) < need_o ||
      (has_bias && b.length < std::size_t(outF))) {
    throw_range(env, "linearForward: x, w, bias or out is shorter than the shapes");
    return nullptr;
  }
  const bool f32 = x.type == napi_float32_array;
  if ((!f32 && x.type != napi_float64_array) || w.type != x.type || out.type != x.type || (has_bias && b.type != x.type)) {
    return make_bool(env, false);
  }
  const std::size_t es = f32 ? 4 : 8;
  const std::size_t ob = std::size_t(need_o) * es;
  if (ranges_overlap(out.data, ob, x.data, std::size_t(need_x) * es) || ranges_overlap(out.data, ob, w.data, std::size_t(need_w) * es) ||
      (has_bias && ranges_overlap(out.data, ob, b.data, std::size_t(outF) * es))) {
    return make_bool(env, false);
  }
  const bool ok = f32 ? kd::gemm_bias_act(false, true, rows, outF, inF, static_cast<const float*>(x.data), inF,
                                          static_cast<const float*>(w.data), inF,
                                          has_bias ? static_cast<const float*>(b.data) : nullptr, relu,
                                          static_cast<float*>(out.data), outF)
                      : kd::gemm_bias_act(false, true, rows, outF, inF, static_cast<const double*>(x.data), inF,
                                          static_cast<const double*>(w.data), inF,
                                          has_bias ? static_cast<const double*>(b.data) : nullptr, relu,
                                          static_cast<double*>(out.data), outF);
  if (!ok) {
    napi_throw_error(env, nullptr, "linearForward: out of memory for the packing buffers");
    return nullptr;
  }
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_linear(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"linearForward", nullptr, LinearForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
