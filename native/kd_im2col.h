// im2col / col2im over a range of channels of one sample (src/backend/js/conv.ts's loops, same layout
// and results): cols[C*kH*kW, oH*oW] from x[C, H, W], and its adjoint (columns added back into x).
// Shared by the addon's im2col/col2im and its batched convolution passes.
#ifndef KD_IM2COL_H
#define KD_IM2COL_H

#include "kd_window.h"

namespace kd {

template <class T>
inline void im2col_channels(const T* x, T* cols, const Win& w, idx c0, idx c1) {
  const idx L = w.oH * w.oW;
  for (idx c = c0; c < c1; ++c) {
    const T* plane = x + c * w.H * w.W;
    T* row = cols + c * w.kH * w.kW * L;
    for (idx i = 0; i < w.kH; ++i) {
      for (idx j = 0; j < w.kW; ++j, row += L) {
        const idx off = j * w.dW - w.pW;
        idx lo, hi;
        valid_range(off, w.sW, w.W, w.oW, &lo, &hi);
        for (idx oh = 0; oh < w.oH; ++oh) {
          T* dst = row + oh * w.oW;
          const idx ih = oh * w.sH - w.pH + i * w.dH;
          if (ih < 0 || ih >= w.H || lo >= hi) {
            for (idx ow = 0; ow < w.oW; ++ow) dst[ow] = T(0);
            continue;
          }
          const T* src = plane + ih * w.W + off;
          for (idx ow = 0; ow < lo; ++ow) dst[ow] = T(0);
          if (w.sW == 1) {
            for (idx ow = lo; ow < hi; ++ow) dst[ow] = src[ow];
          } else {
            for (idx ow = lo; ow < hi; ++ow) dst[ow] = src[ow * w.sW];
          }
          for (idx ow = hi; ow < w.oW; ++ow) dst[ow] = T(0);
        }
      }
    }
  }
}

template <class T>
inline void col2im_channels(const T* cols, T* x, const Win& w, idx c0, idx c1) {
  const idx L = w.oH * w.oW;
  for (idx c = c0; c < c1; ++c) {
    T* plane = x + c * w.H * w.W;
    const T* row = cols + c * w.kH * w.kW * L;
    for (idx i = 0; i < w.kH; ++i) {
      for (idx j = 0; j < w.kW; ++j, row += L) {
        const idx off = j * w.dW - w.pW;
        idx lo, hi;
        valid_range(off, w.sW, w.W, w.oW, &lo, &hi);
        if (lo >= hi) continue;
        for (idx oh = 0; oh < w.oH; ++oh) {
          const idx ih = oh * w.sH - w.pH + i * w.dH;
          if (ih < 0 || ih >= w.H) continue;
          const T* src = row + oh * w.oW;
          T* dst = plane + ih * w.W + off;
          for (idx ow = lo; ow < hi; ++ow) dst[ow * w.sW] += src[ow];
        }
      }
    }
  }
}

}  // namespace kd

#endif
