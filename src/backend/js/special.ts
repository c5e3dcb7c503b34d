/**
 * Special functions the op tables' formulas reach as `h.<name>`: lgamma, digamma and PyTorch's trigamma
 * (the gradient of digamma), erfinv and i0, in double precision (float32 ops compute in double and round
 * once). Where PyTorch's own algorithm is coarser than double precision (trigamma's short asymptotic
 * series), it is followed term for term, so gradients agree with PyTorch's rather than with the exact value.
 */
import { erf } from "./erf.ts";

const PI = Math.PI;
const LOG_SQRT_2PI = 0.9189385332046728;
const EULER = 0.5772156649015329;

/** sin(pi x) with the argument reduced exactly first (pi x itself loses the fraction of a large x). */
function sinPi(x: number): number {
  const r = x - 2 * Math.floor(x / 2);
  return Math.sin(PI * (r > 1 ? r - 2 : r));
}

// Lanczos' approximation, g = 7, nine terms: Gamma(x + 1) = sqrt(2 pi) t^(x + 1/2) e^-t A(x), t = x + g + 1/2.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

// zeta(k) for k = 2..10: the Taylor coefficients of lgamma(1 + z) = -gamma z + sum (-1)^k zeta(k) z^k / k.
const ZETA = [PI ** 2 / 6, 1.2020569031595942, PI ** 4 / 90, 1.0369277551433699, PI ** 6 / 945, 1.0083492773819228,
  PI ** 8 / 9450, 1.0020083928260822, PI ** 10 / 93555];

/** lgamma(1 + z) for small |z|, where Lanczos' sum would lose the leading digits of a result near 0. */
function lgammaNearOne(z: number): number {
  let s = 0;
  for (let k = ZETA.length + 1; k >= 2; k--) s = z * ((k % 2 === 0 ? 1 : -1) * ZETA[k - 2]! / k + s);
  return z * (s - EULER);
}

/** log|Gamma(x)| as C's lgamma: +inf at 0 and the negative integers, +inf at both infinities. */
export function lgamma(x: number): number {
  if (x !== x) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x <= 0 && Math.floor(x) === x) return Infinity;
  // +0 exactly, as C's (the series below gives 0 * negative = -0)
  if (x === 1 || x === 2) return 0;
  if (Math.abs(x - 1) < 0.02) return lgammaNearOne(x - 1);
  if (Math.abs(x - 2) < 0.02) return lgammaNearOne(x - 2) + Math.log1p(x - 2);
  if (x < 0.5) return Math.log(PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return LOG_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// B_2k / 2k for k = 7..1: the asymptotic series psi(x) ~ log x - 1/2x - sum B_2k / (2k x^2k).
const DIGAMMA_SERIES = [1 / 12, -691 / 32760, 1 / 132, -1 / 240, 1 / 252, -1 / 120, 1 / 12];

/** The digamma function as PyTorch's: -inf at +0 and +inf at -0, NaN at the negative integers and -inf. */
export function digamma(x: number): number {
  if (x === 0) return 1 / x < 0 ? Infinity : -Infinity;
  if (x < 0) {
    if (x === Math.trunc(x)) return NaN;
    // The reflection psi(1 - x) - pi / tan(pi x), with tan taken of the fraction of x (exact).
    return digamma(1 - x) - PI / Math.tan(PI * (x - Math.trunc(x)));
  }
  let r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  if (x === 10) return r + 2.251752589066721;
  let y = 0;
  if (x < 1e17) {
    const z = 1 / (x * x);
    let p = 0;
    for (const c of DIGAMMA_SERIES) p = p * z + c;
    y = z * p;
  }
  return r + Math.log(x) - 0.5 / x - y;
}

const F32_PI = Math.fround(PI);

/**
 * PyTorch's trigamma (polygamma(1, x)): reflection below 1/2, six shifts, then four terms of the series.
 * In float32 the reflection's sin(pi x) is of the float32 product, as PyTorch's float kernel takes it.
 */
export function trigamma(x: number, f32: boolean): number {
  let sign = 1;
  let r = 0;
  if (x < 0.5) {
    sign = -1;
    const s = f32 ? Math.fround(Math.sin(Math.fround(F32_PI * x))) : Math.sin(PI * x);
    r -= (f32 ? Math.fround(F32_PI * F32_PI) : PI * PI) / (f32 ? Math.fround(s * s) : s * s);
    x = 1 - x;
  }
  for (let i = 0; i < 6; i++) {
    r += 1 / (x * x);
    x += 1;
  }
  const ixx = 1 / (x * x);
  r += (1 + 1 / (2 * x) + ixx * (1 / 6 - ixx * (1 / 30 - ixx * (1 / 42)))) / x;
  return sign * r;
}

/**
 * The inverse error function: a rational first guess (Giles' single-precision fit, in w = -log(1 - y^2)),
 * then two Newton steps on erf, which bring it to double precision as PyTorch's does.
 */
export function erfinv(y: number): number {
  if (!(y >= -1 && y <= 1)) return NaN;
  if (y === 1 || y === -1) return y * Infinity;
  if (y === 0) return y;
  let w = -Math.log((1 - y) * (1 + y));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  let x = p * y;
  for (let i = 0; i < 2; i++) x -= (erf(x) - y) / (1.1283791670955126 * Math.exp(-x * x));
  return x;
}

/**
 * The modified Bessel functions I0 and I1 by their power series, sum (x^2/4)^k / (k! (k + n)!) times
 * (x/2)^n: every term positive, so the sum keeps double precision (about |x| terms). PyTorch scales by
 * exp(|x|) and so overflows where exp does (|x| > 709.78, or 88.72 in float32), though I0 itself would not:
 * `limit` is that threshold.
 */
function besselI(x: number, n: 0 | 1, limit: number): number {
  const a = Math.abs(x);
  // PyTorch's exp(|x|) * series(32/|x| - 2) / sqrt(|x|) is inf / inf at the infinities.
  if (a !== a || a === Infinity) return NaN;
  if (a > limit) return n === 1 && x < 0 ? -Infinity : Infinity;
  const q = (a * a) / 4;
  let term = n === 0 ? 1 : a / 2;
  let sum = term;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * (k + n));
    sum += term;
  }
  return n === 1 && x < 0 ? -sum : sum;
}

export const i0 = (x: number, f32: boolean): number => besselI(x, 0, f32 ? 88.72283935546875 : 709.782712893384);
export const i1 = (x: number, f32: boolean): number => besselI(x, 1, f32 ? 88.72283935546875 : 709.782712893384);
