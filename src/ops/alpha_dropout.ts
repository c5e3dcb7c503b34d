import { ArgumentError, ShapeError } from "../errors.ts";
import { rand } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, lt, mul, sub } from "./elementwise.ts";
import { castRaw } from "./util.ts";

/** SELU's negative saturation value -lambda*alpha: where a dropped activation lands before the affine fix-up. */
const ALPHA = 1.7580993408473766;

/**
 * Alpha dropout (PyTorch's _dropout_impl with alpha_dropout): keeps SELU's self-normalising mean 0 and
 * variance 1. Dropped values go to -ALPHA instead of 0, then y = a * (x*keep + -ALPHA*(1-keep)) + b with
 * a = 1/sqrt((ALPHA^2 p + 1)(1-p)) and b = ALPHA*a*p. With `feature`, one draw per (sample, channel),
 * as FeatureAlphaDropout. p == 1 multiplies by zero, as PyTorch does.
 */
export function alphaDropoutOp(input: Tensor, p: number, training: boolean, feature: boolean, generator?: Generator): Tensor {
  Tensor.check(input, "input");
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (p === 0 || !training || input.numel() === 0) return input;
  if (feature && input.ndim < 2) throw new ShapeError("Feature dropout requires at least 2 dimensions in the input");
  if (p === 1) return mul(input, 0);
  const dtype = isFloating(input.dtype) ? input.dtype : "float32";
  const noiseShape = feature ? [input.shape[0]!, input.shape[1]!, ...input.shape.slice(2).map(() => 1)] : [...input.shape];
  const keep = castRaw(lt(rand(noiseShape, { dtype, generator }), 1 - p), dtype);
  const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
  // b = (keep - 1) * ALPHA * a + ALPHA * a * p: the shift of the dropped values and the mean correction.
  const b = add(mul(sub(keep, 1), ALPHA * a), ALPHA * a * p);
  return add(mul(input, mul(keep, a)), b);
}
