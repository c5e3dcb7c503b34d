import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkDropoutP } from "./functional/activation.ts";
import { type DropoutOptions, dropout, dropout2d } from "./functional/activation_inplace.ts";
import { checkArity, keywordArgs } from "../options.ts";
import { Module } from "./module.ts";
import { pyBool, pyFloat } from "./repr.ts";

export { dropout2d };

export interface DropoutModuleOptions {
  /** PyTorch's `inplace`: in training, write the result into the input. */
  inplace?: boolean;
  generator?: Generator;
}

/** What Dropout and Dropout2d share (PyTorch's _DropoutNd): p, inplace, an optional generator, the repr. */
export abstract class DropoutNd extends Module {
  readonly p: number;
  readonly inplace: boolean;
  readonly generator: Generator | undefined;

  protected constructor(where: string, args: IArguments) {
    super();
    checkArity(where, args, 2);
    const a = keywordArgs(where, [args[0], args[1]], ["p", "inplace"], { p: "number", inplace: "boolean", generator: "object" }, 1);
    this.p = checkDropoutP((a.p as number | undefined) ?? 0.5);
    this.inplace = a.inplace === true;
    this.generator = a.generator as Generator | undefined;
  }

  protected get options(): DropoutOptions {
    return { training: this.training, inplace: this.inplace, generator: this.generator };
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * Inverted dropout: in training, zeroes elements with probability p and scales the rest by 1/(1-p);
 * identity in eval mode. Masks come from the default generator (or `generator`).
 * `new nn.Dropout(0.5)`, `(0.5, { inplace: true })`, `(0.5, true)` or `({ p, inplace, generator })`.
 */
export class Dropout extends DropoutNd {
  /** @internal */ static override readonly builtinName: string = "Dropout";
  constructor(p?: number | (DropoutModuleOptions & { p?: number }), opts?: boolean | DropoutModuleOptions) {
    super("nn.Dropout()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.options);
  }
}

/**
 * Dropout2d: in training, zeroes entire channels of [N, C, H, W] with probability p (one draw per
 * sample and channel) and scales the kept ones by 1/(1-p); identity in eval mode.
 */
export class Dropout2d extends DropoutNd {
  /** @internal */ static override readonly builtinName: string = "Dropout2d";
  constructor(p?: number | (DropoutModuleOptions & { p?: number }), opts?: boolean | DropoutModuleOptions) {
    super("nn.Dropout2d()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.options);
  }
}
