import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkDropoutP, dropout } from "./functional/activation.ts";
import { Module } from "./module.ts";
import { pyFloat } from "./repr.ts";

/**
 * Inverted dropout: in training, zeroes elements with probability p and scales the rest by 1/(1-p);
 * identity in eval mode. Masks come from the default generator (or `generator`).
 */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: { generator?: Generator } = {}) {
    super();
    this.p = checkDropoutP(p);
    this.generator = opts.generator;
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, generator: this.generator });
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
