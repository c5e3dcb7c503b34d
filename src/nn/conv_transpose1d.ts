import { ArgumentError, ShapeError } from "../errors.ts";
import { type IntOrTuple, tupleArg } from "../ops/conv.ts";
import { convTranspose1d } from "../ops/conv_transpose1d.ts";
import { type OptionSpec, checkArg } from "../options.ts";
import { empty } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import { fmtShape } from "../tensor/shape.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkCall } from "./check_call.ts";
import { checkCount, pyIntTuple } from "./conv.ts";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "./init.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";

export interface ConvTranspose1dOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
  /** Only "zeros", as in PyTorch. */
  paddingMode?: "zeros";
  dtype?: DType;
  /** Draws the initial values from this generator instead of the default one. */
  generator?: Generator;
}

const OPTIONS: OptionSpec = {
  stride: "ints", padding: "ints", outputPadding: "ints", groups: "int", bias: "boolean", dilation: "ints", paddingMode: "string", dtype: "string", generator: "object",
};

/**
 * Transposed 1-d convolution, the adjoint of Conv1d: [N, Cin, L] to
 * [N, Cout, (L-1)*stride - 2*padding + dilation*(k-1) + outputPadding + 1]. Weight [in, out/groups, k]
 * and bias [out], initialised as PyTorch's (kaiming_uniform_(a=sqrt(5)), fan-in out/groups * k).
 *
 *     const up = new nn.ConvTranspose1d(16, 8, 4, { stride: 2, padding: 1 });   // doubles L
 */
export class ConvTranspose1d extends Module<[Tensor, (readonly number[] | null)?], Tensor> {
  /** @internal */ static override readonly builtinName: string = "ConvTranspose1d";
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode = "zeros";
  weight: Tensor;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTranspose1dOptions = {}) {
    super();
    const where = "nn.ConvTranspose1d()";
    checkCall(where, arguments, 4, OPTIONS, "stride");
    checkArg(where, kernelSize, "ints", 3, "kernelSize");
    checkCount("in_channels", inChannels);
    checkCount("out_channels", outChannels);
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError("groups must be a positive integer");
    if (inChannels % groups !== 0) throw new ArgumentError("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new ArgumentError("out_channels must be divisible by groups");
    if ((opts.paddingMode ?? "zeros") !== "zeros") throw new ArgumentError('Only "zeros" padding mode is supported for ConvTranspose1d');
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tupleArg(kernelSize, 1, "kernel_size");
    if (this.kernelSize[0]! <= 0) throw new ArgumentError(`kernel_size must be positive, got ${pyIntTuple(this.kernelSize)}`);
    this.stride = tupleArg(opts.stride ?? 1, 1, "stride");
    this.padding = tupleArg(opts.padding ?? 0, 1, "padding");
    this.outputPadding = tupleArg(opts.outputPadding ?? 0, 1, "output_padding");
    this.dilation = tupleArg(opts.dilation ?? 1, 1, "dilation");
    this.groups = groups;
    this.weight = Parameter(empty([inChannels, outChannels / groups, ...this.kernelSize], { dtype: opts.dtype }));
    this.bias = opts.bias === false ? null : Parameter(empty([outChannels], { dtype: opts.dtype }));
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      if (fanIn !== 0) {
        const bound = 1 / Math.sqrt(fanIn);
        uniform_(this.bias, -bound, bound, { generator });
      }
    }
  }

  /** PyTorch's _output_padding: the output padding that gives `outputSize` ([L], or with batch and channel dims). */
  private outputPaddingFor(x: Tensor, outputSize: readonly number[]): number[] {
    const nonSpatial = x.ndim === 3 ? 2 : 1;
    const size = outputSize.length === nonSpatial + 1 ? outputSize.slice(nonSpatial) : [...outputSize];
    if (size.length !== 1) {
      throw new ArgumentError(`ConvTranspose1D: for ${x.ndim}D input, output_size must have 1 or ${nonSpatial + 1} elements (got ${outputSize.length})`);
    }
    const min = (x.shape[nonSpatial]! - 1) * this.stride[0]! - 2 * this.padding[0]! + this.dilation[0]! * (this.kernelSize[0]! - 1) + 1;
    const max = min + this.stride[0]! - 1;
    if (size[0]! < min || size[0]! > max) {
      throw new ShapeError(`requested an output size of [${size[0]}], but valid sizes range from [${min}] to [${max}] (for an input of torch.Size([${x.shape[nonSpatial]}]))`);
    }
    return [size[0]! - min];
  }

  override forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    checkArg("ConvTranspose1d.forward()", outputSize, "int[]?", 2, "outputSize");
    if (x.ndim !== 2 && x.ndim !== 3) throw new ShapeError(`Expected 2D (unbatched) or 3D (batched) input to conv_transpose1d, but got input of size: ${fmtShape(x.shape)}`);
    const outputPadding = outputSize ? this.outputPaddingFor(x, outputSize) : this.outputPadding;
    return convTranspose1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyIntTuple(this.kernelSize)}, stride=${pyIntTuple(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyIntTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyIntTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyIntTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    return s;
  }
}
