// Node-API binding of the fused dropout kernel (src/backend/js/dropout.ts is its reference):
//
//   dropout(state, keepProb, scale, x, mask, out, n): boolean
//       state: Uint32Array(4), xoshiro128** words, advanced in place; x, mask, out: all Float32Array
//       or all Float64Array of at least n elements, mask and out not overlapping x or each other.
//       Per element a uniform u drawn as Generator.fillUniform draws it (float32: one draw, 24 bits;
//       float64: two draws, 53 bits); mask = u < keepProb ? scale (in the dtype) : 0; out = x * mask.
//
// The stream is serial, so the draws are too; they go into a small block first, and the mask and
// product over the block are plain loops the compiler vectorizes. Other dtypes return false.
#include <cstdint>
#include <cstring>

#include <node_api.h>

#include "kd_napi.h"

namespace {

using kd::idx;
using namespace kd::napi;

struct Xoshiro {
  uint32_t s0, s1, s2, s3;
  inline uint32_t next() {
    const uint32_t m = s1 * 5u;
    const uint32_t r = ((m << 7) | (m >> 25)) * 9u;
    const uint32_t t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >> 21);
    return r;
  }
};

constexpr idx kBlock = 512;

template <class T>
void dropout_run(Xoshiro& g, double keep_prob, double scale, const T* x, T* mask, T* out, idx n) {
  const T m = T(scale);
  double u[kBlock];
  for (idx i0 = 0; i0 < n; i0 += kBlock) {
    const idx len = n - i0 < kBlock ? n - i0 : kBlock;
    if (sizeof(T) == 4) {
      for (idx i = 0; i < len; ++i) u[i] = double(g.next() >> 8) / 16777216.0;
    } else {
      for (idx i = 0; i < len; ++i) {
        const double hi = double(g.next() >> 5);
        const double lo = double(g.next() >> 6);
        u[i] = (hi * 67108864.0 + lo) / 9007199254740992.0;
      }
    }
    for (idx i = 0; i < len; ++i) {
      const T k = u[i] < keep_prob ? m : T(0);
      mask[i0 + i] = k;
      out[i0 + i] = x[i0 + i] * k;
    }
  }
}

napi_value Dropout(napi_env env, napi_callback_info info) {
  const char* fn = "dropout";
  napi_value argv[7];
  ArrayArg st, x, mask, out;
  double keep_prob, scale;
  idx n;
  if (!get_args(env, info, fn, 7, argv) || !get_typed_array(env, argv[0], fn, "state", &st) ||
      !get_number(env, argv[1], fn, "keepProb", &keep_prob) || !get_number(env, argv[2], fn, "scale", &scale) ||
      !get_typed_array(env, argv[3], fn, "x", &x) || !get_typed_array(env, argv[4], fn, "mask", &mask) ||
      !get_typed_array(env, argv[5], fn, "out", &out) || !get_index(env, argv[6], fn, "n", &n)) {
    return nullptr;
  }
  if (st.type != napi_uint32_array || st.length < 4) {
    throw_type(env, "dropout: state must be a Uint32Array of 4 words");
    return nullptr;
  }
  if (std::size_t(n) > x.length || std::size_t(n) > mask.length || std::size_t(n) > out.length) {
    throw_range(env, "dropout: x, mask or out is shorter than n");
    return nullptr;
  }
  const bool f32 = x.type == napi_float32_array, f64 = x.type == napi_float64_array;
  if ((!f32 && !f64) || mask.type != x.type || out.type != x.type) return make_bool(env, false);
  const std::size_t bytes = std::size_t(n) * (f32 ? 4 : 8);
  if (ranges_overlap(x.data, bytes, mask.data, bytes) || ranges_overlap(x.data, bytes, out.data, bytes) ||
      ranges_overlap(mask.data, bytes, out.data, bytes)) {
    return make_bool(env, false);
  }
  uint32_t* s = static_cast<uint32_t*>(st.data);
  Xoshiro g{s[0], s[1], s[2], s[3]};
  if (f32) {
    dropout_run(g, keep_prob, scale, static_cast<const float*>(x.data), static_cast<float*>(mask.data),
                static_cast<float*>(out.data), n);
  } else {
    dropout_run(g, keep_prob, scale, static_cast<const double*>(x.data), static_cast<double*>(mask.data),
                static_cast<double*>(out.data), n);
  }
  s[0] = g.s0;
  s[1] = g.s1;
  s[2] = g.s2;
  s[3] = g.s3;
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_dropout(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dropout", nullptr, Dropout, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
