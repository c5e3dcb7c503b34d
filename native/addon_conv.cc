// im2col / col2im for convolution (src/backend/js/conv.ts's loops, same layout and results):
//
//   im2col(x, xOff, cols, colsOff, win): boolean     cols[C*kH*kW, oH*oW] from one sample x[C, H, W]
//   col2im(cols, colsOff, x, xOff, win): boolean     x[C, H, W] += the columns folded back
//
// win = Float64Array [C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW]. Both arrays Float32Array or both
// Float64Array, else false (the caller runs the JS loop). Channels are split across threads: each
// channel owns its rows of cols and its plane of x, so no two threads write the same element, and
// col2im adds in the JS loop's order within a channel (bit-identical results).
#include <cmath>
#include <cstdio>

#include <node_api.h>

#include "kd_im2col.h"
#include "kd_napi.h"
#include "kd_parallel.h"
#include "kd_window.h"

namespace {

using kd::idx;
using kd::Win;
using kd::get_win;
using kd::col2im_channels;
using kd::im2col_channels;
using namespace kd::napi;

// Shared by both directions: argv = [first, firstOff, second, secondOff, win] where the columns are
// first for col2im and second for im2col.
napi_value Run(napi_env env, napi_callback_info info, bool to_cols) {
  const char* fn = to_cols ? "im2col" : "col2im";
  napi_value argv[5];
  ArrayArg a, b;
  idx aOff, bOff;
  Win w;
  if (!get_args(env, info, fn, 5, argv) || !get_typed_array(env, argv[0], fn, to_cols ? "x" : "cols", &a) ||
      !get_index(env, argv[1], fn, to_cols ? "xOff" : "colsOff", &aOff) ||
      !get_typed_array(env, argv[2], fn, to_cols ? "cols" : "x", &b) ||
      !get_index(env, argv[3], fn, to_cols ? "colsOff" : "xOff", &bOff) || !get_win(env, argv[4], fn, &w)) {
    return nullptr;
  }
  if (a.type != b.type || (a.type != napi_float32_array && a.type != napi_float64_array)) return make_bool(env, false);
  const ArrayArg& xa = to_cols ? a : b;
  const ArrayArg& ca = to_cols ? b : a;
  const idx xOff = to_cols ? aOff : bOff, cOff = to_cols ? bOff : aOff;
  const double x_need = double(xOff) + double(w.C) * double(w.H) * double(w.W);
  const double c_need = double(cOff) + double(w.C) * double(w.kH) * double(w.kW) * double(w.oH) * double(w.oW);
  if (x_need > double(xa.length) || c_need > double(ca.length)) {
    char msg[200];
    std::snprintf(msg, sizeof msg, "%s: the window reaches outside its arrays (x needs %.0f of %zu, cols %.0f of %zu)", fn,
                  x_need, xa.length, c_need, ca.length);
    throw_range(env, msg);
    return nullptr;
  }
  if (ranges_overlap(xa.data, xa.length * element_size(xa.type), ca.data, ca.length * element_size(ca.type))) {
    return make_bool(env, false);
  }
  const double work = c_need - double(cOff);
  const auto run = [&](auto* xp, auto* cp) {
    kd::parallel_for(w.C, work, 1, [&](idx c0, idx c1) {
      if (to_cols) im2col_channels(xp + xOff, cp + cOff, w, c0, c1);
      else col2im_channels(cp + cOff, xp + xOff, w, c0, c1);
    });
  };
  if (a.type == napi_float32_array) run(static_cast<float*>(xa.data), static_cast<float*>(ca.data));
  else run(static_cast<double*>(xa.data), static_cast<double*>(ca.data));
  return make_bool(env, true);
}

napi_value Im2col(napi_env env, napi_callback_info info) { return Run(env, info, true); }
napi_value Col2im(napi_env env, napi_callback_info info) { return Run(env, info, false); }

}  // namespace

namespace kd {

bool register_conv(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"im2col", nullptr, Im2col, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"col2im", nullptr, Col2im, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  return napi_define_properties(env, exports, 2, props) == napi_ok;
}

}  // namespace kd
