/**
 * F.dropout1d, F.dropout3d, F.alphaDropout and F.featureAlphaDropout, with PyTorch's
 * (input, p=0.5, training, inplace=False) parameters plus kindling's `generator`.
 */
import { alphaDropoutOp } from "../../ops/alpha_dropout.ts";
import { featureDropout } from "../../ops/feature_dropout.ts";
import { ShapeError } from "../../errors.ts";
import type { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type DropoutFn, dropoutFn } from "./activation_inplace.ts";

const warned = new Set<string>();

/** Channel dropout on an input with an optional batch dim: unbatched input is run as a batch of one. */
function batchedFeatureDropout(x: Tensor, batchedDims: number, p: number, training: boolean, generator: Generator | undefined): Tensor {
  if (x.ndim === batchedDims) return featureDropout(x, p, training, generator);
  return featureDropout(x.unsqueeze(0), p, training, generator).squeeze(0);
}

/**
 * F.dropout1d: zeroes whole channels of [N, C, L] (or unbatched [C, L]) with probability p and scales
 * the rest by 1/(1-p).
 */
export const dropout1d: DropoutFn = /* @__PURE__ */ dropoutFn("dropout1d", (x, p, training, generator) => {
  if (x.ndim !== 2 && x.ndim !== 3) {
    throw new ShapeError(
      `dropout1d: Expected 2D or 3D input, but received a ${x.ndim}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 ` +
        "spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).",
    );
  }
  return batchedFeatureDropout(x, 3, p, training, generator);
});

/**
 * F.dropout3d: zeroes whole channels of [N, C, D, H, W] (or unbatched [C, D, H, W]). Other ranks are
 * taken as unbatched with a warning, as PyTorch 1.13 does.
 */
export const dropout3d: DropoutFn = /* @__PURE__ */ dropoutFn("dropout3d", (x, p, training, generator) => {
  if ((x.ndim !== 4 && x.ndim !== 5) && !warned.has("dropout3d")) {
    warned.add("dropout3d");
    console.warn(
      `dropout3d: Received a ${x.ndim}-D input to dropout3d, which is deprecated and will result in an error in a future release. To retain the behavior ` +
        "and silence this warning, please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 spatial dimensions, " +
        "a channel dimension, and an optional batch dimension (i.e. 4D or 5D inputs).",
    );
  }
  return batchedFeatureDropout(x, 5, p, training, generator);
});

const alphaFn = (name: string, feature: boolean): DropoutFn =>
  dropoutFn(name, (x, p, training, generator) => alphaDropoutOp(x, p, training, feature, generator), false);

/**
 * F.alphaDropout(input, p=0.5, training=False): dropout for SELU networks that keeps mean 0 and
 * variance 1 (dropped values go to SELU's saturation, then an affine correction). Off unless `training`.
 */
export const alphaDropout: DropoutFn = /* @__PURE__ */ alphaFn("alphaDropout", false);

/** F.featureAlphaDropout(input, p=0.5, training=False): alpha dropout of whole channels of [N, C, ...]. */
export const featureAlphaDropout: DropoutFn = /* @__PURE__ */ alphaFn("featureAlphaDropout", true);
