import { ArgumentError } from "../errors.ts";
import { type ConvPadding, type IntOrTuple, conv1d, conv2d, pad } from "../ops/cnn_index.ts";
import { tupleArg } from "../ops/conv.ts";
import { empty } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from "./init.ts";
import { type OptionSpec, checkArg, checkArity, checkOptions } from "../options.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";

/**
 * Convolution layers (PyTorch's `_ConvNd` family). Weight [out, in/groups, *kernel] and bias [out]
 * start as PyTorch's: kaiming_uniform_(a=sqrt(5)) for the weight, U(+-1/sqrt(fanIn)) for the bias,
 * from the default generator (or `generator`). Non-"zeros" padding modes pad with F.pad first and
 * convolve unpadded, as PyTorch does.
 */

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

export interface ConvModuleOptions {
  stride?: IntOrTuple;
  /** An amount per spatial dim, or "same" / "valid". */
  padding?: ConvPadding;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
  dtype?: DType;
  /** Draws the initial values from this generator instead of the default one. */
  generator?: Generator;
}

const PADDING_MODES: readonly string[] = ["zeros", "reflect", "replicate", "circular"];

const CONV_OPTIONS: OptionSpec = {
  stride: "ints", padding: "any", dilation: "ints", groups: "int", bias: "boolean", paddingMode: "string", dtype: "string", generator: "object",
};

/** A Python int or tuple as repr prints it: 2, (3, 3), (3,), or None for null. */
export function pyIntTuple(v: number | null | readonly (number | null)[]): string {
  if (v === null) return "None";
  if (typeof v === "number") return String(v);
  const items = v.map((x) => (x === null ? "None" : String(x)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** A count argument (channels, features): a non-negative integer, returned. */
export function checkCount(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

/** What Conv1d and Conv2d share: arguments, parameters, the padding-mode path and the repr. */
export abstract class ConvNd extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;
  weight: Tensor;
  bias: Tensor | null;

  protected constructor(where: string, args: IArguments, k: number, inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions) {
    super();
    // PyTorch's 4th positional argument is the stride: `Conv2d(1, 4, 3, 2)` must not mean stride 1.
    checkOptions(where, opts, CONV_OPTIONS, { index: 4, positional: "stride" });
    checkArity(where, args, 4);
    checkArg(where, kernelSize, "ints", 3, "kernelSize");
    checkCount("in_channels", inChannels);
    checkCount("out_channels", outChannels);
    const groups = opts.groups ?? 1;
    if (!Number.isInteger(groups) || groups <= 0) throw new ArgumentError("groups must be a positive integer");
    if (inChannels % groups !== 0) throw new ArgumentError("in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new ArgumentError("out_channels must be divisible by groups");
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = tupleArg(kernelSize, k, "kernel_size");
    if (this.kernelSize.some((s) => s <= 0)) throw new ArgumentError(`kernel_size must be positive, got ${pyIntTuple(this.kernelSize)}`);
    this.stride = tupleArg(opts.stride ?? 1, k, "stride");
    this.dilation = tupleArg(opts.dilation ?? 1, k, "dilation");
    const padding = opts.padding ?? 0;
    if (typeof padding === "string") {
      if (padding !== "same" && padding !== "valid") {
        throw new ArgumentError(`Invalid padding string '${String(padding)}', should be one of {'valid', 'same'}`);
      }
      if (padding === "same" && this.stride.some((s) => s !== 1)) {
        throw new ArgumentError("padding='same' is not supported for strided convolutions");
      }
      this.padding = padding;
    } else {
      this.padding = tupleArg(padding, k, "padding");
    }
    const mode = opts.paddingMode ?? "zeros";
    if (!PADDING_MODES.includes(mode)) {
      throw new ArgumentError(`padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='${String(mode)}'`);
    }
    this.paddingMode = mode;
    this.groups = groups;
    this.weight = Parameter(empty([outChannels, inChannels / groups, ...this.kernelSize], { dtype: opts.dtype }));
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

  protected abstract conv(x: Tensor, padding: ConvPadding): Tensor;

  override forward(x: Tensor): Tensor {
    if (this.paddingMode === "zeros") return this.conv(x, this.padding);
    // F.pad's (before, after) per spatial dim, last dim first: half the total padding before, the
    // rest after (an odd "same" total puts the extra one after, as PyTorch does).
    const p: number[] = [];
    for (let d = this.kernelSize.length - 1; d >= 0; d--) {
      const { padding } = this;
      const total = padding === "valid" ? 0 : padding === "same" ? this.dilation[d]! * (this.kernelSize[d]! - 1) : 2 * padding[d]!;
      p.push(Math.floor(total / 2), total - Math.floor(total / 2));
    }
    return this.conv(pad(x, p, { mode: this.paddingMode }), 0);
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyIntTuple(this.kernelSize)}, stride=${pyIntTuple(this.stride)}`;
    if (typeof this.padding === "string") s += `, padding=${this.padding}`;
    else if (this.padding.some((p) => p !== 0)) s += `, padding=${pyIntTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyIntTuple(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ", bias=False";
    if (this.paddingMode !== "zeros") s += `, padding_mode=${this.paddingMode}`;
    return s;
  }
}

/**
 * 2-D convolution over [N, C, H, W] (or unbatched [C, H, W]):
 *
 *     const conv = new nn.Conv2d(1, 32, 3);                         // Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))
 *     const c2 = new nn.Conv2d(32, 64, [3, 5], { stride: 2, padding: 1, groups: 2, bias: false });
 */
export class Conv2d extends ConvNd {
  /** @internal */ static override readonly builtinName: string = "Conv2d";
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    super("nn.Conv2d()", arguments, 2, inChannels, outChannels, kernelSize, opts);
  }

  protected override conv(x: Tensor, padding: ConvPadding): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}

/** 1-D convolution over [N, C, L] (or unbatched [C, L]); weight [out, in/groups, k]. */
export class Conv1d extends ConvNd {
  /** @internal */ static override readonly builtinName: string = "Conv1d";
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvModuleOptions = {}) {
    super("nn.Conv1d()", arguments, 1, inChannels, outChannels, kernelSize, opts);
  }

  protected override conv(x: Tensor, padding: ConvPadding): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding, dilation: this.dilation, groups: this.groups });
  }
}
