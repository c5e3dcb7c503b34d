// Node-API binding of the fused optimizer steps (src/optim/fused.ts is the caller).
//
//   sgdStep(params, grads, bufs | null, first | null, negLr, wd, mom, damp1, nesterov, maximize): boolean
//   adamStep(params, grads, expAvg, expAvgSq, maxExpAvgSq | null, negStepSize, bc2Sqrt,
//            l2, decay, b1, omb1, b2, omb2, eps, maximize): boolean
//
// params, grads and the state lists are arrays of typed arrays, one entry per parameter; first (SGD:
// the momentum buffer is new) is an array of booleans; negStepSize and bc2Sqrt (Adam: per
// parameter, as each has its own step count) are arrays of numbers. Scalars are already rounded to
// the parameters' precision. Malformed arguments throw; a valid call the kernels do not cover --
// not all Float32Array or all Float64Array, lengths that differ within a parameter, or arrays that
// share memory -- returns false untouched, and the caller runs the JS loops.
#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_ops.h"

namespace {

using kd::idx;
using namespace kd::napi;

// A JS array of `count` entries (count < 0: any length, set to the array's).
bool get_list(napi_env env, napi_value v, const char* fn, const char* name, idx* count, std::vector<napi_value>* out) {
  bool is_array = false;
  uint32_t len = 0;
  char msg[200];
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array || napi_get_array_length(env, v, &len) != napi_ok) {
    std::snprintf(msg, sizeof msg, "%s: %s must be an array", fn, name);
    return throw_type(env, msg);
  }
  if (*count >= 0 && idx(len) != *count) {
    std::snprintf(msg, sizeof msg, "%s: %s has %u entries, expected %lld (one per parameter)", fn, name, len,
                  (long long)*count);
    return throw_range(env, msg);
  }
  *count = idx(len);
  out->resize(len);
  for (uint32_t i = 0; i < len; ++i) napi_get_element(env, v, i, &(*out)[i]);
  return true;
}

bool get_arrays(napi_env env, napi_value v, const char* fn, const char* name, idx* count, std::vector<ArrayArg>* out) {
  std::vector<napi_value> items;
  if (!get_list(env, v, fn, name, count, &items)) return false;
  out->resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!get_typed_array(env, items[i], fn, name, &(*out)[i])) return false;
  }
  return true;
}

bool get_numbers(napi_env env, napi_value v, const char* fn, const char* name, idx count, std::vector<double>* out) {
  std::vector<napi_value> items;
  if (!get_list(env, v, fn, name, &count, &items)) return false;
  out->resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!get_number(env, items[i], fn, name, &(*out)[i])) return false;
  }
  return true;
}

bool get_bools(napi_env env, napi_value v, const char* fn, const char* name, idx count, std::vector<bool>* out) {
  std::vector<napi_value> items;
  if (!get_list(env, v, fn, name, &count, &items)) return false;
  out->resize(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    bool b;
    if (!get_bool(env, items[i], fn, name, &b)) return false;
    (*out)[i] = b;
  }
  return true;
}

// Whether every listed array has type `t` and parameter i's arrays all have the same length, and no
// two arrays share memory (so the parameters can be updated in any order, in parallel).
bool uniform_and_disjoint(const std::vector<const std::vector<ArrayArg>*>& lists, napi_typedarray_type t) {
  const std::vector<ArrayArg>& first = *lists[0];
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
  for (const auto* list : lists) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const ArrayArg& a = (*list)[i];
      if (a.type != t || a.length != first[i].length) return false;
      if (a.length == 0) continue;
      const auto p = reinterpret_cast<std::uintptr_t>(a.data);
      ranges.emplace_back(p, p + a.length * element_size(t));
    }
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) return false;
  }
  return true;
}

bool param_dtype(const std::vector<ArrayArg>& params, kd::DType* t, napi_typedarray_type* type) {
  *type = params.empty() ? napi_float32_array : params[0].type;
  if (*type == napi_float32_array) *t = kd::DType::F32;
  else if (*type == napi_float64_array) *t = kd::DType::F64;
  else return false;
  return true;
}

napi_value SgdStep(napi_env env, napi_callback_info info) {
  const char* fn = "sgdStep";
  napi_value argv[10];
  if (!get_args(env, info, fn, 10, argv)) return nullptr;
  idx count = -1;
  std::vector<ArrayArg> params, grads, bufs;
  std::vector<bool> first;
  kd::SgdScalars s;
  if (!get_arrays(env, argv[0], fn, "params", &count, &params) || !get_arrays(env, argv[1], fn, "grads", &count, &grads)) {
    return nullptr;
  }
  const bool momentum = !is_nullish(env, argv[2]);
  if (momentum && (!get_arrays(env, argv[2], fn, "bufs", &count, &bufs) || !get_bools(env, argv[3], fn, "first", count, &first))) {
    return nullptr;
  }
  if (!get_number(env, argv[4], fn, "negLr", &s.neg_lr) || !get_number(env, argv[5], fn, "wd", &s.wd) ||
      !get_number(env, argv[6], fn, "mom", &s.mom) || !get_number(env, argv[7], fn, "damp1", &s.damp1) ||
      !get_bool(env, argv[8], fn, "nesterov", &s.nesterov) || !get_bool(env, argv[9], fn, "maximize", &s.maximize)) {
    return nullptr;
  }
  kd::DType t;
  napi_typedarray_type type;
  std::vector<const std::vector<ArrayArg>*> lists = {&params, &grads};
  if (momentum) lists.push_back(&bufs);
  if (!param_dtype(params, &t, &type) || !uniform_and_disjoint(lists, type)) return make_bool(env, false);
  std::vector<kd::SgdParam> items(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    items[i] = {params[i].data, grads[i].data, momentum ? bufs[i].data : nullptr, momentum && first[i],
                idx(params[i].length)};
  }
  kd::sgd_step(t, s, items.data(), idx(items.size()));
  return make_bool(env, true);
}

napi_value AdamStep(napi_env env, napi_callback_info info) {
  const char* fn = "adamStep";
  napi_value argv[15];
  if (!get_args(env, info, fn, 15, argv)) return nullptr;
  idx count = -1;
  std::vector<ArrayArg> params, grads, m, v, vmax;
  std::vector<double> neg_step, bc2;
  kd::AdamScalars s;
  if (!get_arrays(env, argv[0], fn, "params", &count, &params) || !get_arrays(env, argv[1], fn, "grads", &count, &grads) ||
      !get_arrays(env, argv[2], fn, "expAvg", &count, &m) || !get_arrays(env, argv[3], fn, "expAvgSq", &count, &v)) {
    return nullptr;
  }
  const bool ams = !is_nullish(env, argv[4]);
  if ((ams && !get_arrays(env, argv[4], fn, "maxExpAvgSq", &count, &vmax)) ||
      !get_numbers(env, argv[5], fn, "negStepSize", count, &neg_step) ||
      !get_numbers(env, argv[6], fn, "bc2Sqrt", count, &bc2) || !get_number(env, argv[7], fn, "l2", &s.l2) ||
      !get_number(env, argv[8], fn, "decay", &s.decay) || !get_number(env, argv[9], fn, "b1", &s.b1) ||
      !get_number(env, argv[10], fn, "omb1", &s.omb1) || !get_number(env, argv[11], fn, "b2", &s.b2) ||
      !get_number(env, argv[12], fn, "omb2", &s.omb2) || !get_number(env, argv[13], fn, "eps", &s.eps) ||
      !get_bool(env, argv[14], fn, "maximize", &s.maximize)) {
    return nullptr;
  }
  kd::DType t;
  napi_typedarray_type type;
  std::vector<const std::vector<ArrayArg>*> lists = {&params, &grads, &m, &v};
  if (ams) lists.push_back(&vmax);
  if (!param_dtype(params, &t, &type) || !uniform_and_disjoint(lists, type)) return make_bool(env, false);
  std::vector<kd::AdamParam> items(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    items[i] = {params[i].data, grads[i].data, m[i].data, v[i].data, ams ? vmax[i].data : nullptr,
                neg_step[i], bc2[i], idx(params[i].length)};
  }
  kd::adam_step(t, s, items.data(), idx(items.size()));
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_optim(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sgdStep", nullptr, SgdStep, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"adamStep", nullptr, AdamStep, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
