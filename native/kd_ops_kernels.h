// Elementwise, reduction, softmax and optimizer loops, written once and instantiated per ISA (like
// kd_ukernel.h). The including file defines, before including:
//
//   KD_TGT        function attribute selecting the ISA, or nothing for the portable build
//   KD_VBYTES     vector width in bytes for the explicit double-vector math (64, 32 or 16)
//   KD_NS         namespace for this instantiation
//   KD_OPS_NAME   name of the OpsKernels object to define, KD_OPS_LABEL its name string
//
// Plain loops over T are left to the auto-vectorizer (they compile to the ISA of KD_TGT); exp, log,
// tanh, sigmoid and expm1 use kd_vmath.h explicitly. Every loop computes what the JS kernel computes
// for each element: float32 arithmetic that JS does in double and rounds once is done in float where
// that gives the same bits (+, -, *, /, sqrt of two floats), in double otherwise. The build uses
// -ffp-contract=off: no multiply-add is ever fused behind our back.
//
// Everything but the OpsKernels object has internal linkage (see kd_ukernel.h for why).
#include <cmath>
#include <cstring>

#include "kd_ops.h"

#define KD_INL inline __attribute__((always_inline)) KD_TGT
#define KD_VINL static KD_INL

namespace {
namespace KD_NS {

using kd::idx;

#include "kd_vmath.h"

// ---- vector loads/stores of doubles from float or double memory ---------------------------------

KD_VINL vd load_vd(const double* p) {
  vd v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
KD_VINL vd load_vd(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, vd);
}
KD_VINL void store_vd(double* p, vd v) { std::memcpy(p, &v, sizeof v); }
KD_VINL void store_vd(float* p, vd v) {
  const vf f = __builtin_convertvector(v, vf);  // rounds to nearest, as Math.fround
  std::memcpy(p, &f, sizeof f);
}
// The first `n` (< kVD) elements, zero-padded.
template <class T>
KD_INL vd load_vd_part(const T* p, idx n) {
  T tmp[kVD] = {};
  std::memcpy(tmp, p, std::size_t(n) * sizeof(T));
  return load_vd(tmp);
}
template <class T>
KD_INL void store_vd_part(T* p, vd v, idx n) {
  T tmp[kVD];
  store_vd(tmp, v);
  std::memcpy(p, tmp, std::size_t(n) * sizeof(T));
}
KD_VINL double hsum(vd v) {
  double s = v[0];
  for (int l = 1; l < kVD; ++l) s += v[l];
  return s;
}

// ---- unary ops ---------------------------------------------------------------------------------

// Ops whose JS formula is exact in T (or rounds like T's own op).
struct UNeg { template <class T> static KD_INL T f(T x) { return -x; } };
struct UAbs { template <class T> static KD_INL T f(T x) { return std::fabs(x); } };
struct USqrt { template <class T> static KD_INL T f(T x) { return std::sqrt(x); } };
struct URelu { template <class T> static KD_INL T f(T x) { return x > T(0) ? x : (x == x ? T(0) : x); } };
struct USquare { template <class T> static KD_INL T f(T x) { return x * x; } };
struct USign { template <class T> static KD_INL T f(T x) { return x > T(0) ? T(1) : (x < T(0) ? T(-1) : x); } };
struct URecip { template <class T> static KD_INL T f(T x) { return T(1) / x; } };
struct UFloor { template <class T> static KD_INL T f(T x) { return std::floor(x); } };
struct UCeil { template <class T> static KD_INL T f(T x) { return std::ceil(x); } };

// Ops computed in double vectors (float32 inputs widened, results rounded once).
struct UExp { static KD_INL vd v(vd x) { return v_exp(x); } };
struct ULog { static KD_INL vd v(vd x) { return v_log(x); } };
struct UTanh { static KD_INL vd v(vd x) { return v_tanh(x); } };
struct USigmoid { static KD_INL vd v(vd x) { return v_sigmoid(x); } };
struct UExpm1 { static KD_INL vd v(vd x) { return v_expm1(x); } };

template <class Op, class T>
KD_TGT void unary_simple(const void* xv, void* ov, idx n) {
  const T* x = static_cast<const T*>(xv);
  T* o = static_cast<T*>(ov);
  for (idx i = 0; i < n; ++i) o[i] = Op::f(x[i]);
}

template <class Op, class T>
KD_TGT void unary_math(const void* xv, void* ov, idx n) {
  const T* x = static_cast<const T*>(xv);
  T* o = static_cast<T*>(ov);
  idx i = 0;
  for (; i + kVD <= n; i += kVD) store_vd(o + i, Op::v(load_vd(x + i)));
  if (i < n) store_vd_part(o + i, Op::v(load_vd_part(x + i, n - i)), n - i);
}

template <class T>
kd::UnaryFn unary_table_entry(kd::UnaryOp op) {
  switch (op) {
    case kd::UnaryOp::neg: return &unary_simple<UNeg, T>;
    case kd::UnaryOp::exp: return &unary_math<UExp, T>;
    case kd::UnaryOp::log: return &unary_math<ULog, T>;
    case kd::UnaryOp::sqrt: return &unary_simple<USqrt, T>;
    case kd::UnaryOp::abs: return &unary_simple<UAbs, T>;
    case kd::UnaryOp::tanh: return &unary_math<UTanh, T>;
    case kd::UnaryOp::sigmoid: return &unary_math<USigmoid, T>;
    case kd::UnaryOp::relu: return &unary_simple<URelu, T>;
    case kd::UnaryOp::square: return &unary_simple<USquare, T>;
    case kd::UnaryOp::sign: return &unary_simple<USign, T>;
    case kd::UnaryOp::reciprocal: return &unary_simple<URecip, T>;
    case kd::UnaryOp::expm1: return &unary_math<UExpm1, T>;
    case kd::UnaryOp::floor: return &unary_simple<UFloor, T>;
    case kd::UnaryOp::ceil: return &unary_simple<UCeil, T>;
    default: return nullptr;
  }
}

// ---- binary ops --------------------------------------------------------------------------------

struct BAdd { template <class T> static KD_INL T f(T x, T y) { return x + y; } };
struct BSub { template <class T> static KD_INL T f(T x, T y) { return x - y; } };
struct BMul { template <class T> static KD_INL T f(T x, T y) { return x * y; } };
struct BDiv { template <class T> static KD_INL T f(T x, T y) { return x / y; } };
// NaN wins; on ties (including +0 vs -0) y is returned, as the JS formula does.
struct BMax { template <class T> static KD_INL T f(T x, T y) { return x > y ? x : (y == y ? (x == x ? y : x) : y); } };
struct BMin { template <class T> static KD_INL T f(T x, T y) { return x < y ? x : (y == y ? (x == x ? y : x) : y); } };
struct BReluGrad { template <class T> static KD_INL T f(T x, T y) { return x > T(0) ? y : T(0); } };
struct BEq { template <class T> static KD_INL bool f(T x, T y) { return x == y; } };
struct BNe { template <class T> static KD_INL bool f(T x, T y) { return x != y; } };
struct BGt { template <class T> static KD_INL bool f(T x, T y) { return x > y; } };
struct BLt { template <class T> static KD_INL bool f(T x, T y) { return x < y; } };
struct BGe { template <class T> static KD_INL bool f(T x, T y) { return x >= y; } };
struct BLe { template <class T> static KD_INL bool f(T x, T y) { return x <= y; } };

template <class Op, class T, class O>
KD_TGT void bin_vv(const void* av, idx, const void* bv, idx, void* ov, idx n) {
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  O* o = static_cast<O*>(ov);
  for (idx i = 0; i < n; ++i) o[i] = O(Op::f(a[i], b[i]));
}
template <class Op, class T, class O>
KD_TGT void bin_vs(const void* av, idx, const void* bv, idx, void* ov, idx n) {
  const T* a = static_cast<const T*>(av);
  const T y = *static_cast<const T*>(bv);
  O* o = static_cast<O*>(ov);
  for (idx i = 0; i < n; ++i) o[i] = O(Op::f(a[i], y));
}
template <class Op, class T, class O>
KD_TGT void bin_sv(const void* av, idx, const void* bv, idx, void* ov, idx n) {
  const T x = *static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  O* o = static_cast<O*>(ov);
  for (idx i = 0; i < n; ++i) o[i] = O(Op::f(x, b[i]));
}
template <class Op, class T, class O>
KD_TGT void bin_strided(const void* av, idx sa, const void* bv, idx sb, void* ov, idx n) {
  const T* a = static_cast<const T*>(av);
  const T* b = static_cast<const T*>(bv);
  O* o = static_cast<O*>(ov);
  for (idx i = 0; i < n; ++i) o[i] = O(Op::f(a[i * sa], b[i * sb]));
}

// float32 x against a double scalar that is not a float: the JS kernel's double arithmetic.
template <class Op, bool First, class O>
KD_TGT void scalar_f32d(const float* x, double s, void* ov, idx n) {
  O* o = static_cast<O*>(ov);
  for (idx i = 0; i < n; ++i) {
    const double v = x[i];
    o[i] = O(First ? Op::f(s, v) : Op::f(v, s));
  }
}

struct BinaryEntry {
  kd::BinaryFn f32[4];
  kd::BinaryFn f64[4];
  kd::ScalarF32Fn scalar[2];
};

template <class Op, class O32, class O64>
BinaryEntry binary_entry() {
  return {{&bin_vv<Op, float, O32>, &bin_vs<Op, float, O32>, &bin_sv<Op, float, O32>, &bin_strided<Op, float, O32>},
          {&bin_vv<Op, double, O64>, &bin_vs<Op, double, O64>, &bin_sv<Op, double, O64>,
           &bin_strided<Op, double, O64>},
          {&scalar_f32d<Op, false, O32>, &scalar_f32d<Op, true, O32>}};
}

BinaryEntry binary_table_entry(kd::BinaryOp op) {
  using U8 = unsigned char;
  switch (op) {
    case kd::BinaryOp::add: return binary_entry<BAdd, float, double>();
    case kd::BinaryOp::sub: return binary_entry<BSub, float, double>();
    case kd::BinaryOp::mul: return binary_entry<BMul, float, double>();
    case kd::BinaryOp::div: return binary_entry<BDiv, float, double>();
    case kd::BinaryOp::maximum: return binary_entry<BMax, float, double>();
    case kd::BinaryOp::minimum: return binary_entry<BMin, float, double>();
    case kd::BinaryOp::reluGrad: return binary_entry<BReluGrad, float, double>();
    case kd::BinaryOp::eq: return binary_entry<BEq, U8, U8>();
    case kd::BinaryOp::ne: return binary_entry<BNe, U8, U8>();
    case kd::BinaryOp::gt: return binary_entry<BGt, U8, U8>();
    case kd::BinaryOp::lt: return binary_entry<BLt, U8, U8>();
    case kd::BinaryOp::ge: return binary_entry<BGe, U8, U8>();
    case kd::BinaryOp::le: return binary_entry<BLe, U8, U8>();
    default: return BinaryEntry{};
  }
}

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
  double acc[kColBlock];
  for (idx r = lo; r < hi;) {
    const idx o = r / inner, i0 = r % inner;
    idx cols = inner - i0;
    if (cols > hi - r) cols = hi - r;
    if (cols > kColBlock) cols = kColBlock;
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

template <class T>
KD_TGT void softmax_rows(const void* xv, void* ov, idx size, idx inner, bool log, idx lo, idx hi) {
  const T* x = static_cast<const T*>(xv);
  T* out = static_cast<T*>(ov);
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

// ---- fused optimizer updates ---------------------------------------------------------------------
//
// Expression for expression the loops of src/optim/sgd.ts and adam.ts: every JS operation is a
// double operation, every Math.fround a cast to float (a store into a Float32Array is one too).

template <class T>
KD_INL T rnd(double x) { return T(x); }

// Math.max: NaN if either is NaN, +0 over -0.
KD_VINL double js_max(double a, double b) {
  if (a != a || b != b) return __builtin_nan("");
  if (a > b) return a;
  if (b > a) return b;
  unsigned long long ia, ib;
  std::memcpy(&ia, &a, 8);
  std::memcpy(&ib, &b, 8);
  ia &= ib;
  std::memcpy(&a, &ia, 8);
  return a;
}

// Mode: 0 no momentum, 1 first step (buffer = d), 2 momentum.
template <class T, bool Max, bool Wd, int Mode, bool Nest>
KD_TGT void sgd_loop(const kd::SgdScalars& s, void* pv, const void* gv, void* bv, idx n) {
  T* p = static_cast<T*>(pv);
  const T* g = static_cast<const T*>(gv);
  T* buf = static_cast<T*>(bv);
  const double neg_lr = s.neg_lr, wd = s.wd, mom = s.mom, damp1 = s.damp1;
  for (idx i = 0; i < n; ++i) {
    double d = Max ? -double(g[i]) : double(g[i]);
    if (Wd) d = double(rnd<T>(d + wd * double(p[i])));
    if (Mode != 0) {
      const double b = Mode == 1 ? d : double(rnd<T>(double(rnd<T>(double(buf[i]) * mom)) + damp1 * d));
      buf[i] = T(b);
      d = Nest ? double(rnd<T>(d + mom * b)) : b;
    }
    p[i] = rnd<T>(double(p[i]) + neg_lr * d);
  }
}

using SgdLoop = void (*)(const kd::SgdScalars& s, void* p, const void* g, void* buf, idx n);

template <class T, bool Max, bool Wd, int Mode>
KD_INL SgdLoop pick_sgd_nest(bool nest) {
  return nest ? &sgd_loop<T, Max, Wd, Mode, true> : &sgd_loop<T, Max, Wd, Mode, false>;
}
template <class T, bool Max, bool Wd>
KD_INL SgdLoop pick_sgd_mode(int mode, bool nest) {
  return mode == 0 ? pick_sgd_nest<T, Max, Wd, 0>(nest)
                   : mode == 1 ? pick_sgd_nest<T, Max, Wd, 1>(nest) : pick_sgd_nest<T, Max, Wd, 2>(nest);
}

template <class T>
KD_TGT void sgd_update(const kd::SgdScalars& s, void* p, const void* g, void* buf, bool first, idx n) {
  const int mode = buf == nullptr ? 0 : first ? 1 : 2;
  const bool wd = s.wd != 0;
  const SgdLoop f = s.maximize ? (wd ? pick_sgd_mode<T, true, true>(mode, s.nesterov)
                                      : pick_sgd_mode<T, true, false>(mode, s.nesterov))
                                 : (wd ? pick_sgd_mode<T, false, true>(mode, s.nesterov)
                                       : pick_sgd_mode<T, false, false>(mode, s.nesterov));
  f(s, p, g, buf, n);
}

template <class T, bool Max, bool L2, bool Decay, bool Ams>
KD_TGT void adam_loop(const kd::AdamScalars& s, double neg_step, double bc2, void* pv, const void* gv, void* mv,
                      void* vv, void* xv, idx n) {
  T* p = static_cast<T*>(pv);
  const T* g = static_cast<const T*>(gv);
  T* m = static_cast<T*>(mv);
  T* v = static_cast<T*>(vv);
  T* vmax = static_cast<T*>(xv);
  const double l2 = s.l2, decay = s.decay, b1 = s.b1, omb1 = s.omb1, b2 = s.b2, omb2 = s.omb2, eps = s.eps;
  for (idx i = 0; i < n; ++i) {
    double gi = Max ? -double(g[i]) : double(g[i]);
    if (Decay) p[i] = rnd<T>(double(p[i]) * decay);
    if (L2) gi = double(rnd<T>(gi + l2 * double(p[i])));
    const double mi = double(rnd<T>(double(rnd<T>(double(m[i]) * b1)) + omb1 * gi));
    m[i] = T(mi);
    double vi = double(rnd<T>(double(rnd<T>(double(v[i]) * b2)) + double(rnd<T>(omb2 * gi)) * gi));
    v[i] = T(vi);
    if (Ams) {
      vi = js_max(double(vmax[i]), vi);
      vmax[i] = T(vi);
    }
    const double denom = double(rnd<T>(double(rnd<T>(double(rnd<T>(std::sqrt(vi))) / bc2)) + eps));
    p[i] = rnd<T>(double(p[i]) + double(rnd<T>(double(rnd<T>(neg_step * mi)) / denom)));
  }
}

template <class T, bool Max, bool L2, bool Decay>
KD_INL kd::AdamFn pick_adam_ams(bool ams) {
  return ams ? &adam_loop<T, Max, L2, Decay, true> : &adam_loop<T, Max, L2, Decay, false>;
}
template <class T, bool Max, bool L2>
KD_INL kd::AdamFn pick_adam_decay(bool decay, bool ams) {
  return decay ? pick_adam_ams<T, Max, L2, true>(ams) : pick_adam_ams<T, Max, L2, false>(ams);
}
template <class T, bool Max>
KD_INL kd::AdamFn pick_adam_l2(bool l2, bool decay, bool ams) {
  return l2 ? pick_adam_decay<T, Max, true>(decay, ams) : pick_adam_decay<T, Max, false>(decay, ams);
}

template <class T>
KD_TGT void adam_update(const kd::AdamScalars& s, double neg_step, double bc2, void* p, const void* g, void* m,
                        void* v, void* vmax, idx n) {
  const bool l2 = s.l2 != 0, decay = s.decay != 1, ams = vmax != nullptr;
  const kd::AdamFn f = s.maximize ? pick_adam_l2<T, true>(l2, decay, ams) : pick_adam_l2<T, false>(l2, decay, ams);
  f(s, neg_step, bc2, p, g, m, v, vmax, n);
}

// ---- the table -----------------------------------------------------------------------------------

kd::OpsKernels build_table() {
  kd::OpsKernels t{};
  t.name = KD_OPS_LABEL;
  for (int op = 0; op < kd::kNumUnary; ++op) {
    t.unary[0][op] = unary_table_entry<float>(kd::UnaryOp(op));
    t.unary[1][op] = unary_table_entry<double>(kd::UnaryOp(op));
  }
  for (int op = 0; op < kd::kNumBinary; ++op) {
    const BinaryEntry e = binary_table_entry(kd::BinaryOp(op));
    for (int w = 0; w < 4; ++w) {
      t.binary[0][op][w] = e.f32[w];
      t.binary[1][op][w] = e.f64[w];
    }
    t.scalar_f32[op][0] = e.scalar[0];
    t.scalar_f32[op][1] = e.scalar[1];
  }
  t.reduce[0][int(kd::ReduceOp::sum)] = &reduce_sum<float>;
  t.reduce[0][int(kd::ReduceOp::max)] = &reduce_extreme<true, float>;
  t.reduce[0][int(kd::ReduceOp::min)] = &reduce_extreme<false, float>;
  t.reduce[1][int(kd::ReduceOp::sum)] = &reduce_sum<double>;
  t.reduce[1][int(kd::ReduceOp::max)] = &reduce_extreme<true, double>;
  t.reduce[1][int(kd::ReduceOp::min)] = &reduce_extreme<false, double>;
  t.row_sum[0] = &row_sum_fn<float>;
  t.row_sum[1] = &row_sum_fn<double>;
  t.softmax[0] = &softmax_rows<float>;
  t.softmax[1] = &softmax_rows<double>;
  t.softmax_backward[0] = &softmax_backward_rows<float>;
  t.softmax_backward[1] = &softmax_backward_rows<double>;
  t.sgd[0] = &sgd_update<float>;
  t.sgd[1] = &sgd_update<double>;
  t.adam[0] = &adam_update<float>;
  t.adam[1] = &adam_update<double>;
  return t;
}

}  // namespace KD_NS
}  // namespace

namespace kd {
const OpsKernels KD_OPS_NAME = KD_NS::build_table();
}  // namespace kd

#undef KD_INL
#undef KD_VINL
