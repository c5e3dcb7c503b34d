import { checkCall } from "./check_call.ts";
import { empty } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkCount } from "./conv.ts";
import { bilinear } from "./functional/bilinear.ts";
import { uniform_ } from "./init.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { pyBool } from "./repr.ts";

export interface BilinearOptions {
  bias?: boolean;
  dtype?: DType;
  /** Draws the initial values from this generator instead of the default one. */
  generator?: Generator;
}

/**
 * y = x1^T A x2 + b for x1 [..., in1] and x2 [..., in2]: weight [out, in1, in2] and bias [out], both
 * uniform in +-1/sqrt(in1) at the start, as PyTorch's.
 *
 *     const m = new nn.Bilinear(20, 30, 40);
 *     m.forward(torch.randn([128, 20]), torch.randn([128, 30]));   // [128, 40]
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  /** @internal */ static override readonly builtinName: string = "Bilinear";
  readonly in1Features: number;
  readonly in2Features: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(in1Features: number, in2Features: number, outFeatures: number, opts: BilinearOptions = {}) {
    super();
    checkCall("nn.Bilinear()", arguments, 4, { bias: "boolean", dtype: "string", generator: "object" }, "bias");
    checkCount("in1_features", in1Features);
    checkCount("in2_features", in2Features);
    checkCount("out_features", outFeatures);
    this.in1Features = in1Features;
    this.in2Features = in2Features;
    this.outFeatures = outFeatures;
    this.weight = Parameter(empty([outFeatures, in1Features, in2Features], { dtype: opts.dtype }));
    this.bias = opts.bias === false ? null : Parameter(empty([outFeatures], { dtype: opts.dtype }));
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    // PyTorch bounds both by the first input's size alone.
    const bound = 1 / Math.sqrt(this.weight.shape[1]!);
    uniform_(this.weight, -bound, bound, { generator });
    if (this.bias !== null) uniform_(this.bias, -bound, bound, { generator });
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
