// Node-API binding of the fused recurrent cell kernels (the optional kernel "recurrentCells",
// src/backend/recurrent_cells.ts). One call does a whole time step's pointwise work, instead of ~14
// small vector-kernel calls (LSTM, src/ops/recurrent_lstm.ts) or JS loops (GRU, RNN:
// src/backend/js/recurrent.ts). Those are the reference, and each loop here repeats their arithmetic:
// the LSTM's in T per operation (each of its vector kernels stores T), the GRU's and RNN's in double,
// rounded at each store (as the JS loops evaluate). Only sigmoid and tanh differ: in float for float32
// (within a few float ulps of the reference, which rounds a double result), std:: functions for double.
//
//   lstmCellForward(Z, z, cS, CP, Gt, TC, q, out, outOff, bs, H)
//   lstmCellBackward(Z, z, Gt, CP, TC, q, d, dcS, dG, bs, H)
//   gruCellForward(GI, giOff, giLd, GH, A, a, GHN, k, hS, H, bs)
//   gruCellBackward(dhS, A, a, GHN, k, HP, row0, dGI, dGH, gOff, gLd, H, bs)
//   rnnCellForward(A, a, hS, H, bs, relu)
//   rnnCellBackward(dhS, A, k, relu, dG, gOff, gLd, H, bs)
//
// All return true, or false (having written nothing) when the arrays are not all Float32Array or all
// Float64Array; an array too short for its offset and extent throws a RangeError. Layouts as in the
// reference functions of the same names. Work is split over the pool by batch rows (LSTM) or hidden
// units (GRU, RNN); every element is computed the same way whatever the split.
#include <cmath>
#include <cstdint>
#include <cstring>

#include <node_api.h>

#include "kd_napi.h"
#include "kd_parallel.h"
#include "kd_recurrent.h"

namespace {

using kd::idx;
using namespace kd::napi;
using namespace kd::recurrent;

// ---- argument handling ----

// The call's arguments: typed arrays all of one float type, indices, flags.
struct Args {
  napi_env env;
  const char* fn;
  napi_value argv[13] = {};
  napi_typedarray_type type = napi_float32_array;
  bool first = true;
  bool same = true;  // every array so far has the first one's float type

  Args(napi_env e, const char* f) : env(e), fn(f) {}

  bool init(napi_callback_info info, std::size_t n) { return get_args(env, info, fn, n, argv); }

  // Array i, needing `need` elements.
  bool arr(int i, const char* name, double need, void** out) {
    ArrayArg a;
    if (!get_typed_array(env, argv[i], fn, name, &a)) return false;
    if (first) type = a.type;
    first = false;
    if (a.type != type || (a.type != napi_float32_array && a.type != napi_float64_array)) same = false;
    if (double(a.length) < need) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "%s: %s has %zu elements, needs %.0f", fn, name, a.length, need);
      return throw_range(env, msg);
    }
    *out = a.data;
    return true;
  }
  bool num(int i, const char* name, idx* out) { return get_index(env, argv[i], fn, name, out); }
  bool flag(int i, const char* name, bool* out) { return get_bool(env, argv[i], fn, name, out); }
  bool f32() const { return type == napi_float32_array; }
};

// Runs f(lo, hi) over n items (rows or hidden units) of `per` elements each on the pool.
template <class F>
void split(idx n, double per, F&& f) {
  kd::parallel_for(n, double(n) * per * 8.0, 1, f);
}

#define KD_DISPATCH(f32call, f64call) \
  if (x.f32()) {                      \
    f32call;                          \
  } else {                            \
    f64call;                          \
  }

napi_value LstmCellForward(napi_env env, napi_callback_info info) {
  Args x{env, "lstmCellForward"};
  idx z, q, outOff, bs, H;
  void *Z, *cS, *CP, *Gt, *TC, *out;
  if (!x.init(info, 11) || !x.num(1, "z", &z) || !x.num(6, "q", &q) || !x.num(8, "outOff", &outOff) || !x.num(9, "bs", &bs) ||
      !x.num(10, "H", &H)) {
    return nullptr;
  }
  const double n = double(bs) * double(H);
  if (!x.arr(0, "Z", double(z) + 4 * n, &Z) || !x.arr(2, "cS", n, &cS) || !x.arr(3, "CP", double(q) + n, &CP) ||
      !x.arr(4, "Gt", double(q) + n, &Gt) || !x.arr(5, "TC", double(q) + n, &TC) || !x.arr(7, "out", double(outOff) + n, &out)) {
    return nullptr;
  }
  if (!x.same) return make_bool(env, false);
  split(bs, double(8 * H), [&](idx lo, idx hi) {
    if (x.f32()) {
      float *z_ = static_cast<float*>(Z) + z, *cp = static_cast<float*>(CP) + q, *gt = static_cast<float*>(Gt) + q;
      float *tc = static_cast<float*>(TC) + q, *o = static_cast<float*>(out) + outOff, *c = static_cast<float*>(cS);
#if KD_REC_AVX2
      if (has_avx2()) return lstm_forward_avx2(z_, c, cp, gt, tc, o, H, lo, hi);
#endif
      lstm_forward<float>(z_, c, cp, gt, tc, o, H, lo, hi);
    } else {
      lstm_forward<double>(static_cast<double*>(Z) + z, static_cast<double*>(cS), static_cast<double*>(CP) + q,
                           static_cast<double*>(Gt) + q, static_cast<double*>(TC) + q, static_cast<double*>(out) + outOff, H, lo, hi);
    }
  });
  return make_bool(env, true);
}

napi_value LstmCellBackward(napi_env env, napi_callback_info info) {
  Args x{env, "lstmCellBackward"};
  idx z, q, bs, H;
  void *Z, *Gt, *CP, *TC, *d, *dcS, *dG;
  if (!x.init(info, 11) || !x.num(1, "z", &z) || !x.num(5, "q", &q) || !x.num(9, "bs", &bs) || !x.num(10, "H", &H)) return nullptr;
  const double n = double(bs) * double(H);
  if (!x.arr(0, "Z", double(z) + 4 * n, &Z) || !x.arr(2, "Gt", double(q) + n, &Gt) || !x.arr(3, "CP", double(q) + n, &CP) ||
      !x.arr(4, "TC", double(q) + n, &TC) || !x.arr(6, "d", n, &d) || !x.arr(7, "dcS", n, &dcS) || !x.arr(8, "dG", double(z) + 4 * n, &dG)) {
    return nullptr;
  }
  if (!x.same) return make_bool(env, false);
  split(bs, double(8 * H), [&](idx lo, idx hi) {
    if (x.f32()) {
      const float *z_ = static_cast<const float*>(Z) + z, *gt = static_cast<const float*>(Gt) + q;
      const float *cp = static_cast<const float*>(CP) + q, *tc = static_cast<const float*>(TC) + q, *dh = static_cast<const float*>(d);
      float *dc = static_cast<float*>(dcS), *dg = static_cast<float*>(dG) + z;
#if KD_REC_AVX2
      if (has_avx2()) return lstm_backward_avx2(z_, gt, cp, tc, dh, dc, dg, H, lo, hi);
#endif
      lstm_backward<float>(z_, gt, cp, tc, dh, dc, dg, H, lo, hi);
    } else {
      lstm_backward<double>(static_cast<const double*>(Z) + z, static_cast<const double*>(Gt) + q, static_cast<const double*>(CP) + q,
                            static_cast<const double*>(TC) + q, static_cast<const double*>(d), static_cast<double*>(dcS),
                            static_cast<double*>(dG) + z, H, lo, hi);
    }
  });
  return make_bool(env, true);
}

napi_value GruCellForward(napi_env env, napi_callback_info info) {
  Args x{env, "gruCellForward"};
  idx giOff, giLd, a, k, H, bs;
  void *GI, *GH, *A, *GHN, *hS;
  if (!x.init(info, 11) || !x.num(1, "giOff", &giOff) || !x.num(2, "giLd", &giLd) || !x.num(5, "a", &a) || !x.num(7, "k", &k) ||
      !x.num(9, "H", &H) || !x.num(10, "bs", &bs)) {
    return nullptr;
  }
  const double hb = double(H) * double(bs);
  const double giNeed = H == 0 || bs == 0 ? 0 : double(giOff) + double(3 * H - 1) * double(giLd) + double(bs);
  if (!x.arr(0, "GI", giNeed, &GI) || !x.arr(3, "GH", 3 * hb, &GH) || !x.arr(4, "A", double(a) + 3 * hb, &A) ||
      !x.arr(6, "GHN", double(k) + hb, &GHN) || !x.arr(8, "hS", hb, &hS)) {
    return nullptr;
  }
  if (!x.same) return make_bool(env, false);
  split(H, double(8 * bs), [&](idx lo, idx hi) {
    if (x.f32()) {
      const float *gi = static_cast<const float*>(GI) + giOff, *gh = static_cast<const float*>(GH);
      float *A_ = static_cast<float*>(A) + a, *ghn = static_cast<float*>(GHN) + k, *h = static_cast<float*>(hS);
#if KD_REC_AVX2
      if (has_avx2()) return gru_forward_avx2(gi, giLd, gh, A_, ghn, h, H, bs, lo, hi);
#endif
      gru_forward<float>(gi, giLd, gh, A_, ghn, h, H, bs, lo, hi);
    } else {
      gru_forward<double>(static_cast<const double*>(GI) + giOff, giLd, static_cast<const double*>(GH), static_cast<double*>(A) + a,
                          static_cast<double*>(GHN) + k, static_cast<double*>(hS), H, bs, lo, hi);
    }
  });
  return make_bool(env, true);
}

napi_value GruCellBackward(napi_env env, napi_callback_info info) {
  Args x{env, "gruCellBackward"};
  idx a, k, row0, gOff, gLd, H, bs;
  void *dhS, *A, *GHN, *HP, *dGI, *dGH;
  if (!x.init(info, 13) || !x.num(2, "a", &a) || !x.num(4, "k", &k) || !x.num(6, "row0", &row0) || !x.num(9, "gOff", &gOff) ||
      !x.num(10, "gLd", &gLd) || !x.num(11, "H", &H) || !x.num(12, "bs", &bs)) {
    return nullptr;
  }
  const double hb = double(H) * double(bs);
  const double gNeed = bs == 0 ? 0 : double(gOff) + double(3 * H - 1) * double(gLd) + double(bs);
  if (!x.arr(0, "dhS", hb, &dhS) || !x.arr(1, "A", double(a) + 3 * hb, &A) || !x.arr(3, "GHN", double(k) + hb, &GHN) ||
      !x.arr(5, "HP", double(row0 + bs) * double(H), &HP) || !x.arr(7, "dGI", gNeed, &dGI) || !x.arr(8, "dGH", gNeed, &dGH)) {
    return nullptr;
  }
  if (!x.same) return make_bool(env, false);
  split(H, double(8 * bs), [&](idx lo, idx hi) {
    if (x.f32()) {
      float *d = static_cast<float*>(dhS), *gi = static_cast<float*>(dGI) + gOff, *gh = static_cast<float*>(dGH) + gOff;
      const float *A_ = static_cast<const float*>(A) + a, *ghn = static_cast<const float*>(GHN) + k, *hp = static_cast<const float*>(HP) + row0 * H;
#if KD_REC_AVX2
      if (has_avx2()) return gru_backward_avx2(d, A_, ghn, hp, gi, gh, gLd, H, bs, lo, hi);
#endif
      gru_backward<float>(d, A_, ghn, hp, gi, gh, gLd, H, bs, lo, hi);
    } else {
      gru_backward<double>(static_cast<double*>(dhS), static_cast<const double*>(A) + a, static_cast<const double*>(GHN) + k,
                           static_cast<const double*>(HP) + row0 * H, static_cast<double*>(dGI) + gOff, static_cast<double*>(dGH) + gOff, gLd, H,
                           bs, lo, hi);
    }
  });
  return make_bool(env, true);
}

napi_value RnnCellForward(napi_env env, napi_callback_info info) {
  Args x{env, "rnnCellForward"};
  idx a, H, bs;
  bool relu;
  void *A, *hS;
  if (!x.init(info, 6) || !x.num(1, "a", &a) || !x.num(3, "H", &H) || !x.num(4, "bs", &bs) || !x.flag(5, "relu", &relu)) return nullptr;
  const double hb = double(H) * double(bs);
  if (!x.arr(0, "A", double(a) + hb, &A) || !x.arr(2, "hS", hb, &hS)) return nullptr;
  if (!x.same) return make_bool(env, false);
  split(H, double(4 * bs), [&](idx lo, idx hi) {
    if (x.f32()) {
      float *A_ = static_cast<float*>(A) + a, *h = static_cast<float*>(hS);
#if KD_REC_AVX2
      if (has_avx2()) return rnn_forward_avx2(A_, h, relu, H, bs, lo, hi);
#endif
      rnn_forward<float>(A_, h, relu, H, bs, lo, hi);
    } else {
      rnn_forward<double>(static_cast<double*>(A) + a, static_cast<double*>(hS), relu, H, bs, lo, hi);
    }
  });
  return make_bool(env, true);
}

napi_value RnnCellBackward(napi_env env, napi_callback_info info) {
  Args x{env, "rnnCellBackward"};
  idx k, gOff, gLd, H, bs;
  bool relu;
  void *dhS, *A, *dG;
  if (!x.init(info, 9) || !x.num(2, "k", &k) || !x.flag(3, "relu", &relu) || !x.num(5, "gOff", &gOff) || !x.num(6, "gLd", &gLd) ||
      !x.num(7, "H", &H) || !x.num(8, "bs", &bs)) {
    return nullptr;
  }
  const double hb = double(H) * double(bs);
  const double gNeed = bs == 0 || H == 0 ? 0 : double(gOff) + double(H - 1) * double(gLd) + double(bs);
  if (!x.arr(0, "dhS", hb, &dhS) || !x.arr(1, "A", double(k) + hb, &A) || !x.arr(4, "dG", gNeed, &dG)) return nullptr;
  if (!x.same) return make_bool(env, false);
  split(H, double(2 * bs), [&](idx lo, idx hi) {
    KD_DISPATCH(rnn_backward<float>(static_cast<float*>(dhS), static_cast<const float*>(A) + k, relu, static_cast<float*>(dG) + gOff, gLd, H, bs, lo, hi),
                rnn_backward<double>(static_cast<double*>(dhS), static_cast<const double*>(A) + k, relu, static_cast<double*>(dG) + gOff, gLd, H, bs, lo, hi))
  });
  return make_bool(env, true);
}

}  // namespace

namespace kd {

bool register_recurrent(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"lstmCellForward", nullptr, LstmCellForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"lstmCellBackward", nullptr, LstmCellBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gruCellForward", nullptr, GruCellForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"gruCellBackward", nullptr, GruCellBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rnnCellForward", nullptr, RnnCellForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"rnnCellBackward", nullptr, RnnCellBackward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok;
}

}  // namespace kd
