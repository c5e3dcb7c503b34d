// Layer norm over contiguous rows, forward and backward (the rows part and the column sums of the
// weight and bias gradients). Textually included by kd_ops_kernels.h inside its per-ISA namespace,
// after kd_ops_reduce.h (row_sum) and the vd load/store helpers; not a standalone header.
//
// Statistics and sums in double vector lanes (so the order of additions differs from the JS
// reference's serial loop, within double rounding); each stored value rounded once to T.

// sum over the row of (x - mean)^2, and sum of a * b, in double lanes.
template <class T>
KD_INL double row_sq_dev(const T* x, idx n, double mean) {
  const vd m = splat(mean);
  vd a0 = splat(0.0), a1 = splat(0.0);
  idx i = 0;
  for (; i + 2 * kVD <= n; i += 2 * kVD) {
    const vd d0 = load_vd(x + i) - m, d1 = load_vd(x + i + kVD) - m;
    a0 += d0 * d0;
    a1 += d1 * d1;
  }
  double s = hsum(a0 + a1);
  for (; i < n; ++i) {
    const double d = double(x[i]) - mean;
    s += d * d;
  }
  return s;
}

template <class T>
KD_TGT void layer_norm_rows(const void* xv, const void* wv, const void* bv, void* ov, void* hv, void* rv, idx size,
                            double eps, idx lo, idx hi) {
  const T* x = static_cast<const T*>(xv);
  const T* w = static_cast<const T*>(wv);
  const T* b = static_cast<const T*>(bv);
  for (idx r = lo; r < hi; ++r) {
    const T* xr = x + r * size;
    T* hr = static_cast<T*>(hv) + r * size;
    T* orow = static_cast<T*>(ov) + r * size;
    const double mean = row_sum(xr, size) / double(size);
    const double rs = 1.0 / std::sqrt(row_sq_dev(xr, size, mean) / double(size) + eps);
    static_cast<T*>(rv)[r] = T(rs);
    const vd vm = splat(mean), vr = splat(rs);
    idx i = 0;
    for (; i + kVD <= size; i += kVD) {
      const vd h = (load_vd(xr + i) - vm) * vr;
      store_vd(hr + i, h);
      // the affine reads the stored (rounded) xhat, as backward will
      vd o = load_vd(hr + i);
      if (w) o = o * load_vd(w + i);
      if (b) o = o + load_vd(b + i);
      store_vd(orow + i, o);
    }
    for (; i < size; ++i) {
      hr[i] = T((double(xr[i]) - mean) * rs);
      double o = double(hr[i]);
      if (w) o = o * double(w[i]);
      if (b) o = o + double(b[i]);
      orow[i] = T(o);
    }
  }
}

// gx = rstd * (gxh - mean(gxh) - xhat * mean(gxh * xhat)), gxh = g * w.
template <class T>
KD_TGT void layer_norm_backward_rows(const void* gv, const void* hv, const void* wv, const void* rv, void* gxv, idx size,
                                     idx lo, idx hi) {
  const T* w = static_cast<const T*>(wv);
  for (idx r = lo; r < hi; ++r) {
    const T* gr = static_cast<const T*>(gv) + r * size;
    const T* hr = static_cast<const T*>(hv) + r * size;
    T* out = static_cast<T*>(gxv) + r * size;
    vd va = splat(0.0), vc = splat(0.0);
    idx i = 0;
    for (; i + kVD <= size; i += kVD) {
      vd gh = load_vd(gr + i);
      if (w) gh = gh * load_vd(w + i);
      va += gh;
      vc += gh * load_vd(hr + i);
    }
    double a = hsum(va), c = hsum(vc);
    for (; i < size; ++i) {
      const double gh = w ? double(gr[i]) * double(w[i]) : double(gr[i]);
      a += gh;
      c += gh * double(hr[i]);
    }
    a /= double(size);
    c /= double(size);
    const double rs = double(static_cast<const T*>(rv)[r]);
    const vd vA = splat(a), vC = splat(c), vR = splat(rs);
    for (i = 0; i + kVD <= size; i += kVD) {
      vd gh = load_vd(gr + i);
      if (w) gh = gh * load_vd(w + i);
      store_vd(out + i, vR * (gh - vA - load_vd(hr + i) * vC));
    }
    for (; i < size; ++i) {
      const double gh = w ? double(gr[i]) * double(w[i]) : double(gr[i]);
      out[i] = T(rs * (gh - a - double(hr[i]) * c));
    }
  }
}

// gw[j] = sum_r g[r, j] * xhat[r, j], gb[j] = sum_r g[r, j] for columns [c0, c1), rows in order.
template <class T>
KD_TGT void layer_norm_backward_cols(const void* gv, const void* hv, void* gwv, void* gbv, idx rows, idx size, idx c0,
                                     idx c1) {
  const T* g = static_cast<const T*>(gv);
  const T* h = static_cast<const T*>(hv);
  T* gw = static_cast<T*>(gwv);
  T* gb = static_cast<T*>(gbv);
  constexpr idx kC = 64;
  static_assert(kC % 8 == 0, "column block");
  double sw[kC], sb[kC];
  for (idx j0 = c0; j0 < c1; j0 += kC) {
    const idx n = c1 - j0 < kC ? c1 - j0 : kC;
    const idx nv = n / kVD * kVD;
    for (idx j = 0; j < kC; ++j) sw[j] = sb[j] = 0.0;
    for (idx r = 0; r < rows; ++r) {
      const T* gr = g + r * size + j0;
      const T* hr = h + r * size + j0;
      idx j = 0;
      for (; j < nv; j += kVD) {
        const vd gg = load_vd(gr + j);
        store_vd(sw + j, load_vd(sw + j) + gg * load_vd(hr + j));
        store_vd(sb + j, load_vd(sb + j) + gg);
      }
      for (; j < n; ++j) {
        sw[j] += double(gr[j]) * double(hr[j]);
        sb[j] += double(gr[j]);
      }
    }
    if (gw) for (idx j = 0; j < n; ++j) gw[j0 + j] = T(sw[j]);
    if (gb) for (idx j = 0; j < n; ++j) gb[j0 + j] = T(sb[j]);
  }
}
