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

// The op list (name, loop, functor) is KD_UNARY_OPS from kd_ops_generated.h.
template <class T>
kd::UnaryFn unary_table_entry(kd::UnaryOp op) {
#define KD_UNARY_CASE(name, loop, functor, cost) \
  case kd::UnaryOp::name:                        \
    return &loop<functor, T>;
  switch (op) {
    KD_UNARY_OPS(KD_UNARY_CASE)
    default: return nullptr;
  }
#undef KD_UNARY_CASE
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

// The op lists (name, functor) are KD_ARITH_OPS and KD_COMPARE_OPS from kd_ops_generated.h.
BinaryEntry binary_table_entry(kd::BinaryOp op) {
  using U8 = unsigned char;
#define KD_ARITH_CASE(name, functor) \
  case kd::BinaryOp::name:           \
    return binary_entry<functor, float, double>();
#define KD_COMPARE_CASE(name, functor) \
  case kd::BinaryOp::name:             \
    return binary_entry<functor, U8, U8>();
  switch (op) {
    KD_ARITH_OPS(KD_ARITH_CASE)
    KD_COMPARE_OPS(KD_COMPARE_CASE)
    default: return BinaryEntry{};
  }
#undef KD_ARITH_CASE
#undef KD_COMPARE_CASE
}
