// exp, expm1, log, tanh and sigmoid over vectors of doubles (GCC/Clang vector extensions), for the
// elementwise kernels. Included by kd_ops_kernels.h inside its per-ISA namespace, after KD_VINL
// (always-inline + the ISA's target attribute) and KD_VBYTES (vector width in bytes) are defined.
//
// Accuracy: within ~1 ulp of the correctly rounded double result (the JS backend calls V8's fdlibm
// ports, also within 1 ulp), so float32 results -- computed in double and rounded once, as JS does
// -- agree with the JS backend bit for bit except when the exact value lies within a couple of
// double ulps of a float rounding boundary. Specials: NaN in, NaN out; exp(+-inf) = inf / 0;
// log(0) = -inf, log(x < 0) = NaN, log(inf) = inf.
//
// log is fdlibm's __ieee754_log (its general formula for every input, no branches); exp and expm1
// reduce x = k ln2 + r with |r| <= ln2/2 (Cody-Waite, fdlibm's split of ln2) and sum expm1(r)'s
// Taylor series to r^13 (truncation < 2^-56 relative).

typedef double vd __attribute__((vector_size(KD_VBYTES)));
typedef long long vi __attribute__((vector_size(KD_VBYTES)));
typedef float vf __attribute__((vector_size(KD_VBYTES / 2)));
constexpr int kVD = KD_VBYTES / 8;  // doubles per vector

KD_VINL vd splat(double x) {
  vd v;
  for (int i = 0; i < kVD; ++i) v[i] = x;
  return v;
}
KD_VINL vi splat_i(long long x) {
  vi v;
  for (int i = 0; i < kVD; ++i) v[i] = x;
  return v;
}
KD_VINL vi as_i(vd x) { return (vi)x; }
KD_VINL vd as_d(vi x) { return (vd)x; }
// m ? a : b lane-wise, m being a comparison result (all ones or all zeros per lane).
KD_VINL vd sel(vi m, vd a, vd b) { return as_d((m & as_i(a)) | (~m & as_i(b))); }
KD_VINL vi sel_i(vi m, vi a, vi b) { return (m & a) | (~m & b); }

constexpr double kMagicRound = 6755399441055744.0;  // 0x1.8p52: x + it - it rounds x to an integer
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000: k * kLn2Hi is exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;

// An integer-valued double k (|k| < 2^51) as an int64 lane.
KD_VINL vi to_int(vd k) { return as_i(k + splat(kMagicRound)) - as_i(splat(kMagicRound)); }
// A small int64 lane as a double.
KD_VINL vd to_double(vi k) { return as_d(k + as_i(splat(kMagicRound))) - splat(kMagicRound); }
// 2^k for -1022 <= k <= 1023.
KD_VINL vd pow2(vi k) { return as_d((k + splat_i(1023)) << 52); }

// x = k ln2 + r, |r| <= ln2/2 (x finite and |x| < 2^40); returns expm1(r), sets k.
KD_VINL vd expm1_reduced(vd x, vd& k) {
  k = (x * splat(kInvLn2) + splat(kMagicRound)) - splat(kMagicRound);
  const vd r = (x - k * splat(kLn2Hi)) - k * splat(kLn2Lo);
  // Taylor coefficients 1/2!, ..., 1/13!.
  vd q = splat(1.0 / 6227020800.0);
  q = q * r + splat(1.0 / 479001600.0);
  q = q * r + splat(1.0 / 39916800.0);
  q = q * r + splat(1.0 / 3628800.0);
  q = q * r + splat(1.0 / 362880.0);
  q = q * r + splat(1.0 / 40320.0);
  q = q * r + splat(1.0 / 5040.0);
  q = q * r + splat(1.0 / 720.0);
  q = q * r + splat(1.0 / 120.0);
  q = q * r + splat(1.0 / 24.0);
  q = q * r + splat(1.0 / 6.0);
  q = q * r + splat(0.5);
  return r + (r * r) * q;
}

KD_VINL vd v_exp(vd x) {
  // Clamp (NaN stays NaN: comparisons with it are false) to where the result is 0 or inf anyway.
  x = sel(x < splat(-746.0), splat(-746.0), x);
  x = sel(x > splat(710.0), splat(710.0), x);
  vd k;
  const vd y = splat(1.0) + expm1_reduced(x, k);
  // 2^k in two factors, each a normal double for k in [-1076, 1024].
  const vi ki = to_int(k);
  const vi k1 = ki >> 1;
  return (y * pow2(k1)) * pow2(ki - k1);
}

KD_VINL vd v_expm1(vd x) {
  x = sel(x < splat(-60.0), splat(-60.0), x);
  x = sel(x > splat(710.0), splat(710.0), x);
  vd k;
  const vd p = expm1_reduced(x, k);
  const vi ki = to_int(k);
  // expm1(x) = 2^k (1 + p) - 1 = 2^k p + (2^k - 1): exact scaling, one rounding. Above 40, 1 is
  // below half an ulp of exp(x), so exp's form (which handles k up to 1024) is the same number.
  const vi kc = sel_i(ki > splat_i(100), splat_i(100), ki);
  const vd s = pow2(kc);
  const vd small = s * p + (s - splat(1.0));
  const vi k1 = ki >> 1;
  const vd big = ((splat(1.0) + p) * pow2(k1)) * pow2(ki - k1);
  const vd r = sel(k == splat(0.0), p, sel(x > splat(40.0), big, small));
  return sel(x == splat(0.0), x, r);  // expm1(-0) = -0
}

KD_VINL vd v_log(vd x) {
  constexpr double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                   Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                   Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                   Lg7 = 1.479819860511658591e-01;
  // Subnormals: scale into the normal range first.
  const vi sub = x < splat(2.2250738585072014e-308);
  const vd xs = sel(sub, x * splat(18014398509481984.0), x);  // 2^54
  const vi bits = as_i(xs);
  vi hx = bits >> 32;
  vi k = ((hx >> 20) & splat_i(0x7ff)) - splat_i(1023) + (sub & splat_i(-54));
  hx &= splat_i(0x000fffff);
  const vi i = (hx + splat_i(0x95f64)) & splat_i(0x100000);
  // Mantissa scaled into [sqrt(2)/2, sqrt(2)).
  const vd m = as_d(((hx | (i ^ splat_i(0x3ff00000))) << 32) | (bits & splat_i(0xffffffffLL)));
  k += i >> 20;
  const vd f = m - splat(1.0);
  const vd hfsq = splat(0.5) * f * f;
  const vd s = f / (splat(2.0) + f);
  const vd dk = to_double(k);
  const vd z = s * s;
  const vd w = z * z;
  const vd t1 = w * (splat(Lg2) + w * (splat(Lg4) + w * splat(Lg6)));
  const vd t2 = z * (splat(Lg1) + w * (splat(Lg3) + w * (splat(Lg5) + w * splat(Lg7))));
  const vd R = t2 + t1;
  vd r = dk * splat(kLn2Hi) - ((hfsq - (s * (hfsq + R) + dk * splat(kLn2Lo))) - f);
  const double inf = __builtin_inf();
  r = sel(x == splat(inf), splat(inf), r);
  r = sel(x == splat(0.0), splat(-inf), r);
  r = sel(x < splat(0.0), splat(__builtin_nan("")), r);
  return sel(x != x, x, r);
}

// tanh(x) = sign(x) * -u / (2 + u), u = expm1(-2|x|): no cancellation anywhere, exact +-0.
KD_VINL vd v_tanh(vd x) {
  const vi sign = splat_i((long long)(1ULL << 63));
  const vd ax = as_d(as_i(x) & ~sign);
  const vd u = v_expm1(splat(-2.0) * ax);
  const vd t = -u / (splat(2.0) + u);
  return as_d((as_i(t) & ~sign) | (as_i(x) & sign));
}

// The JS formula: x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); both exponentiate -|x|.
KD_VINL vd v_sigmoid(vd x) {
  const vi sign = splat_i((long long)(1ULL << 63));
  const vd t = v_exp(as_d(as_i(x) | sign));
  const vd d = splat(1.0) + t;
  return sel(x >= splat(0.0), splat(1.0) / d, t / d);
}
