// Node-API argument helpers shared by the bindings (addon.cc, addon_ops.cc, addon_optim.cc). Each
// get_* validates one argument and, on failure, throws (TypeError / RangeError) and returns false,
// so that checks read `if (!get_...(...)) return nullptr;`.
#ifndef KD_NAPI_H
#define KD_NAPI_H

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include <node_api.h>

#include "kd_gemm.h"

namespace kd {
namespace napi {

constexpr double kMaxSafeInteger = 9007199254740991.0;

// The addon's ABI version, exported as `abiVersion`. The TypeScript loader (src/backend/native/
// loader.ts, NATIVE_ABI_VERSION) refuses an addon whose version differs, so a stale build left in
// build/ is never half-used. Bump both together whenever an export is added, removed or changes
// its arguments or results.
constexpr int32_t kAbiVersion = 2;

inline napi_value undefined_value(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

// Throws and returns false, so that checks read `if (!check(...)) return nullptr;`.
inline bool throw_type(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, msg);
  return false;
}
inline bool throw_range(napi_env env, const char* msg) {
  napi_throw_range_error(env, nullptr, msg);
  return false;
}

inline bool get_bool(napi_env env, napi_value v, const char* fn, const char* name, bool* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_boolean) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: %s must be a boolean", fn, name);
    return throw_type(env, msg);
  }
  napi_get_value_bool(env, v, out);
  return true;
}

inline bool get_number(napi_env env, napi_value v, const char* fn, const char* name, double* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: %s must be a number", fn, name);
    return throw_type(env, msg);
  }
  napi_get_value_double(env, v, out);
  return true;
}

inline bool get_index(napi_env env, napi_value v, const char* fn, const char* name, idx* out) {
  double d;
  if (!get_number(env, v, fn, name, &d)) return false;
  if (!(d >= 0 && d <= kMaxSafeInteger && std::floor(d) == d)) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "%s: %s must be a non-negative integer (got %g)", fn, name, d);
    return throw_range(env, msg);
  }
  *out = idx(d);
  return true;
}

struct ArrayArg {
  napi_typedarray_type type;
  std::size_t length;  // elements
  void* data;          // first element
};

inline const char* typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "typed array";
  }
}

inline napi_value make_string(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

inline napi_value make_bool(napi_env env, bool b) {
  napi_value v;
  napi_get_boolean(env, b, &v);
  return v;
}

// Any typed array (its memory used in place: data points at element 0).
inline bool get_typed_array(napi_env env, napi_value v, const char* fn, const char* name, ArrayArg* out) {
  bool is_ta = false;
  napi_value buffer;
  std::size_t byte_offset;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &byte_offset) != napi_ok) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: %s must be a typed array", fn, name);
    return throw_type(env, msg);
  }
  return true;
}

inline bool is_nullish(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && (t == napi_null || t == napi_undefined);
}

// Reads up to `max` arguments into argv (missing ones are undefined); throws when fewer than `need`.
inline bool get_args(napi_env env, napi_callback_info info, const char* fn, std::size_t need, napi_value* argv,
                     std::size_t max = 0) {
  std::size_t argc = max > need ? max : need;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < need) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: expected %zu arguments, got %zu", fn, need, argc);
    return throw_type(env, msg);
  }
  return true;
}

inline std::size_t element_size(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    default: return 8;
  }
}

// Whether two byte ranges share memory.
inline bool ranges_overlap(const void* a, std::size_t a_bytes, const void* b, std::size_t b_bytes) {
  if (a_bytes == 0 || b_bytes == 0) return false;
  const auto a0 = reinterpret_cast<std::uintptr_t>(a), b0 = reinterpret_cast<std::uintptr_t>(b);
  return a0 < b0 + b_bytes && b0 < a0 + a_bytes;
}

}  // namespace napi

// Define the functions of addon_ops.cc / addon_optim.cc on the module's exports.
bool register_ops(napi_env env, napi_value exports);
bool register_optim(napi_env env, napi_value exports);
bool register_alloc(napi_env env, napi_value exports);
bool register_conv(napi_env env, napi_value exports);
bool register_pool(napi_env env, napi_value exports);
bool register_conv_batch(napi_env env, napi_value exports);
bool register_profile(napi_env env, napi_value exports);
bool register_dropout(napi_env env, napi_value exports);
bool register_norm(napi_env env, napi_value exports);
bool register_recurrent(napi_env env, napi_value exports);
bool register_loss(napi_env env, napi_value exports);
bool register_linear(napi_env env, napi_value exports);

}  // namespace kd

#endif
