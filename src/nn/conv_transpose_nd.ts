import { ArgumentError, ShapeError } from "../errors.ts";
import { type IntOrTuple, tupleArg } from "../ops/conv.ts";
import type { ConvTransposeOptions } from "../ops/conv_transpose.ts";
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

export interface ConvTransposeNdOptions {
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
 * What ConvTranspose1d and ConvTranspose2d share, PyTorch's _ConvTransposeNd for `spatialDims` spatial dims:
 * argument checks, weight [in, out/groups, ...kernel] and bias [out] initialised as PyTorch's
 * (kaiming_uniform_(a=sqrt(5)), fan-in out/groups * prod(kernel)), the output size a forward may ask
 * for, and the repr. Subclasses name the functional op.
 */
export abstract class ConvTransposeNd extends Module<[Tensor, (readonly number[] | null)?], Tensor> {
  /** @internal */ static override readonly builtinName: string = "ConvTransposeNd";
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

  /** `args`: the subclass constructor's own arguments, checked as the public call's. */
  protected constructor(
    private readonly spatialDims: 1 | 2,
    args: ArrayLike<unknown>,
    inChannels: number,
    outChannels: number,
    kernelSize: IntOrTuple,
    opts: ConvTransposeNdOptions,
  ) {
    super();
    const name = `ConvTranspose${spatialDims}d`;
    const where = `nn.${name}()`;
    checkCall(where, args, 4, OPTIONS, "stride");
    checkArg(where, kernelSize, "ints", 3, "kernelSize");
    checkCount("in_channels", inChannels);
    checkCount("out_channels", outChannels);
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError("groups must be a positive integer");
    if (inChannels % groups !== 0) throw new ArgumentError("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new ArgumentError("out_channels must be divisible by groups");
    if ((opts.paddingMode ?? "zeros") !== "zeros") throw new ArgumentError(`Only "zeros" padding mode is supported for ${name}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tupleArg(kernelSize, spatialDims, "kernel_size");
    if (this.kernelSize.some((s) => s <= 0)) throw new ArgumentError(`kernel_size must be positive, got ${pyIntTuple(this.kernelSize)}`);
    this.stride = tupleArg(opts.stride ?? 1, spatialDims, "stride");
    this.padding = tupleArg(opts.padding ?? 0, spatialDims, "padding");
    this.outputPadding = tupleArg(opts.outputPadding ?? 0, spatialDims, "output_padding");
    this.dilation = tupleArg(opts.dilation ?? 1, spatialDims, "dilation");
    this.groups = groups;
    this.weight = Parameter(empty([inChannels, outChannels / groups, ...this.kernelSize], { dtype: opts.dtype }));
    this.bias = opts.bias === false ? null : Parameter(empty([outChannels], { dtype: opts.dtype }));
    this.resetParameters(opts.generator);
  }

  /** The functional op (F.convTranspose1d / 2d) on this layer's weight and bias. */
  protected abstract transposed(x: Tensor, opts: ConvTransposeOptions): Tensor;

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

  /** PyTorch's _output_padding: the output padding that gives `outputSize` (spatial, or with batch and channel dims). */
  private outputPaddingFor(x: Tensor, outputSize: readonly number[]): number[] {
    const k = this.spatialDims;
    const nonSpatial = x.ndim === k + 2 ? 2 : 1;
    const size = outputSize.length === nonSpatial + k ? outputSize.slice(nonSpatial) : [...outputSize];
    if (size.length !== k) {
      throw new ArgumentError(`ConvTranspose${k}D: for ${x.ndim}D input, output_size must have ${k} or ${nonSpatial + k} elements (got ${outputSize.length})`);
    }
    const min = size.map((_, d) => (x.shape[d + nonSpatial]! - 1) * this.stride[d]! - 2 * this.padding[d]! + this.dilation[d]! * (this.kernelSize[d]! - 1) + 1);
    const max = min.map((m, d) => m + this.stride[d]! - 1);
    if (size.some((s, d) => s < min[d]! || s > max[d]!)) {
      throw new ShapeError(
        `requested an output size of [${size.join(", ")}], but valid sizes range from [${min.join(", ")}] to [${max.join(", ")}] (for an input of torch.Size([${x.shape.slice(nonSpatial).join(", ")}]))`,
      );
    }
    return size.map((s, d) => s - min[d]!);
  }

  override forward(x: Tensor, outputSize?: readonly number[] | null): Tensor {
    const k = this.spatialDims;
    checkArg(`ConvTranspose${k}d.forward()`, outputSize, "int[]?", 2, "outputSize");
    if (x.ndim !== k + 1 && x.ndim !== k + 2) {
      throw new ShapeError(`Expected ${k + 1}D (unbatched) or ${k + 2}D (batched) input to conv_transpose${k}d, but got input of size: ${fmtShape(x.shape)}`);
    }
    const outputPadding = outputSize ? this.outputPaddingFor(x, outputSize) : this.outputPadding;
    return this.transposed(x, { stride: this.stride, padding: this.padding, outputPadding, groups: this.groups, dilation: this.dilation });
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
