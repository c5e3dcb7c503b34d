/**
 * LBFGS's strong-Wolfe line search, PyTorch 1.13's `_strong_wolfe` and `_cubic_interpolate` (ported
 * there from Torch7's lswolfe.lua / polyinterp.lua), step for step: a bracketing phase that grows the
 * step by cubic extrapolation until an interval holds a point meeting the conditions, then a zoom
 * phase that shrinks it by safeguarded cubic interpolation. Scalars keep PyTorch's kinds (Python
 * float or 0-d tensor, see scalar.ts) so float32 runs round, and branch, as PyTorch's do.
 */
import { type Arith, type Num, py } from "./scalar.ts";
import { type Vec, dot, maxAbs } from "./flat_params.ts";

/**
 * The minimiser of the cubic through (x1, f1) and (x2, f2) with slopes g1, g2, clamped to `bounds`
 * (default: between x1 and x2); the bounds' midpoint when the cubic has no minimum.
 */
export function cubicInterpolate(A: Arith, x1: Num, f1: Num, g1: Num, x2: Num, f2: Num, g2: Num, bounds?: readonly [Num, Num]): Num {
  const [lo, hi] = bounds ?? (A.le(x1, x2) ? [x1, x2] : [x2, x1]);
  const d1 = A.sub(A.add(g1, g2), A.div(A.mul(py(3), A.sub(f1, f2)), A.sub(x1, x2)));
  const d2Square = A.sub(A.mul(d1, d1), A.mul(g1, g2));
  if (A.ge(d2Square, py(0))) {
    const d2 = A.sqrt(d2Square);
    const minPos = A.le(x1, x2)
      ? A.sub(x2, A.mul(A.sub(x2, x1), A.div(A.sub(A.add(g2, d2), d1), A.add(A.sub(g2, g1), A.mul(py(2), d2)))))
      : A.sub(x1, A.mul(A.sub(x1, x2), A.div(A.sub(A.add(g1, d2), d1), A.add(A.sub(g1, g2), A.mul(py(2), d2)))));
    return A.min(A.max(minPos, lo), hi);
  }
  return A.div(A.add(lo, hi), py(2));
}

/** Loss and flat gradient at x + t * d (the parameters are restored afterwards). */
export type DirectionalObjective = (t: Num) => [number, Vec];

export interface LineSearchResult {
  f: number;
  g: Vec;
  t: Num;
  evals: number;
}

/**
 * Finds a step t along d from the loss f, gradient g and slope gtd (a 0-d tensor, g'd) at the start.
 * Returns the loss and gradient at x + t d and the closure evaluations used.
 */
export function strongWolfe(
  A: Arith, obj: DirectionalObjective, t0: Num, d: Vec, f0: number, g: Vec, gtd: Num,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25,
): LineSearchResult {
  const f = py(f0);
  const fr = (x: number): number => A.ts(x).v;
  const slope = (gv: Vec): Num => A.ts(dot(gv, d, fr));
  const armijoFails = (fx: Num, tx: Num): boolean => A.gt(fx, A.add(f, A.mul(A.mul(py(c1), tx), gtd)));
  const curvatureHolds = (gx: Num): boolean => A.le(A.abs(gx), A.mul(py(-c2), gtd));
  let t = t0;
  const dNorm = A.ts(maxAbs(d));
  let [fv, gNew] = obj(t);
  let fNew = py(fv);
  let evals = 1;
  let gtdNew = slope(gNew);

  // Bracket an interval containing a point satisfying the Wolfe criteria.
  let tPrev: Num = py(0);
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: Num[] = [];
  let bracketF: Num[] = [];
  let bracketG: Vec[] = [];
  let bracketGtd: Num[] = [];
  while (lsIter < maxLs) {
    // No sufficient decrease (or no lower than the last point), or the slope turned non-negative: the
    // interval [tPrev, t] holds a point; the strong curvature condition met (and decrease): t is one.
    const noDecrease = armijoFails(fNew, t) || (lsIter > 1 && fNew.v >= fPrev.v);
    if (!noDecrease && curvatureHolds(gtdNew)) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (noDecrease || A.ge(gtdNew, py(0))) {
      [bracket, bracketF, bracketG, bracketGtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // Extrapolate, at least 1% past t and at most to 10 t.
    const minStep = A.add(t, A.mul(py(0.01), A.sub(t, tPrev)));
    const maxStep = A.mul(t, py(10));
    const tmp = t;
    t = cubicInterpolate(A, tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp;
    fPrev = fNew;
    gPrev = gNew;
    gtdPrev = gtdNew;
    [fv, gNew] = obj(t);
    fNew = py(fv);
    evals++;
    gtdNew = slope(gNew);
    lsIter++;
  }
  if (lsIter === maxLs) {
    // Out of evaluations: the zoom below does not run, so the bracket needs no slopes.
    [bracket, bracketF, bracketG] = [[py(0), t], [f, fNew], [g, gNew]];
  }

  // Zoom: shrink the bracket until a point satisfies the criteria.
  let insufProgress = false;
  const put = (i: number, tv: Num, fv: Num, gv: Vec, gtdv: Num): void => {
    bracket[i] = tv;
    bracketF[i] = fv;
    bracketG[i] = gv;
    bracketGtd[i] = gtdv;
  };
  let [lowPos, highPos] = A.le(bracketF[0]!, bracketF[bracketF.length - 1]!) ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (A.lt(A.mul(A.abs(A.sub(bracket[1]!, bracket[0]!)), dNorm), py(toleranceChange))) break;
    t = cubicInterpolate(A, bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // Too close to an end of the bracket: move 10% of its width inside, unless the last step made
    // enough progress and t is strictly inside.
    const bMax = A.max(bracket[0]!, bracket[1]!);
    const bMin = A.min(bracket[0]!, bracket[1]!);
    const eps = A.mul(py(0.1), A.sub(bMax, bMin));
    if (A.lt(A.min(A.sub(bMax, t), A.sub(t, bMin)), eps)) {
      if (insufProgress || A.ge(t, bMax) || A.le(t, bMin)) {
        t = A.lt(A.abs(A.sub(t, bMax)), A.abs(A.sub(t, bMin))) ? A.sub(bMax, eps) : A.add(bMin, eps);
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    [fv, gNew] = obj(t);
    fNew = py(fv);
    evals++;
    gtdNew = slope(gNew);
    lsIter++;
    if (armijoFails(fNew, t) || fNew.v >= bracketF[lowPos]!.v) {
      // Armijo fails or no lower than the low end: t is the new high end.
      put(highPos, t, fNew, gNew, gtdNew);
      [lowPos, highPos] = A.le(bracketF[0]!, bracketF[1]!) ? [0, 1] : [1, 0];
    } else {
      if (curvatureHolds(gtdNew)) {
        done = true;
      } else if (A.ge(A.mul(gtdNew, A.sub(bracket[highPos]!, bracket[lowPos]!)), py(0))) {
        // The old low end becomes the high end.
        put(highPos, bracket[lowPos]!, bracketF[lowPos]!, bracketG[lowPos]!, bracketGtd[lowPos]!);
      }
      put(lowPos, t, fNew, gNew, gtdNew);
    }
  }
  return { f: bracketF[lowPos]!.v, g: bracketG[lowPos]!, t: bracket[lowPos]!, evals };
}
