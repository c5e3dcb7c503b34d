// Elementwise kernels: unary ops, and binary ops over the four innermost walks (VV, VS, SV, strided).
// Textually included by kd_ops_kernels.h inside its per-ISA namespace (after kd_vmath.h and the
// load/store helpers); not a standalone header.

// ---- unary ops ---------------------------------------------------------------------------------

// Ops whose JS formula is exact in T (or rounds like T's own op).
struct UNeg { template <class T> static KD_INL T f(T x) { return -x; } };
struct UAbs { template <class T> static KD_INL T f(T x) { return std::fabs(x); } };
struct USqrt { template <class T> static KD_INL T f(T x) { return std::sqrt(x); } };
struct URelu { template <class T> static KD_INL T f(T x) { return x > T(0) ? x : (x == x ? T(0) : x); } };
struct USquare { template <class T> static KD_INL T f(T x) { return x * x; } };
// NaN and -0 give +0, as PyTorch 1.13's sign.
struct USign { template <class T> static KD_INL T f(T x) { return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0)); } };
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
// Blocks the gradient y where x <= 0 and passes it elsewhere, NaN x included (threshold_backward).
struct BReluGrad { template <class T> static KD_INL T f(T x, T y) { return x <= T(0) ? T(0) : y; } };
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
