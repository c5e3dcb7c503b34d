// The loops of the fused recurrent cell kernels (native/addon_recurrent.cc binds them): float32
// sigmoid/tanh computed in float, branch-free so that the loops vectorize, and one time step's
// pointwise pass per layer kind, forward and backward, as templates over float/double. Layouts and
// arithmetic repeat the references (src/backend/js/recurrent.ts, src/ops/recurrent_lstm.ts).
// Included by addon_recurrent.cc only: its pragma applies to the rest of that file.
#ifndef KD_RECURRENT_H
#define KD_RECURRENT_H

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kd_gemm.h"

namespace kd {
namespace recurrent {

#define KD_RINL inline __attribute__((always_inline))

// Selects between computed values must stay selects (not branches) for the float loops to vectorize.
#pragma GCC optimize("no-trapping-math")

KD_RINL float from_bits(uint32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

// e^x for x <= 0 (NaN gives NaN): x = k ln2 + r, |r| <= ln2/2, e^r by its Taylor series to r^7
// (truncation < 2^-27 relative), 2^k applied in two halves so that results down to the smallest
// subnormal come out right. Branch-free, so the loops that call it vectorize.
KD_RINL float exp_nonpos(float x) {
  x = x < -104.0f ? -104.0f : x;
  const float magic = 12582912.0f;  // 1.5 * 2^23: t - magic rounds to an integer
  const float t = x * 1.44269504f + magic;
  const float kf = t - magic;
  uint32_t tb;
  std::memcpy(&tb, &t, 4);
  const int32_t k = int32_t(tb - 0x4B400000u);  // in [-150, 0] for finite x
  const float r = (x - kf * 0.693359375f) - kf * -2.12194440e-4f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int32_t k1 = k >> 1;
  const int32_t k2 = k - k1;
  return p * from_bits(uint32_t(k1 + 127) << 23) * from_bits(uint32_t(k2 + 127) << 23);
}

// Both branches of the reference's sigmoid, exponentiating only -|x|.
KD_RINL float sigmoid_t(float x) {
  const float e = exp_nonpos(x < 0.0f ? x : -x);
  return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

// tanh: its Taylor series to x^17 below 0.55 (no cancellation near 0), else (1 - e)/(1 + e) with
// e = exp(-2|x|) and the sign of x.
KD_RINL float tanh_t(float x) {
  const float a = __builtin_fabsf(x);
  const float x2 = x * x;
  float q = 6404582.0f / 10854718875.0f;
  q = q * x2 - 929569.0f / 638512875.0f;
  q = q * x2 + 21844.0f / 6081075.0f;
  q = q * x2 - 1382.0f / 155925.0f;
  q = q * x2 + 62.0f / 2835.0f;
  q = q * x2 - 17.0f / 315.0f;
  q = q * x2 + 2.0f / 15.0f;
  q = q * x2 - 1.0f / 3.0f;
  // tanh is odd: the sign of x also keeps tanh(-0) = -0, which x + (-0) would lose.
  const float small = __builtin_copysignf(x + x * (x2 * q), x);
  const float e = exp_nonpos(-2.0f * a);
  const float big = __builtin_copysignf((1.0f - e) / (1.0f + e), x);
  return a < 0.55f ? small : big;
}

KD_RINL double sigmoid_t(double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }
KD_RINL double tanh_t(double x) { return std::tanh(x); }
// The reference's relu: NaN passes.
template <typename T>
KD_RINL T relu_t(T x) { return x > 0 ? x : (x == x ? T(0) : x); }

// One batch row of the LSTM step. The arrays never overlap (the caller's buffers are distinct):
// restrict parameters let the loop vectorize without run-time alias checks.
template <typename T>
KD_RINL void lstm_forward_row(const T* __restrict gi, const T* __restrict gf, const T* __restrict gg, const T* __restrict go,
                              T* __restrict c, T* __restrict cp, T* __restrict gt, T* __restrict tc, T* __restrict h, idx H) {
  for (idx j = 0; j < H; ++j) {
    // The g gate is 2 sigmoid(2x) - 1 (its pre-activations were doubled): see recurrent_lstm.ts.
    const T g = gg[j] * T(2) - T(1);
    gt[j] = g;
    const T prev = c[j];
    cp[j] = prev;
    const T cn = gf[j] * prev + gi[j] * g;
    c[j] = cn;
    const T t = tanh_t(cn);
    tc[j] = t;
    h[j] = go[j] * t;
  }
}

template <typename T>
KD_RINL void lstm_forward(T* Z, T* cS, T* CP, T* Gt, T* TC, T* out, idx H, idx lo, idx hi) {
  const idx G = 4 * H;
  for (idx b = lo; b < hi; ++b) {
    T* zr = Z + b * G;
    for (idx j = 0; j < G; ++j) zr[j] = sigmoid_t(zr[j]);
    lstm_forward_row<T>(zr, zr + H, zr + 2 * H, zr + 3 * H, cS + b * H, CP + b * H, Gt + b * H, TC + b * H, out + b * H, H);
  }
}

template <typename T>
KD_RINL void lstm_backward_row(const T* __restrict si, const T* __restrict sf, const T* __restrict sg, const T* __restrict so,
                               const T* __restrict gt, const T* __restrict cp, const T* __restrict tc, const T* __restrict dh,
                               T* __restrict dc_, T* __restrict di, T* __restrict df, T* __restrict dgg, T* __restrict do_, idx H) {
  for (idx j = 0; j < H; ++j) {
    const T t = tc[j];
    T u = T(1) - t * t;
    u = u * so[j];
    u = u * dh[j];
    const T dc = u + dc_[j];
    // act'(pre) = s - s*s for every gate (4x that for g, folded into its factor): see recurrent_lstm.ts.
    di[j] = (si[j] - si[j] * si[j]) * (dc * gt[j]);
    df[j] = (sf[j] - sf[j] * sf[j]) * (dc * cp[j]);
    dgg[j] = (sg[j] - sg[j] * sg[j]) * ((dc * si[j]) * T(4));
    do_[j] = (so[j] - so[j] * so[j]) * (dh[j] * t);
    dc_[j] = dc * sf[j];
  }
}

template <typename T>
KD_RINL void lstm_backward(const T* Z, const T* Gt, const T* CP, const T* TC, const T* d, T* dcS, T* dG, idx H, idx lo, idx hi) {
  const idx G = 4 * H;
  for (idx b = lo; b < hi; ++b) {
    const T* zr = Z + b * G;
    T* dg = dG + b * G;
    lstm_backward_row<T>(zr, zr + H, zr + 2 * H, zr + 3 * H, Gt + b * H, CP + b * H, TC + b * H, d + b * H, dcS + b * H, dg, dg + H,
                         dg + 2 * H, dg + 3 * H, H);
  }
}

// The GRU's gates of one hidden unit over n batch columns (restrict, as for the LSTM rows: distinct buffers).
template <typename T>
KD_RINL void gru_gates(const T* __restrict ir, const T* __restrict iz, const T* __restrict in, const T* __restrict hr,
                       const T* __restrict hz, const T* __restrict hn, T* __restrict ar, T* __restrict az, T* __restrict an,
                       T* __restrict ghn_out, idx n) {
  for (idx b = 0; b < n; ++b) {
    const T r = sigmoid_t(T(ir[b] + hr[b]));
    const T ghn = hn[b];
    ar[b] = r;
    az[b] = sigmoid_t(T(iz[b] + hz[b]));
    an[b] = tanh_t(T(double(in[b]) + double(r) * double(ghn)));
    ghn_out[b] = ghn;
  }
}

// GI: the input side, gate rows of ld giLd (columns from GI's start); GH: the hidden side, [3H, bs].
template <typename T>
KD_RINL void gru_forward(const T* GI, idx giLd, const T* GH, T* A, T* GHN, T* hS, idx H, idx bs, idx lo, idx hi) {
  const idx hb = H * bs;
  for (idx j = lo; j < hi; ++j) {
    // Gates first (contiguous loops, vectorized), then h through the transposition to rows.
    const idx e = j * bs;
    gru_gates<T>(GI + j * giLd, GI + (H + j) * giLd, GI + (2 * H + j) * giLd, GH + e, GH + hb + e, GH + 2 * hb + e, A + e, A + hb + e,
                 A + 2 * hb + e, GHN + e, bs);
    for (idx b = 0; b < bs; ++b) {
      const double z = A[hb + e + b], n = A[2 * hb + e + b];
      T& h = hS[b * H + j];
      h = T(n + z * (double(h) - n));
    }
  }
}

// GRU backward over m batch columns of one hidden unit: d holds dL/dh on entry, dL/dh * z on return.
template <typename T>
KD_RINL void gru_backward_cols(const T* __restrict ar, const T* __restrict az, const T* __restrict an, const T* __restrict ghn,
                               const T* __restrict hp, T* __restrict d, T* __restrict ri, T* __restrict rh, T* __restrict zi,
                               T* __restrict zh, T* __restrict ni, T* __restrict nh, idx m) {
  for (idx b = 0; b < m; ++b) {
    const double r = ar[b], z = az[b], n = an[b], db = d[b];
    const double dn = db * (1 - z) * (1 - n * n);
    const double dr = dn * double(ghn[b]) * r * (1 - r);
    const double dz = db * (double(hp[b]) - n) * z * (1 - z);
    ri[b] = T(dr);
    rh[b] = T(dr);
    zi[b] = T(dz);
    zh[b] = T(dz);
    ni[b] = T(dn);
    nh[b] = T(dn * r);
    d[b] = T(db * z);
  }
}

template <typename T>
KD_RINL void gru_backward(T* dhS, const T* A, const T* GHN, const T* HP, T* dGI, T* dGH, idx gLd, idx H, idx bs, idx lo, idx hi) {
  const idx hb = H * bs;
  constexpr idx kCols = 64;
  T d[kCols], hp[kCols];
  for (idx j = lo; j < hi; ++j) {
    const idx gr = j * gLd, gz = gr + H * gLd, gn = gz + H * gLd;
    // dL/dh and h_{t-1} are rows [bs, H]: gathered to a column, the pass runs as contiguous vectors.
    for (idx b0 = 0; b0 < bs; b0 += kCols) {
      const idx m = bs - b0 < kCols ? bs - b0 : kCols;
      for (idx b = 0; b < m; ++b) {
        d[b] = dhS[(b0 + b) * H + j];
        hp[b] = HP[(b0 + b) * H + j];
      }
      const idx e = j * bs + b0;
      gru_backward_cols<T>(A + e, A + hb + e, A + 2 * hb + e, GHN + e, hp, d, dGI + gr + b0, dGH + gr + b0, dGI + gz + b0, dGH + gz + b0,
                           dGI + gn + b0, dGH + gn + b0, m);
      for (idx b = 0; b < m; ++b) dhS[(b0 + b) * H + j] = d[b];
    }
  }
}

template <typename T>
KD_RINL void rnn_forward(T* A, T* hS, bool relu, idx H, idx bs, idx lo, idx hi) {
  for (idx j = lo; j < hi; ++j) {
    T* a = A + j * bs;
    if (relu) {
      for (idx b = 0; b < bs; ++b) a[b] = relu_t(a[b]);
    } else {
      for (idx b = 0; b < bs; ++b) a[b] = tanh_t(a[b]);
    }
    for (idx b = 0; b < bs; ++b) hS[b * H + j] = a[b];
  }
}

template <typename T>
KD_RINL void rnn_backward(T* dhS, const T* A, bool relu, T* dG, idx gLd, idx H, idx bs, idx lo, idx hi) {
  for (idx j = lo; j < hi; ++j) {
    for (idx b = 0; b < bs; ++b) {
      const double y = A[j * bs + b], d = dhS[b * H + j];
      dG[j * gLd + b] = T(relu ? (y > 0 ? d : 0) : d * (1 - y * y));
    }
  }
}

// The float loops again, compiled for AVX2 (picked at run time): sigmoid/tanh are most of their work.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KD_REC_AVX2 1
#define AVX2 inline __attribute__((target("avx2")))
AVX2 void lstm_forward_avx2(float* Z, float* cS, float* CP, float* Gt, float* TC, float* out, idx H, idx lo, idx hi) {
  lstm_forward<float>(Z, cS, CP, Gt, TC, out, H, lo, hi);
}
AVX2 void lstm_backward_avx2(const float* Z, const float* Gt, const float* CP, const float* TC, const float* d, float* dcS, float* dG, idx H, idx lo, idx hi) {
  lstm_backward<float>(Z, Gt, CP, TC, d, dcS, dG, H, lo, hi);
}
AVX2 void gru_forward_avx2(const float* GI, idx giLd, const float* GH, float* A, float* GHN, float* hS, idx H, idx bs, idx lo, idx hi) {
  gru_forward<float>(GI, giLd, GH, A, GHN, hS, H, bs, lo, hi);
}
AVX2 void gru_backward_avx2(float* dhS, const float* A, const float* GHN, const float* HP, float* dGI, float* dGH, idx gLd, idx H, idx bs, idx lo, idx hi) {
  gru_backward<float>(dhS, A, GHN, HP, dGI, dGH, gLd, H, bs, lo, hi);
}
AVX2 void rnn_forward_avx2(float* A, float* hS, bool relu, idx H, idx bs, idx lo, idx hi) { rnn_forward<float>(A, hS, relu, H, bs, lo, hi); }
inline bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#else
#define KD_REC_AVX2 0
#endif

}  // namespace recurrent
}  // namespace kd

#endif  // KD_RECURRENT_H
