import { lgamma } from "../backend/js/special.ts";
import type { Generator } from "./random.ts";

/**
 * Scalar samplers over a kindling Generator (xoshiro128**, not PyTorch's mt19937, so the streams differ
 * from PyTorch's; the distributions are the same). Each fills `out` in place; `out` is a flat typed array.
 */
export type Sink = { length: number; [i: number]: number };

/** Uniform in (0, 1]: the log and tan transforms below never see 0. */
const open = (g: Generator): number => 1 - g.random();

/** Exponential(lambda): -log(u) / lambda; lambda 0 gives inf, as PyTorch. */
export function fillExponential(g: Generator, out: Sink, lambda: number): void {
  for (let i = 0; i < out.length; i++) out[i] = -Math.log(open(g)) / lambda;
}

/** Geometric(p) on {1, 2, ...}: the number of Bernoulli(p) trials to the first success. */
export function fillGeometric(g: Generator, out: Sink, p: number): void {
  const l = Math.log1p(-p);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(1, Math.ceil(Math.log(open(g)) / l));
}

/** Cauchy(median, sigma): the quantile function at a uniform draw. */
export function fillCauchy(g: Generator, out: Sink, median: number, sigma: number): void {
  for (let i = 0; i < out.length; i++) out[i] = median + sigma * Math.tan(Math.PI * (g.random() - 0.5));
}

/** Uniform integers in [lo, hi] (inclusive: hi may be the top of a dtype's range). */
export function fillIntegers(g: Generator, out: Sink, lo: number, hi: number): void {
  const n = hi - lo + 1;
  for (let i = 0; i < out.length; i++) out[i] = lo + g.randomInt(n);
}

/**
 * Poisson(rate): counting uniform products for small rates, Hörmann's transformed rejection (PTRS, the
 * method PyTorch's CPU kernel uses) from rate 10 up, so large rates cost O(1) draws.
 */
export function poissonSample(g: Generator, rate: number): number {
  if (rate === 0) return 0;
  if (rate < 10) {
    const limit = Math.exp(-rate);
    let k = 0;
    for (let prod = g.random(); prod > limit; prod *= g.random()) k++;
    return k;
  }
  const slam = Math.sqrt(rate);
  const loglam = Math.log(rate);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = g.random() - 0.5;
    const v = g.random();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor((2 * a / us + b) * u + rate + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -rate + k * loglam - lgamma(k + 1)) return k;
  }
}
