import { ArgumentError, ShapeError } from "../errors.ts";
import { rand } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { lt, mul } from "./elementwise.ts";
import { castRaw } from "./util.ts";

/**
 * Channel dropout (PyTorch's feature_dropout behind Dropout2d/Dropout3d): zeroes whole channels of
 * x [N, C, ...] with probability p and scales the kept ones by 1/(1-p). Adjacent pixels of a feature
 * map are strongly correlated, so dropping single activations barely regularises a conv net; dropping
 * entire maps does. The mask is one draw per (sample, channel), broadcast over the spatial dims.
 */
export function featureDropout(input: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  Tensor.check(input, "input");
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (input.ndim < 2) throw new ShapeError("Feature dropout requires at least 2 dimensions in the input");
  if (!training || p === 0) return input;
  const dtype = isFloating(input.dtype) ? input.dtype : "float32";
  const noiseShape = [input.shape[0]!, input.shape[1]!, ...input.shape.slice(2).map(() => 1)];
  // p == 1 would scale the (all-zero) mask by 1/0; PyTorch multiplies by zeros instead.
  const keep = p === 1 ? 0 : 1 / (1 - p);
  const kept = castRaw(lt(rand(noiseShape, { dtype, generator }), 1 - p), dtype);
  return mul(input, mul(kept, keep));
}
