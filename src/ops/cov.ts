import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { log } from "../log.ts";
import { checkOptions } from "../options.ts";
import { getDefaultDType } from "../tensor/default_dtype.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { matmul } from "./matmul.ts";
import { scalarTypeName } from "./promotion.ts";
import { sum } from "./reduce.ts";
import { castRaw } from "./util.ts";
import { reshape, squeeze, transpose, unsqueeze } from "./views.ts";
import { diagonal } from "./shape_extra_diag.ts";

/**
 * torch.cov and torch.corrcoef, composed of sums and a matrix product (so their gradients are
 * those ops'): rows are variables, columns observations, weighted by integer frequencies and
 * float importance weights as in numpy.cov.
 */

export interface CovOptions {
  /** Subtracted from the (weighted) observation count; 1 is Bessel's correction. */
  correction?: number;
  /** Integer repeat counts per observation. */
  fweights?: Tensor | null;
  /** Floating importance weights per observation. */
  aweights?: Tensor | null;
}

function checkWeights(w: Tensor, name: string, observations: number, integral: boolean): void {
  Tensor.check(w, name);
  if (w.ndim > 1) throw new ShapeError(`cov(): expected ${name} to have one or fewer dimensions but got ${name} with ${w.ndim} dimensions`);
  if (integral && isFloating(w.dtype)) throw new DTypeError(`cov(): expected ${name} to have integral dtype but got ${name} with ${scalarTypeName(w.dtype)} dtype`);
  if (!integral && !isFloating(w.dtype)) {
    throw new DTypeError(`cov(): expected ${name} to have floating point dtype but got ${name} with ${scalarTypeName(w.dtype)} dtype`);
  }
  if (w.numel() !== observations) {
    throw new ShapeError(`cov(): expected ${name} to have the same numel as there are observations in the input but got ${w.numel()} != ${observations}`);
  }
  if (observations > 0 && (w.min().item() as number) < 0) throw new ArgumentError(`cov(): ${name} cannot be negative`);
}

/** torch.cov(input, { correction = 1, fweights, aweights }): the covariance of input's rows (a scalar for one variable). */
export function cov(input: Tensor, opts: CovOptions = {}): Tensor {
  Tensor.check(input, "input");
  checkOptions("cov()", opts, { correction: "int", fweights: "any", aweights: "any" }, { index: 2 });
  if (input.ndim > 2) throw new ShapeError(`cov(): expected input to have two or fewer dimensions but got an input with ${input.ndim} dimensions`);
  const X0 = isFloating(input.dtype) ? input : castRaw(input, getDefaultDType());
  const X = X0.ndim < 2 ? reshape(X0, [1, -1]) : X0;
  const observations = X.shape[1]!;
  const correction = opts.correction ?? 1;
  const { fweights, aweights } = opts;
  if (fweights) checkWeights(fweights, "fweights", observations, true);
  if (aweights) checkWeights(aweights, "aweights", observations, false);
  let w: Tensor | null = fweights ? castRaw(fweights, X.dtype) : null;
  if (aweights) w = w === null ? aweights : E.mul(w, aweights);
  const wSum = w === null ? observations : sum(w);
  const avg = E.div(sum(w === null ? X : E.mul(X, w), 1), wSum);
  let norm: Tensor | number;
  if (w !== null && correction !== 0) {
    const adjust = aweights ? E.mul(E.div(sum(E.mul(w, aweights)), wSum), correction) : correction;
    norm = E.sub(wSum, adjust);
  } else {
    norm = typeof wSum === "number" ? wSum - correction : E.sub(wSum, correction);
  }
  const normValue = typeof norm === "number" ? norm : (norm.item() as number);
  if (normValue <= 0) {
    log("warn", "cov(): degrees of freedom is <= 0");
    // PyTorch zeroes the factor, so the division gives inf and NaN.
    norm = 0;
  }
  const centered = E.sub(X, unsqueeze(avg, 1));
  const c = matmul(centered, transpose(w === null ? centered : E.mul(centered, w), 0, 1));
  return squeeze(E.div(c, norm));
}

/** torch.corrcoef(input): Pearson correlation coefficients of input's rows, clipped to [-1, 1]. */
export function corrcoef(input: Tensor): Tensor {
  Tensor.check(input, "input");
  if (input.ndim > 2) throw new ShapeError(`corrcoef(): expected input to have two or fewer dimensions but got an input with ${input.ndim} dimensions`);
  const c = cov(input);
  if (c.ndim === 0) return E.div(c, c);
  const std = E.sqrt(diagonal(c));
  const scaled = E.div(E.div(c, unsqueeze(std, 1)), unsqueeze(std, 0));
  return E.clamp(scaled, -1, 1);
}
