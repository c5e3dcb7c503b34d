/**
 * LBFGS's strong-Wolfe line search, PyTorch 1.13's `_strong_wolfe` and `_cubic_interpolate` (ported
 * there from Torch7's lswolfe.lua / polyinterp.lua), step for step: a bracketing phase that grows the
 * step by cubic extrapolation until an interval holds a point meeting the conditions, then a zoom
 * phase that shrinks it by safeguarded cubic interpolation. Scalars are doubles; PyTorch keeps some
 * of them as 0-d tensors of the parameters' dtype, so float32 runs agree to rounding.
 */
import type { Rounder } from "../dense.ts";
import { type Vec, dot, maxAbs } from "./flat_params.ts";

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to `bounds`
 * (default: between x1 and x2); the bounds' midpoint when the cubic has no minimum.
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: readonly [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** Python's max(a, b) / min(a, b): the first argument unless the second is strictly better (NaN stays). */
const pyMax = (a: number, b: number): number => (b > a ? b : a);
const pyMin = (a: number, b: number): number => (b < a ? b : a);

/** Loss and flat gradient at x + t * d (the parameters are restored afterwards). */
export type DirectionalObjective = (t: number) => [number, Vec];

export interface LineSearchResult {
  f: number;
  g: Vec;
  t: number;
  evals: number;
}

export function strongWolfe(
  obj: DirectionalObjective, t0: number, d: Vec, f: number, g: Vec, gtd: number, fr: Rounder,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25,
): LineSearchResult {
  let t = t0;
  const dNorm = maxAbs(d);
  // PyTorch forms these bounds from 0-d tensors (gtd is one), so in float32 they are float32 values
  // and the loss is rounded to float32 to be compared with them.
  const armijoFails = (fx: number, tx: number): boolean => fr(fx) > fr(fr(f) + fr(c1 * tx * gtd));
  const curvatureHolds = (g: number): boolean => Math.abs(g) <= fr(fr(-c2) * gtd);
  let [fNew, gNew] = obj(t);
  let evals = 1;
  let gtdNew = dot(gNew, d, fr);

  // Bracket an interval containing a point satisfying the Wolfe criteria.
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Vec[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (armijoFails(fNew, t) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (curvatureHolds(gtdNew)) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // Extrapolate, at least 1% past t and at most 10 t.
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    [fNew, gNew] = obj(t);
    evals++;
    gtdNew = dot(gNew, d, fr);
    lsIter++;
  }
  if (lsIter === maxLs) {
    // Out of evaluations: the zoom below does not run, so the bracket needs no slopes.
    [bracket, bracketF, bracketG] = [[0, t], [f, fNew], [g, gNew]];
  }

  // Zoom: shrink the bracket until a point satisfies the criteria.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // Too close to an end of the bracket: move 10% of its width inside, unless the last step made
    // enough progress and t is strictly inside.
    const bMax = pyMax(bracket[0]!, bracket[1]!);
    const bMin = pyMin(bracket[0]!, bracket[1]!);
    const eps = 0.1 * (bMax - bMin);
    if (pyMin(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fNew, gNew] = obj(t);
    evals++;
    gtdNew = dot(gNew, d, fr);
    lsIter++;
    if (armijoFails(fNew, t) || fNew >= bracketF[lowPos]!) {
      // Armijo fails or no lower than the low end: t is the new high end.
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = gNew;
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(gtdNew)) {
        done = true;
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        // The old low end becomes the high end.
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = gNew;
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return { f: bracketF[lowPos]!, g: bracketG[lowPos]!, t: bracket[lowPos]!, evals };
}
