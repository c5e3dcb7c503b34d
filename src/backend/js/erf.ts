/**
 * The error function to double precision (within an ulp or so), after the piecewise rational
 * approximations of Sun's fdlibm (s_erf.c), which glibc and most C libraries share:
 *
 *   |x| < 0.84375      erf(x) = x + x * P(x^2) / Q(x^2)
 *   0.84375..1.25      erf(x) = erx + P(s) / Q(s), s = |x| - 1   (erx = erf(1) rounded to 24 bits)
 *   1.25..6            erf(x) = 1 - exp(-z^2 - 0.5625) exp((z - x)(z + x) + R(1/x^2) / S(1/x^2)) / x,
 *                      z = x with its low 32 bits cleared, so z^2 is exact; two fits split at 1/0.35
 *   >= 6               erf(x) = 1 to double precision
 *
 * float32 ops compute it in double and round once.
 */

const EFX = 1.28379167095512586316e-1; // 2/sqrt(pi) - 1
const ERX = 8.45062911510467529297e-1;

// |x| < 0.84375
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
// 0.84375 <= |x| < 1.25
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
// 1.25 <= |x| < 1/0.35
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
// 1/0.35 <= |x| < 6
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

/** c[0] + c[1] t + c[2] t^2 + ..., by Horner's rule from the highest term (fdlibm's evaluation order). */
function poly(c: readonly number[], t: number): number {
  let r = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) r = c[i]! + t * r;
  return r;
}

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);
/** Which Uint32 half holds the low-order bits of a double on this machine. */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** x with the low 32 bits of its significand cleared. */
function highPart(x: number): number {
  word[0] = x;
  halves[LOW] = 0;
  return word[0]!;
}

export function erf(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a === Infinity) return x > 0 ? 1 : -1;
  if (a < 0.84375) {
    // Below 2^-28 the cubic term is under half an ulp.
    if (a < 3.7252902984e-9) return x + EFX * x;
    const z = x * x;
    return x + x * (poly(PP, z) / poly(QQ, z));
  }
  if (a < 1.25) {
    const s = a - 1;
    const r = ERX + poly(PA, s) / poly(QA, s);
    return x > 0 ? r : -r;
  }
  if (a >= 6) return x > 0 ? 1 : -1;
  const s = 1 / (a * a);
  const ratio = a < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
  const z = highPart(a);
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + ratio);
  return x > 0 ? 1 - r / a : r / a - 1;
}

/**
 * The complementary error function from the same fits, as fdlibm's erfc: 1 - erf(x) only where that
 * loses nothing (|x| < 0.84375); beyond, the tail is computed directly, so erfc(10) is 2.1e-45, not 0.
 */
export function erfc(x: number): number {
  if (x !== x) return x;
  const a = Math.abs(x);
  if (a < 0.84375) return 1 - erf(x);
  if (a < 1.25) {
    const s = a - 1;
    const p = poly(PA, s) / poly(QA, s);
    return x > 0 ? 1 - ERX - p : 1 + ERX + p;
  }
  if (x >= 28) return 0;
  if (x <= -6) return 2;
  const s = 1 / (a * a);
  const ratio = a < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
  const z = highPart(a);
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - a) * (z + a) + ratio) / a;
  return x > 0 ? r : 2 - r;
}
