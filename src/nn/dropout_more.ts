import type { Tensor } from "../tensor/tensor.ts";
import { DropoutNd, type DropoutModuleOptions } from "./dropout.ts";
import { alphaDropout, dropout1d, dropout3d, featureAlphaDropout } from "./functional/dropout_more.ts";

/**
 * Dropout1d and Dropout3d (whole channels of [N, C, L] / [N, C, D, H, W], unbatched input too),
 * AlphaDropout and FeatureAlphaDropout (SELU networks: mean and variance kept). Identity in eval mode.
 * Constructed as nn.Dropout: `(p)`, `(p, inplace)` or `({ p, inplace, generator })`.
 */
type Args = [p?: number | (DropoutModuleOptions & { p?: number }), opts?: boolean | DropoutModuleOptions];

export class Dropout1d extends DropoutNd {
  /** @internal */ static override readonly builtinName: string = "Dropout1d";
  constructor(...[_p, _opts]: Args) {
    super("nn.Dropout1d()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return dropout1d(x, this.p, this.options);
  }
}

export class Dropout3d extends DropoutNd {
  /** @internal */ static override readonly builtinName: string = "Dropout3d";
  constructor(...[_p, _opts]: Args) {
    super("nn.Dropout3d()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return dropout3d(x, this.p, this.options);
  }
}

export class AlphaDropout extends DropoutNd {
  /** @internal */ static override readonly builtinName: string = "AlphaDropout";
  constructor(...[_p, _opts]: Args) {
    super("nn.AlphaDropout()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.options);
  }
}

export class FeatureAlphaDropout extends DropoutNd {
  /** @internal */ static override readonly builtinName: string = "FeatureAlphaDropout";
  constructor(...[_p, _opts]: Args) {
    super("nn.FeatureAlphaDropout()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return featureAlphaDropout(x, this.p, this.options);
  }
}
