import { ArgumentError } from "../errors.ts";
import { checkArity, checkOptions } from "../options.ts";
import { empty } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { linear } from "./functional/activation.ts";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "./init.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { pyBool } from "./repr.ts";

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
  /** Draws the initial values from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * y = x W^T + b with W of shape [out, in] (PyTorch's layout, so checkpoints cross over). Weight and
 * bias start uniform in +-1/sqrt(in), as PyTorch's kaiming_uniform_(a=sqrt(5)), drawn from the
 * default generator: `torch.manualSeed` makes them reproducible.
 */
export class Linear extends Module {
  /** @internal */ static override readonly builtinName: string = "Linear";
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkArity("nn.Linear()", arguments, 3);
    checkOptions("nn.Linear()", opts, { bias: "boolean", dtype: "string", generator: "object" }, { index: 3, positional: "bias" });
    for (const [name, v] of [["in_features", inFeatures], ["out_features", outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`Linear: ${name} must be a non-negative integer, got ${v}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    try {
      this.weight = Parameter(empty([outFeatures, inFeatures], { dtype: opts.dtype }));
      this.bias = opts.bias === false ? null : Parameter(empty([outFeatures], { dtype: opts.dtype }));
    } catch (err) {
      // Which layer could not be made matters more to the caller than which tensor inside it.
      if (err instanceof ArgumentError) throw new ArgumentError(`Linear(${inFeatures}, ${outFeatures}): ${err.message}`);
      throw err;
    }
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, { generator });
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
