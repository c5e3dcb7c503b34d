// Whole-batch convolution passes (src/ops/conv.ts's per-sample loops, run here with the samples split
// across threads):
//
//   convForward(x, w, y, win, dims, bias?): boolean         y[n] (= bias or 0 before) += W @ im2col(x[n])
//   convBackwardInput(g, w, gx, win, dims): boolean         gx[n] += col2im(W^T @ g[n]); gx zeroed by the caller
//   convBackwardWeight(g, x, gw, win, dims, gb?): boolean   gw = sum over n of g[n] @ im2col(x[n])^T
//
// dims = Float64Array [N, C, O, G] (forward: and beta, 0 or 1: whether y holds the bias), win the
// window of one group (win[0] = C / G). All arrays Float32Array, or all Float64Array, else false.
// Optional (ABI 2): forward's `bias` [O] is written into each sample's output rows inside the job,
// right before its GEMMs (no separate broadcast pass over y; dims beta must be 0); the weight pass's
// `gb` [O] receives the bias gradient, the sum of g over samples and positions, accumulated in double
// per chunk of samples while the chunk's gradient is in cache, then over the chunks in order.
//
// Why per sample on one thread each: a sample's columns (hundreds of KB) are written by im2col and
// read by the GEMM right away. Split across threads, each thread read the other's half from another
// core's cache (on this class of machine ~230 ns per cache-to-cache hop), and the per-sample GEMMs
// were too small to split well: at 2 threads the CNN step ran no faster than at 1.
//
// Results do not depend on the thread count: samples are independent in the first two, and the
// weight gradient sums fixed chunks of samples (each in sample order) in chunk order.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include <node_api.h>

#include "kd_gemm.h"
#include "kd_im2col.h"
#include "kd_napi.h"
#include "kd_window.h"
#include "thread_pool.h"

namespace {

using kd::idx;
using kd::Win;
using namespace kd::napi;

// Samples per weight-gradient partial sum: fixed, so the summation order is too.
constexpr idx kWeightChunks = 4;

struct Dims {
  idx N, C, O, G;
  double beta;
};

enum class Pass { Forward, Input, Weight };

template <class T>
struct Job {
  Pass pass;
  const Win* w;
  Dims d;
  idx K, L, Og;
  bool identity;
  const T* a;  // the call's first array: x (forward) or g (the backward passes)
  const T* b;  // its second: w, or x for the weight gradient
  T* out;      // y, gx, or the weight gradient's partial sums
  const T* bias;   // forward: written into y before the GEMMs (or null)
  double* gb;      // weight pass: per-chunk bias-gradient sums, O per chunk (or null)
  T** scratch;  // one column buffer per participating thread
  std::atomic<int> slots{0};
  std::atomic<idx> next{0};
  idx items;
};

template <class T>
bool gemm(bool ta, bool tb, idx M, idx N, idx K, const T* A, idx lda, const T* B, idx ldb, T beta, T* C, idx ldc) {
  return kd::gemm(ta, tb, M, N, K, T(1), A, lda, B, ldb, beta, C, ldc);
}

// Sum of a row in double, over 8 interleaved accumulators (a fixed order, so the result does not
// depend on the thread count; one accumulator would make the loop wait on each add's latency).
template <class T>
double row_sum(const T* x, idx n) {
  double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  idx l = 0;
  for (; l + 8 <= n; l += 8) {
    for (int i = 0; i < 8; ++i) acc[i] += double(x[l + i]);
  }
  for (; l < n; ++l) acc[l % 8] += double(x[l]);
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

template <class T>
void run(void* ctx) {
  Job<T>& j = *static_cast<Job<T>*>(ctx);
  const Win& w = *j.w;
  const Dims& d = j.d;
  const idx HW = w.H * w.W, K = j.K, L = j.L, Og = j.Og, Cg = d.C / d.G;
  T* cols = j.scratch[j.slots.fetch_add(1, std::memory_order_relaxed)];
  // The column matrix of sample n, group g of x: the input itself for a 1x1 conv, else im2col's.
  const auto columns = [&](const T* x, idx n, idx g) -> const T* {
    const T* xg = x + (n * d.C + g * Cg) * HW;
    if (j.identity) return xg;
    kd::im2col_channels(xg, cols, w, 0, Cg);
    return cols;
  };
  for (idx item; (item = j.next.fetch_add(1, std::memory_order_relaxed)) < j.items;) {
    if (j.pass == Pass::Forward) {
      const idx n = item;
      if (j.bias) {
        T* y = j.out + n * d.O * L;
        for (idx o = 0; o < d.O; ++o) std::fill(y + o * L, y + (o + 1) * L, j.bias[o]);
      }
      const T beta = j.bias ? T(1) : T(d.beta);
      for (idx g = 0; g < d.G; ++g) {
        gemm<T>(false, false, Og, L, K, j.b + g * Og * K, K, columns(j.a, n, g), L, beta, j.out + (n * d.O + g * Og) * L, L);
      }
    } else if (j.pass == Pass::Input) {
      const idx n = item;
      for (idx g = 0; g < d.G; ++g) {
        T* gx = j.out + (n * d.C + g * Cg) * HW;
        const T* gd = j.a + (n * d.O + g * Og) * L;
        if (j.identity) {
          gemm<T>(true, false, K, L, Og, j.b + g * Og * K, K, gd, L, T(0), gx, L);
        } else {
          gemm<T>(true, false, K, L, Og, j.b + g * Og * K, K, gd, L, T(0), cols, L);
          kd::col2im_channels(cols, gx, w, 0, Cg);
        }
      }
    } else {
      // item = a chunk of samples; its partial sum of the weight gradient (zeroed by the caller).
      T* partial = j.out + item * d.G * Og * K;
      const idx per = (d.N + kWeightChunks - 1) / kWeightChunks;
      const idx n1 = (item + 1) * per < d.N ? (item + 1) * per : d.N;
      for (idx n = item * per; n < n1; ++n) {
        for (idx g = 0; g < d.G; ++g) {
          gemm<T>(false, true, Og, K, L, j.a + (n * d.O + g * Og) * L, L, columns(j.b, n, g), L, T(1), partial + g * Og * K, K);
        }
        if (j.gb) {
          double* sums = j.gb + item * d.O;
          const T* gn = j.a + n * d.O * L;
          for (idx o = 0; o < d.O; ++o) sums[o] += row_sum(gn + o * L, L);
        }
      }
    }
  }
}

bool get_dims(napi_env env, napi_value v, const char* fn, bool forward, Dims* d) {
  ArrayArg a;
  if (!get_typed_array(env, v, fn, "dims", &a)) return false;
  const std::size_t want = forward ? 5 : 4;
  if (a.type != napi_float64_array || a.length != want) {
    char msg[120];
    std::snprintf(msg, sizeof msg, "%s: dims must be a Float64Array of %zu numbers", fn, want);
    return throw_type(env, msg);
  }
  const double* p = static_cast<const double*>(a.data);
  for (std::size_t i = 0; i < 4; ++i) {
    if (!(p[i] >= (i == 0 ? 0 : 1) && p[i] <= 9007199254740991.0 && double(idx(p[i])) == p[i])) {
      char msg[120];
      std::snprintf(msg, sizeof msg, "%s: dims[%zu] must be a %s integer (got %g)", fn, i, i == 0 ? "non-negative" : "positive", p[i]);
      return throw_range(env, msg);
    }
  }
  *d = {idx(p[0]), idx(p[1]), idx(p[2]), idx(p[3]), forward ? p[4] : 0.0};
  if (forward && d->beta != 0 && d->beta != 1) return throw_range(env, "convForward: dims[4] (beta) must be 0 or 1");
  return true;
}

napi_value Run(napi_env env, napi_callback_info info, Pass pass) {
  const char* fn = pass == Pass::Forward ? "convForward" : pass == Pass::Input ? "convBackwardInput" : "convBackwardWeight";
  napi_value argv[6];
  ArrayArg a0, a1, a2;
  Win w;
  Dims d;
  if (!get_args(env, info, fn, 5, argv, pass == Pass::Input ? 5 : 6) || !get_typed_array(env, argv[0], fn, pass == Pass::Forward ? "x" : "g", &a0) ||
      !get_typed_array(env, argv[1], fn, pass == Pass::Weight ? "x" : "w", &a1) ||
      !get_typed_array(env, argv[2], fn, pass == Pass::Forward ? "y" : pass == Pass::Input ? "gx" : "gw", &a2) ||
      !kd::get_win(env, argv[3], fn, &w) || !get_dims(env, argv[4], fn, pass == Pass::Forward, &d)) {
    return nullptr;
  }
  if (a0.type != a1.type || a0.type != a2.type || (a0.type != napi_float32_array && a0.type != napi_float64_array)) {
    return make_bool(env, false);
  }
  if (d.C % d.G != 0 || d.O % d.G != 0 || w.C != d.C / d.G) {
    return throw_range(env, "conv: dims and window disagree (C and O must divide by G, win[0] = C / G)"), nullptr;
  }
  const idx Og = d.O / d.G, K = w.C * w.kH * w.kW, L = w.oH * w.oW;
  const double x_len = double(d.N) * double(d.C) * double(w.H) * double(w.W);
  const double y_len = double(d.N) * double(d.O) * double(L);
  const double w_len = double(d.O) * double(K);
  // Expected lengths of (a0, a1, a2) per pass.
  const double need[3][3] = {{x_len, w_len, y_len}, {y_len, w_len, x_len}, {y_len, x_len, w_len}};
  const double* nd = need[int(pass)];
  const ArrayArg* arrs[3] = {&a0, &a1, &a2};
  for (int i = 0; i < 3; ++i) {
    if (double(arrs[i]->length) < nd[i]) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "%s: argument %d holds %zu elements, the shapes need %.0f", fn, i, arrs[i]->length, nd[i]);
      throw_range(env, msg);
      return nullptr;
    }
  }
  const std::size_t es = element_size(a0.type);
  if (ranges_overlap(a2.data, a2.length * es, a0.data, a0.length * es) ||
      ranges_overlap(a2.data, a2.length * es, a1.data, a1.length * es)) {
    return make_bool(env, false);
  }
  // The optional bias (forward) or bias gradient (weight pass): same type as the others, O elements.
  ArrayArg extra{};
  bool has_extra = false;
  if (pass != Pass::Input) {
    napi_valuetype t = napi_undefined;
    napi_typeof(env, argv[5], &t);
    if (t != napi_undefined && t != napi_null) {
      const char* name = pass == Pass::Forward ? "bias" : "gb";
      if (!get_typed_array(env, argv[5], fn, name, &extra)) return nullptr;
      if (extra.type != a0.type) return make_bool(env, false);
      if (double(extra.length) < double(d.O)) {
        char msg[160];
        std::snprintf(msg, sizeof msg, "%s: %s holds %zu elements, the shapes need %.0f", fn, name, extra.length, double(d.O));
        throw_range(env, msg);
        return nullptr;
      }
      if (pass == Pass::Forward && d.beta != 0) return throw_range(env, "convForward: with a bias, dims[4] (beta) must be 0"), nullptr;
      const std::size_t es0 = element_size(a0.type);
      if (pass == Pass::Weight && (ranges_overlap(extra.data, extra.length * es0, a0.data, a0.length * es0) ||
                                   ranges_overlap(extra.data, extra.length * es0, a1.data, a1.length * es0) ||
                                   ranges_overlap(extra.data, extra.length * es0, a2.data, a2.length * es0))) {
        return make_bool(env, false);
      }
      if (pass == Pass::Forward && ranges_overlap(extra.data, extra.length * es0, a2.data, a2.length * es0)) return make_bool(env, false);
      has_extra = true;
    }
  }
  if (d.N == 0) {
    if (has_extra && pass == Pass::Weight) std::memset(extra.data, 0, std::size_t(d.O) * element_size(extra.type));
    return make_bool(env, true);
  }
  const bool identity = w.kH == 1 && w.kW == 1 && w.sH == 1 && w.sW == 1 && w.pH == 0 && w.pW == 0 && w.oH == w.H && w.oW == w.W;

  const auto go = [&](auto* zero) -> bool {
    using T = std::remove_pointer_t<decltype(zero)>;
    const int nt = kd::get_num_threads();
    const idx items = pass == Pass::Weight ? (d.N < kWeightChunks ? d.N : kWeightChunks) : d.N;
    const int threads = int(items < nt ? items : nt);
    // Every buffer is allocated before anything is written: a failure returns false with the outputs
    // untouched, and the caller runs the JS loops instead.
    T* scratch[kd::kMaxThreads] = {};
    T* partials = nullptr;
    double* bias_sums = nullptr;
    bool ok = true;
    for (int t = 0; t < threads && ok && !identity; ++t) ok = (scratch[t] = static_cast<T*>(std::malloc(std::size_t(K * L) * sizeof(T)))) != nullptr;
    if (ok && pass == Pass::Weight) {
      partials = static_cast<T*>(std::calloc(std::size_t(items * d.G * Og * K), sizeof(T)));
      ok = partials != nullptr;
      if (ok && has_extra) ok = (bias_sums = static_cast<double*>(std::calloc(std::size_t(items * d.O), sizeof(double)))) != nullptr;
    }
    if (ok) {
      Job<T> job;
      job.pass = pass;
      job.w = &w;
      job.d = d;
      job.K = K;
      job.L = L;
      job.Og = Og;
      job.identity = identity;
      job.a = static_cast<const T*>(a0.data);
      job.b = static_cast<const T*>(a1.data);
      job.out = pass == Pass::Weight ? partials : static_cast<T*>(a2.data);
      job.bias = pass == Pass::Forward && has_extra ? static_cast<const T*>(extra.data) : nullptr;
      job.gb = bias_sums;
      job.scratch = scratch;
      job.items = items;
      kd::parallel_run(threads, &run<T>, &job);
      if (pass == Pass::Weight) {
        T* gw = static_cast<T*>(a2.data);
        const idx size = d.G * Og * K;
        for (idx i = 0; i < size; ++i) {
          T s = partials[i];
          for (idx c = 1; c < items; ++c) s += partials[c * size + i];
          gw[i] = s;
        }
        if (bias_sums) {
          T* gb = static_cast<T*>(extra.data);
          for (idx o = 0; o < d.O; ++o) {
            double s = bias_sums[o];
            for (idx c = 1; c < items; ++c) s += bias_sums[c * d.O + o];
            gb[o] = T(s);
          }
        }
      }
    }
    for (int t = 0; t < threads; ++t) std::free(scratch[t]);
    std::free(partials);
    std::free(bias_sums);
    return ok;
  };
  const bool done = a0.type == napi_float32_array ? go(static_cast<float*>(nullptr)) : go(static_cast<double*>(nullptr));
  return make_bool(env, done);
}

napi_value ConvForward(napi_env env, napi_callback_info info) { return Run(env, info, Pass::Forward); }
napi_value ConvBackwardInput(napi_env env, napi_callback_info info) { return Run(env, info, Pass::Input); }
napi_value ConvBackwardWeight(napi_env env, napi_callback_info info) { return Run(env, info, Pass::Weight); }

}  // namespace

namespace kd {

bool register_conv_batch(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"convForward", nullptr, ConvForward, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"convBackwardInput", nullptr, ConvBackwardInput, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"convBackwardWeight", nullptr, ConvBackwardWeight, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, 3, props) == napi_ok;
}

}  // namespace kd
