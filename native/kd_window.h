// The 2-D sliding window shared by convolution (im2col/col2im) and pooling: the addon receives it as a
// Float64Array [C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW] (src/backend/backend.ts's Window2d).
#ifndef KD_WINDOW_H
#define KD_WINDOW_H

#include <cmath>
#include <cstdio>

#include "kd_napi.h"

namespace kd {

struct Win {
  idx C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW;
};

// Output columns [lo, hi) whose tap at offset off = j*dW - pW lands inside [0, W).
inline void valid_range(idx off, idx s, idx W, idx o, idx* lo, idx* hi) {
  idx l = off < 0 ? (-off + s - 1) / s : 0;
  if (l > o) l = o;
  idx h = W - 1 - off < 0 ? 0 : (W - 1 - off) / s + 1;
  if (h > o) h = o;
  if (h < l) h = l;
  *lo = l;
  *hi = h;
}

// Reads and checks win (integers; strides and dilations >= 1); throws and returns false otherwise.
inline bool get_win(napi_env env, napi_value v, const char* fn, Win* w) {
  napi::ArrayArg a;
  if (!napi::get_typed_array(env, v, fn, "win", &a)) return false;
  if (a.type != napi_float64_array || a.length != 13) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: win must be a Float64Array of 13 numbers", fn);
    return napi::throw_type(env, msg);
  }
  const double* d = static_cast<const double*>(a.data);
  idx* f[13] = {&w->C, &w->H, &w->W, &w->kH, &w->kW, &w->sH, &w->sW, &w->pH, &w->pW, &w->dH, &w->dW, &w->oH, &w->oW};
  for (int i = 0; i < 13; ++i) {
    const bool positive = i == 5 || i == 6 || i == 9 || i == 10;  // strides and dilations
    if (!(d[i] >= (positive ? 1 : 0) && d[i] <= 9007199254740991.0 && std::floor(d[i]) == d[i])) {
      char msg[160];
      std::snprintf(msg, sizeof msg, "%s: win[%d] must be a %s integer (got %g)", fn, i, positive ? "positive" : "non-negative", d[i]);
      return napi::throw_range(env, msg);
    }
    *f[i] = idx(d[i]);
  }
  return true;
}

}  // namespace kd

#endif
