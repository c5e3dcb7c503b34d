import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { featureDropout } from "../ops/cnn_index.ts";
import { type DropoutOptions, checkDropoutP, dropout } from "./functional/activation.ts";
import { checkArity, checkOptions } from "../options.ts";
import { Module } from "./module.ts";
import { pyFloat } from "./repr.ts";

export interface DropoutModuleOptions {
  generator?: Generator;
}

/** What Dropout and Dropout2d share (PyTorch's _DropoutNd): p, an optional generator, the repr. */
abstract class DropoutNd extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  protected constructor(where: string, args: IArguments, p: number, opts: DropoutModuleOptions) {
    super();
    checkArity(where, args, 2);
    checkOptions(where, opts, { generator: "object" }, { index: 2 });
    this.p = checkDropoutP(p);
    this.generator = opts.generator;
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}

/**
 * Inverted dropout: in training, zeroes elements with probability p and scales the rest by 1/(1-p);
 * identity in eval mode. Masks come from the default generator (or `generator`).
 */
export class Dropout extends DropoutNd {
  constructor(p = 0.5, opts: DropoutModuleOptions = {}) {
    super("nn.Dropout()", arguments, p, opts);
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }
}

/**
 * Channel dropout (`F.dropout2d`): zeroes whole channels of x [N, C, ...] with probability p and
 * scales the rest by 1/(1-p); identity when not training. Like PyTorch 1.13, a 3-D input is taken as
 * [N, C, L] (channel-wise 1-D dropout), not as an unbatched image.
 */
export function dropout2d(x: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  checkArity("F.dropout2d()", arguments, 3);
  checkOptions("F.dropout2d()", opts, { training: "boolean", generator: "object" }, { index: 3, positional: "training" });
  checkDropoutP(p);
  return featureDropout(x, p, opts.training ?? true, opts.generator);
}

/**
 * Dropout2d: in training, zeroes entire channels of [N, C, H, W] with probability p (one draw per
 * sample and channel) and scales the kept ones by 1/(1-p); identity in eval mode.
 */
export class Dropout2d extends DropoutNd {
  constructor(p = 0.5, opts: DropoutModuleOptions = {}) {
    super("nn.Dropout2d()", arguments, p, opts);
  }

  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, { training: this.training, generator: this.generator });
  }
}
