// Reductions (sum / max / min with positions) and softmax / log-softmax forward and backward over
// contiguous [outer, size, inner] arrays.
// Textually included by kd_ops_kernels.h inside its per-ISA namespace (after kd_vmath.h and the
// load/store helpers); not a standalone header.

// ---- reductions over [outer, size, inner] --------------------------------------------------------

// Columns handled together when inner > 1 (accumulators live on the stack).
constexpr idx kColBlock = 256;

template <class T>
KD_INL double row_sum(const T* x, idx n) {
  vd a0 = splat(0.0), a1 = splat(0.0), a2 = splat(0.0), a3 = splat(0.0);
  idx i = 0;
  for (; i + 4 * kVD <= n; i += 4 * kVD) {
    a0 += load_vd(x + i);
    a1 += load_vd(x + i + kVD);
    a2 += load_vd(x + i + 2 * kVD);
    a3 += load_vd(x + i + 3 * kVD);
  }
  for (; i + kVD <= n; i += kVD) a0 += load_vd(x + i);
  double s = hsum((a0 + a1) + (a2 + a3));
  for (; i < n; ++i) s += double(x[i]);
  return s;
}

// max (IsMax) or min of a contiguous row with the JS kernel's rules: NaN is the extreme (the first
// one wins), otherwise the first element of the extreme value wins ties (+0 and -0 are equal).
template <bool IsMax, class T>
KD_INL idx row_arg_extreme(const T* x, idx n) {
  T m = x[0];
  bool nan = false;
  for (idx i = 0; i < n; ++i) {
    const T v = x[i];
    nan |= v != v;
    m = (IsMax ? v > m : v < m) ? v : m;
  }
  idx j = 0;
  if (nan) {
    while (x[j] == x[j]) ++j;
  } else {
    while (!(x[j] == m)) ++j;
  }
  return j;
}

// Rows longer than kSumBlock: the in-order sum of their blocks' sums.
template <class T>
KD_INL double row_sum_blocked(const T* x, idx n) {
  if (n <= kd::kSumBlock) return row_sum(x, n);
  double s = 0.0;
  for (idx i = 0; i < n; i += kd::kSumBlock) s += row_sum(x + i, n - i < kd::kSumBlock ? n - i : kd::kSumBlock);
  return s;
}

template <class T>
KD_TGT double row_sum_fn(const void* x, idx n) {
  return row_sum(static_cast<const T*>(x), n);
}

template <class T>
KD_TGT void reduce_sum(const void* xv, void* ov, double* indices, idx size, idx inner, idx lo, idx hi) {
  (void)indices;
  const T* x = static_cast<const T*>(xv);
  T* out = static_cast<T*>(ov);
  if (inner == 1) {
    for (idx r = lo; r < hi; ++r) out[r] = T(row_sum_blocked(x + r * size, size));
    return;
  }
  // Columns summed per pass over the rows: each pass then reads long runs of every row. With 256
  // (1 KB of each float row, rows 8 KB apart) a bias gradient's [2048, 2048] column sums took 2.3-2.9
  // ms in the Transformer step, 1.0-1.3 ms with 2048 (TLB and prefetch, not arithmetic). Each
  // column is still summed over the rows in order, so the result is unchanged.
  constexpr idx kSumCols = 2048;
  double acc[kSumCols];
  for (idx r = lo; r < hi;) {
    const idx o = r / inner, i0 = r % inner;
    idx cols = inner - i0;
    if (cols > hi - r) cols = hi - r;
    if (cols > kSumCols) cols = kSumCols;
    const T* base = x + o * size * inner + i0;
    for (idx c = 0; c < cols; ++c) acc[c] = 0.0;
    for (idx j = 0; j < size; ++j) {
      const T* row = base + j * inner;
      for (idx c = 0; c < cols; ++c) acc[c] += double(row[c]);
    }
    for (idx c = 0; c < cols; ++c) out[r + c] = T(acc[c]);
    r += cols;
  }
}

template <bool IsMax, class T>
KD_TGT void reduce_extreme(const void* xv, void* ov, double* indices, idx size, idx inner, idx lo, idx hi) {
  const T* x = static_cast<const T*>(xv);
  T* out = static_cast<T*>(ov);
  if (inner == 1) {
    for (idx r = lo; r < hi; ++r) {
      const T* row = x + r * size;
      const idx j = row_arg_extreme<IsMax>(row, size);
      out[r] = row[j];
      if (indices) indices[r] = double(j);
    }
    return;
  }
  T best[kColBlock];
  double arg[kColBlock];
  for (idx r = lo; r < hi;) {
    const idx o = r / inner, i0 = r % inner;
    idx cols = inner - i0;
    if (cols > hi - r) cols = hi - r;
    if (cols > kColBlock) cols = kColBlock;
    const T* base = x + o * size * inner + i0;
    for (idx c = 0; c < cols; ++c) {
      best[c] = base[c];
      arg[c] = 0.0;
    }
    for (idx j = 1; j < size; ++j) {
      const T* row = base + j * inner;
      const double dj = double(j);
      for (idx c = 0; c < cols; ++c) {
        const T v = row[c], b = best[c];
        const bool take = b == b && (v != v || (IsMax ? v > b : v < b));
        best[c] = take ? v : b;
        arg[c] = take ? dj : arg[c];
      }
    }
    for (idx c = 0; c < cols; ++c) out[r + c] = best[c];
    if (indices) {
      for (idx c = 0; c < cols; ++c) indices[r + c] = arg[c];
    }
    r += cols;
  }
}

// ---- softmax -----------------------------------------------------------------------------------

template <class T>
KD_INL double row_max(const T* x, idx n) {
  // `v > m` skips NaN, as the JS loop does; an all -inf (or all NaN) row then uses 0.
  T m = -__builtin_inf();
  for (idx i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m == -__builtin_inf() ? 0.0 : double(m);
}

// float32 softmax of one contiguous row in float lanes: exp computed once (stored, then scaled), a
// Cephes-style expf (reduction by ln2 in two parts, degree-6 polynomial, within 2 ulp of float),
// partial sums in float lanes added in double. Attention rows take most of a Transformer's
// non-GEMM time; the double path (two exps per element, half the lanes) was 7x PyTorch's.
typedef float vF __attribute__((vector_size(KD_VBYTES)));
typedef int vI __attribute__((vector_size(KD_VBYTES)));
constexpr int kVF = KD_VBYTES / 4;

KD_VINL vF splat_f(float v) {
  vF r;
  for (int i = 0; i < kVF; ++i) r[i] = v;
  return r;
}

// exp(x) lane-wise: 0 below -87.33 (and for -inf), inf above 88.72, NaN in NaN out.
KD_VINL vF v_expf(vF x) {
  const vF hi = splat_f(88.72283935546875f), lo = splat_f(-87.33654022216797f);
  const vF xc = x > hi ? hi : (x < lo ? lo : x);
  const vF kf = xc * splat_f(1.44269504088896341f);
  // round to nearest through the 1.5 * 2^23 trick (|kf| < 2^22)
  const vF magic = splat_f(12582912.0f);
  const vF k = (kf + magic) - magic;
  vF r = xc - k * splat_f(0.693359375f);
  r = r - k * splat_f(-2.12194440e-4f);
  vF p = splat_f(1.9875691500e-4f);
  p = p * r + splat_f(1.3981999507e-3f);
  p = p * r + splat_f(8.3334519073e-3f);
  p = p * r + splat_f(4.1665795894e-2f);
  p = p * r + splat_f(1.6666665459e-1f);
  p = p * r + splat_f(5.0000001201e-1f);
  p = p * (r * r) + r + splat_f(1.0f);
  const vI ki = __builtin_convertvector(k, vI);
  const vI bits = (ki + 127) << 23;
  vF res = p * (vF)bits;
  res = x < lo ? splat_f(0.0f) : res;
  res = x > hi ? splat_f(__builtin_inff()) : res;
  return x != x ? x : res;
}

KD_INL void softmax_row_f32(const float* xr, float* orow, idx size) {
  float mx = -__builtin_inff();
  for (idx i = 0; i < size; ++i) mx = xr[i] > mx ? xr[i] : mx;
  if (mx == -__builtin_inff()) mx = 0.0f;
  const vF vmx = splat_f(mx);
  vF acc = splat_f(0.0f);
  idx j = 0;
  for (; j + kVF <= size; j += kVF) {
    vF v;
    std::memcpy(&v, xr + j, sizeof v);
    const vF e = v_expf(v - vmx);
    std::memcpy(orow + j, &e, sizeof e);
    acc += e;
  }
  double sum = 0.0;
  for (int l = 0; l < kVF; ++l) sum += double(acc[l]);
  if (j < size) {
    vF v = splat_f(-__builtin_inff());
    std::memcpy(&v, xr + j, std::size_t(size - j) * sizeof(float));
    const vF e = v_expf(v - vmx);
    std::memcpy(orow + j, &e, std::size_t(size - j) * sizeof(float));
    for (idx l = 0; l < size - j; ++l) sum += double(e[l]);
  }
  const float inv = float(1.0 / sum);
  for (idx i = 0; i < size; ++i) orow[i] *= inv;
}

template <class T>
KD_TGT void softmax_rows(const void* xv, void* ov, idx size, idx inner, bool log, idx lo, idx hi) {
  const T* x = static_cast<const T*>(xv);
  T* out = static_cast<T*>(ov);
  if (inner == 1 && !log && sizeof(T) == 4) {
    for (idx r = lo; r < hi; ++r) {
      softmax_row_f32(reinterpret_cast<const float*>(x) + r * size, reinterpret_cast<float*>(out) + r * size, size);
    }
    return;
  }
  if (inner == 1) {
    for (idx r = lo; r < hi; ++r) {
      const T* xr = x + r * size;
      T* orow = out + r * size;
      const double mx = row_max(xr, size);
      const vd vmx = splat(mx);
      vd acc = splat(0.0);
      idx j = 0;
      for (; j + kVD <= size; j += kVD) acc += v_exp(load_vd(xr + j) - vmx);
      double sum = hsum(acc);
      if (j < size) {
        const vd e = v_exp(load_vd_part(xr + j, size - j) - vmx);
        for (idx l = 0; l < size - j; ++l) sum += e[l];
      }
      if (log) {
        const vd lse = splat(mx) + v_log(splat(sum));
        for (j = 0; j + kVD <= size; j += kVD) store_vd(orow + j, load_vd(xr + j) - lse);
        if (j < size) store_vd_part(orow + j, load_vd_part(xr + j, size - j) - lse, size - j);
      } else {
        const vd inv = splat(1.0 / sum);
        for (j = 0; j + kVD <= size; j += kVD) store_vd(orow + j, v_exp(load_vd(xr + j) - vmx) * inv);
        if (j < size) store_vd_part(orow + j, v_exp(load_vd_part(xr + j, size - j) - vmx) * inv, size - j);
      }
    }
    return;
  }
  // Columns of a block side by side: the same per-column order of operations as the JS loops.
  double mx[kColBlock], sum[kColBlock];
  for (idx r = lo; r < hi;) {
    const idx o = r / inner, i0 = r % inner;
    idx cols = inner - i0;
    if (cols > hi - r) cols = hi - r;
    if (cols > kColBlock) cols = kColBlock;
    const idx off = o * size * inner + i0;
    for (idx c = 0; c < cols; ++c) mx[c] = -__builtin_inf();
    for (idx j = 0; j < size; ++j) {
      const T* row = x + off + j * inner;
      for (idx c = 0; c < cols; ++c) mx[c] = double(row[c]) > mx[c] ? double(row[c]) : mx[c];
    }
    for (idx c = 0; c < cols; ++c) {
      if (mx[c] == -__builtin_inf()) mx[c] = 0.0;
      sum[c] = 0.0;
    }
    const idx cv = cols / kVD * kVD;
    for (idx j = 0; j < size; ++j) {
      const T* row = x + off + j * inner;
      idx c = 0;
      for (; c < cv; c += kVD) store_vd(sum + c, load_vd(sum + c) + v_exp(load_vd(row + c) - load_vd(mx + c)));
      if (c < cols) {
        const vd e = v_exp(load_vd_part(row + c, cols - c) - load_vd_part(mx + c, cols - c));
        for (idx l = 0; l < cols - c; ++l) sum[c + l] += e[l];
      }
    }
    if (log) {
      for (idx c = 0; c < cols; ++c) sum[c] = mx[c] + std::log(sum[c]);  // lse
    } else {
      for (idx c = 0; c < cols; ++c) sum[c] = 1.0 / sum[c];
    }
    for (idx j = 0; j < size; ++j) {
      const T* row = x + off + j * inner;
      T* orow = out + off + j * inner;
      idx c = 0;
      for (; c < cols; c += kVD) {
        const idx w = cols - c < kVD ? cols - c : kVD;
        const vd v = w == kVD ? load_vd(row + c) : load_vd_part(row + c, w);
        const vd s = w == kVD ? load_vd(sum + c) : load_vd_part(sum + c, w);
        vd res;
        if (log) {
          res = v - s;
        } else {
          const vd m = w == kVD ? load_vd(mx + c) : load_vd_part(mx + c, w);
          res = v_exp(v - m) * s;
        }
        if (w == kVD) store_vd(orow + c, res);
        else store_vd_part(orow + c, res, w);
      }
    }
    r += cols;
  }
}

// log: gx = g - exp(y) * sum(g); softmax: gx = y * (g - sum(g * y)).
template <class T>
KD_TGT void softmax_backward_rows(const void* gv, const void* yv, void* ov, idx size, idx inner, bool log, idx lo,
                                  idx hi) {
  const T* g = static_cast<const T*>(gv);
  const T* y = static_cast<const T*>(yv);
  T* out = static_cast<T*>(ov);
  double acc[kColBlock];
  for (idx r = lo; r < hi;) {
    const idx o = r / inner, i0 = r % inner;
    idx cols = inner - i0;
    if (cols > hi - r) cols = hi - r;
    if (cols > kColBlock) cols = kColBlock;
    const idx off = o * size * inner + i0;
    if (inner == 1) {
      // One contiguous row: vector sums.
      const T* gr = g + off;
      const T* yr = y + off;
      T* orow = out + off;
      vd a = splat(0.0);
      idx j = 0;
      if (log) {
        for (; j + kVD <= size; j += kVD) a += load_vd(gr + j);
      } else {
        for (; j + kVD <= size; j += kVD) a += load_vd(gr + j) * load_vd(yr + j);
      }
      double s = hsum(a);
      for (; j < size; ++j) s += log ? double(gr[j]) : double(gr[j]) * double(yr[j]);
      const vd vs = splat(s);
      for (j = 0; j < size; j += kVD) {
        const idx w = size - j < kVD ? size - j : kVD;
        const vd gv8 = w == kVD ? load_vd(gr + j) : load_vd_part(gr + j, w);
        const vd yv8 = w == kVD ? load_vd(yr + j) : load_vd_part(yr + j, w);
        const vd res = log ? gv8 - v_exp(yv8) * vs : yv8 * (gv8 - vs);
        if (w == kVD) store_vd(orow + j, res);
        else store_vd_part(orow + j, res, w);
      }
      r += 1;
      continue;
    }
    for (idx c = 0; c < cols; ++c) acc[c] = 0.0;
    for (idx j = 0; j < size; ++j) {
      const T* gr = g + off + j * inner;
      const T* yr = y + off + j * inner;
      if (log) {
        for (idx c = 0; c < cols; ++c) acc[c] += double(gr[c]);
      } else {
        for (idx c = 0; c < cols; ++c) acc[c] += double(gr[c]) * double(yr[c]);
      }
    }
    for (idx j = 0; j < size; ++j) {
      const T* gr = g + off + j * inner;
      const T* yr = y + off + j * inner;
      T* orow = out + off + j * inner;
      for (idx c = 0; c < cols; c += kVD) {
        const idx w = cols - c < kVD ? cols - c : kVD;
        const vd gv8 = w == kVD ? load_vd(gr + c) : load_vd_part(gr + c, w);
        const vd yv8 = w == kVD ? load_vd(yr + c) : load_vd_part(yr + c, w);
        const vd s = w == kVD ? load_vd(acc + c) : load_vd_part(acc + c, w);
        const vd res = log ? gv8 - v_exp(yv8) * s : yv8 * (gv8 - s);
        if (w == kVD) store_vd(orow + c, res);
        else store_vd_part(orow + c, res, w);
      }
    }
    r += cols;
  }
}
