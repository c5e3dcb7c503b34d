// Node-API binding of the fused dropout kernel (src/backend/js/dropout.ts is its reference):
//
//   dropout(state, keepProb, scale, x, keep | null, out, n): boolean
//       state: Uint32Array(4), xoshiro128** words, advanced in place; x, out: both Float32Array or
//       both Float64Array of at least n elements; keep: a Uint8Array of n 0/1 flags, or null; none
//       overlapping another.
//   dropoutBackward(keep, scale, g, out, n): boolean      out = g * (keep ? scale : 0), scale in g's dtype
//       Per element a uniform u drawn as Generator.fillUniform draws it (float32: one draw, 24 bits;
//       float64: two draws, 53 bits); keep = u < keepProb; out = x * (keep ? scale (in the dtype) : 0).
//
// The stream is serial, but xoshiro128** is linear over GF(2): advancing it by k draws is a 128x128
// bit matrix. Long inputs are cut into blocks of kBlockElems elements; a thread starts its range at
// block c with the state advanced by c blocks (the block jump matrix applied c times), so every
// element gets exactly the draw the serial loop would give it, whatever the thread count. Within a
// block, draws go into a small buffer first and the mask and product are plain vectorizable loops.
// Other dtypes return false.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_parallel.h"

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
// Elements per parallel block (a power of 2, so the jump matrix is the step matrix squared log2 times).
constexpr idx kBlockElems = idx(1) << 16;

// A linear map of the 128-bit state: row i holds the state bits whose parity is output bit i.
using BitMat = std::array<std::array<uint32_t, 4>, 128>;

void apply(const BitMat& m, uint32_t* s) {
  uint32_t out[4] = {0, 0, 0, 0};
  for (int i = 0; i < 128; ++i) {
    const uint32_t v = (m[i][0] & s[0]) ^ (m[i][1] & s[1]) ^ (m[i][2] & s[2]) ^ (m[i][3] & s[3]);
    out[i >> 5] |= uint32_t(__builtin_parity(v)) << (i & 31);
  }
  std::memcpy(s, out, sizeof out);
}

// (a b): row i of the product is the XOR of the rows j of b where a[i] has bit j.
BitMat multiply(const BitMat& a, const BitMat& b) {
  BitMat c{};
  for (int i = 0; i < 128; ++i) {
    for (int j = 0; j < 128; ++j) {
      if ((a[i][j >> 5] >> (j & 31)) & 1u) {
        for (int w = 0; w < 4; ++w) c[i][w] ^= b[j][w];
      }
    }
  }
  return c;
}

// The map of kBlockElems * draws steps of the generator (draws per element: 1 for float32, 2 for
// float64), built once per process: one step's matrix from the images of the basis states, squared.
const BitMat& block_jump(int draws) {
  static BitMat cache[2];
  static bool made[2] = {false, false};
  BitMat& m = cache[draws - 1];
  if (made[draws - 1]) return m;
  BitMat step{};
  for (int j = 0; j < 128; ++j) {
    uint32_t w[4] = {0, 0, 0, 0};
    w[j >> 5] = 1u << (j & 31);
    Xoshiro g{w[0], w[1], w[2], w[3]};
    g.next();
    const uint32_t img[4] = {g.s0, g.s1, g.s2, g.s3};
    for (int i = 0; i < 128; ++i) {
      if ((img[i >> 5] >> (i & 31)) & 1u) step[i][j >> 5] |= 1u << (j & 31);
    }
  }
  idx steps = kBlockElems * draws;
  m = step;
  for (; steps > 1; steps >>= 1) m = multiply(m, m);
  made[draws - 1] = true;
  return m;
}

// The draws compared as integers: u < keepProb with u = k / 2^24 (float32) or k / 2^53 (float64), k an
// integer, is k < ceil(keepProb * 2^bits) exactly (the product is exact in double).
template <class T>
void dropout_run(Xoshiro& g, double keep_prob, double scale, const T* x, uint8_t* mask, T* out, idx n) {
  const T m = T(scale);
  const double bound = std::ceil(keep_prob * (sizeof(T) == 4 ? 16777216.0 : 9007199254740992.0));
  const uint64_t lim = bound <= 0 ? 0 : bound >= 18446744073709551616.0 ? ~uint64_t(0) : uint64_t(bound);
  uint8_t keep[kBlock];
  for (idx i0 = 0; i0 < n; i0 += kBlock) {
    const idx len = n - i0 < kBlock ? n - i0 : kBlock;
    if (sizeof(T) == 4) {
      for (idx i = 0; i < len; ++i) keep[i] = uint64_t(g.next() >> 8) < lim;
    } else {
      for (idx i = 0; i < len; ++i) {
        const uint64_t hi = g.next() >> 5;
        const uint64_t lo = g.next() >> 6;
        keep[i] = ((hi << 26) | lo) < lim;
      }
    }
    for (idx i = 0; i < len; ++i) out[i0 + i] = x[i0 + i] * (keep[i] ? m : T(0));
    if (mask) std::memcpy(mask + i0, keep, std::size_t(len));
  }
}

napi_value Dropout(napi_env env, napi_callback_info info) {
  const char* fn = "dropout";
  napi_value argv[7];
  ArrayArg st, x, out;
  ArrayArg mask{napi_float32_array, 0, nullptr};
  double keep_prob, scale;
  idx n;
  if (!get_args(env, info, fn, 7, argv) || !get_typed_array(env, argv[0], fn, "state", &st) ||
      !get_number(env, argv[1], fn, "keepProb", &keep_prob) || !get_number(env, argv[2], fn, "scale", &scale) ||
      !get_typed_array(env, argv[3], fn, "x", &x) ||
      (!is_nullish(env, argv[4]) && !get_typed_array(env, argv[4], fn, "mask", &mask)) ||
      !get_typed_array(env, argv[5], fn, "out", &out) || !get_index(env, argv[6], fn, "n", &n)) {
    return nullptr;
  }
  if (st.type != napi_uint32_array || st.length < 4) {
    throw_type(env, "dropout: state must be a Uint32Array of 4 words");
    return nullptr;
  }
  if (std::size_t(n) > x.length || (mask.data && std::size_t(n) > mask.length) || std::size_t(n) > out.length) {
    throw_range(env, "dropout: x, mask or out is shorter than n");
    return nullptr;
  }
  const bool f32 = x.type == napi_float32_array, f64 = x.type == napi_float64_array;
  if ((!f32 && !f64) || (mask.data && mask.type != napi_uint8_array) || out.type != x.type) return make_bool(env, false);
  const std::size_t bytes = std::size_t(n) * (f32 ? 4 : 8);
  if (ranges_overlap(x.data, bytes, out.data, bytes) ||
      (mask.data && (ranges_overlap(x.data, bytes, mask.data, std::size_t(n)) || ranges_overlap(mask.data, std::size_t(n), out.data, bytes)))) {
    return make_bool(env, false);
  }
  uint32_t* s = static_cast<uint32_t*>(st.data);
  const uint32_t s0[4] = {s[0], s[1], s[2], s[3]};
  // Elements [lo, hi) of the block range [b0, b1), from the state advanced by b0 blocks.
  auto run = [&](idx b0, idx b1) -> Xoshiro {
    uint32_t w[4] = {s0[0], s0[1], s0[2], s0[3]};
    if (b0 > 0) {
      const BitMat& jump = block_jump(f32 ? 1 : 2);
      for (idx b = 0; b < b0; ++b) apply(jump, w);
    }
    Xoshiro g{w[0], w[1], w[2], w[3]};
    const idx lo = b0 * kBlockElems, hi = b1 * kBlockElems < n ? b1 * kBlockElems : n;
    if (f32) {
      dropout_run(g, keep_prob, scale, static_cast<const float*>(x.data) + lo, mask.data ? static_cast<uint8_t*>(mask.data) + lo : nullptr,
                  static_cast<float*>(out.data) + lo, hi - lo);
    } else {
      dropout_run(g, keep_prob, scale, static_cast<const double*>(x.data) + lo, mask.data ? static_cast<uint8_t*>(mask.data) + lo : nullptr,
                  static_cast<double*>(out.data) + lo, hi - lo);
    }
    return g;
  };
  const idx blocks = (n + kBlockElems - 1) / kBlockElems;
  Xoshiro last{};
  if (blocks < 2 || kd::get_num_threads() < 2) {
    last = run(0, blocks);
  } else {
    block_jump(f32 ? 1 : 2);  // built here, not raced for by the workers
    kd::parallel_for(blocks, double(n) * 4.0, 1, [&](idx b0, idx b1) {
      const Xoshiro g = run(b0, b1);
      if (b1 == blocks) last = g;
    });
  }
  s[0] = last.s0;
  s[1] = last.s1;
  s[2] = last.s2;
  s[3] = last.s3;
  return make_bool(env, true);
}

napi_value DropoutBackward(napi_env env, napi_callback_info info) {
  const char* fn = "dropoutBackward";
  napi_value argv[5];
  ArrayArg keep, g, out;
  double scale;
  idx n;
  if (!get_args(env, info, fn, 5, argv) || !get_typed_array(env, argv[0], fn, "keep", &keep) ||
      !get_number(env, argv[1], fn, "scale", &scale) || !get_typed_array(env, argv[2], fn, "g", &g) ||
      !get_typed_array(env, argv[3], fn, "out", &out) || !get_index(env, argv[4], fn, "n", &n)) {
    return nullptr;
  }
  if (std::size_t(n) > keep.length || std::size_t(n) > g.length || std::size_t(n) > out.length) {
    throw_range(env, "dropoutBackward: keep, g or out is shorter than n");
    return nullptr;
  }
  const bool f32 = g.type == napi_float32_array, f64 = g.type == napi_float64_array;
  if ((!f32 && !f64) || keep.type != napi_uint8_array || out.type != g.type) return make_bool(env, false);
  const uint8_t* k = static_cast<const uint8_t*>(keep.data);
  kd::parallel_for(n, double(n), 64, [&](idx lo, idx hi) {
    if (f32) {
      const float m = float(scale);
      const float* gp = static_cast<const float*>(g.data);
      float* op = static_cast<float*>(out.data);
      for (idx i = lo; i < hi; ++i) op[i] = gp[i] * (k[i] ? m : 0.0f);
    } else {
      const double* gp = static_cast<const double*>(g.data);
      double* op = static_cast<double*>(out.data);
      for (idx i = lo; i < hi; ++i) op[i] = gp[i] * (k[i] ? scale : 0.0);
    }
  });
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_dropout(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"dropout", nullptr, Dropout, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"dropoutBackward", nullptr, DropoutBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
