import { ArgumentError } from "../errors.ts";
import { checkArity, checkOptions, keywordArgs } from "../options.ts";
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

  /** `new nn.Linear(784, 20)`, or with PyTorch's keywords `new nn.Linear({ inFeatures: 784, outFeatures: 20 })`. */
  constructor(opts: LinearOptions & { inFeatures: number; outFeatures: number });
  constructor(inFeatures: number, opts: LinearOptions & { outFeatures: number });
  constructor(inFeatures: number, outFeatures: number, opts?: LinearOptions);
  constructor(...args: unknown[]) {
    super();
    checkArity("nn.Linear()", args, 3);
    const spec = { bias: "boolean", dtype: "string", generator: "object" } as const;
    // nn.Linear(3, 4, false): PyTorch's positional bias, refused with a hint to pass { bias: false }.
    if (args.length === 3) checkOptions("nn.Linear()", args[2], spec, { index: 3, positional: "bias" });
    const a = keywordArgs("nn.Linear()", args, ["inFeatures", "outFeatures"], { inFeatures: "number", outFeatures: "number", ...spec }, 1);
    const { inFeatures, outFeatures } = a as { inFeatures: number; outFeatures: number };
    const opts = a as LinearOptions;
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
