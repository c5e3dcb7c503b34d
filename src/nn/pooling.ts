import { ArgumentError } from "../errors.ts";
import { type IntOrTuple, adaptiveAvgPool2d, avgPool2d, maxPool2d } from "../ops/cnn_index.ts";
import { type OptionSpec, checkArg, checkArity, checkOptions, describeValue } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import { Module } from "./module.ts";
import { pyBool } from "./repr.ts";

/**
 * 2-D pooling layers over [N, C, H, W] (or unbatched [C, H, W]), thin modules over the functional
 * ops. Sizes are kept as given (an int or a tuple), so they print as PyTorch prints them.
 */

/** An int or tuple argument kept as the caller gave it (arrays copied). */
function keep(v: IntOrTuple): IntOrTuple {
  return typeof v === "number" ? v : [...v];
}

export interface MaxPool2dModuleOptions<R extends boolean = boolean> {
  /** Defaults to the kernel size. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  /** Also return the flat h*W + w position of each maximum (for MaxUnpool). */
  returnIndices?: R;
  ceilMode?: boolean;
}

/** MaxPool2d's output: the pooled tensor, or [values, indices] with `returnIndices: true`. */
export type MaxPoolOutput<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

/** What MaxPool2d and AvgPool2d share: the argument checks, kernel, stride, padding and ceil mode, the repr's start. */
abstract class Pool2d<Out> extends Module<[Tensor], Out> {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;

  protected constructor(where: string, args: IArguments, spec: OptionSpec) {
    super();
    const [kernelSize, opts = {}] = args as unknown as [IntOrTuple, { stride?: IntOrTuple | null; padding?: IntOrTuple; ceilMode?: boolean }?];
    checkArg(where, kernelSize, "ints", 1, "kernelSize");
    checkOptions(where, opts, { stride: "ints?", padding: "ints", ceilMode: "boolean", ...spec }, { index: 2, positional: "stride" });
    checkArity(where, args, 2);
    this.kernelSize = keep(kernelSize);
    this.stride = keep(opts.stride ?? kernelSize);
    this.padding = keep(opts.padding ?? 0);
    this.ceilMode = opts.ceilMode ?? false;
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntTuple(this.kernelSize)}, stride=${pyIntTuple(this.stride)}, padding=${pyIntTuple(this.padding)}`;
  }
}

/**
 * Max pooling: `new nn.MaxPool2d(2)` halves H and W (stride defaults to the kernel size).
 * `new nn.MaxPool2d(2, { returnIndices: true })` returns [values, indices] from forward.
 */
export class MaxPool2d<R extends boolean = false> extends Pool2d<MaxPoolOutput<R>> {
  /** @internal */ static override readonly builtinName: string = "MaxPool2d";
  readonly dilation: IntOrTuple;
  readonly returnIndices: R;

  constructor(kernelSize: IntOrTuple, opts: MaxPool2dModuleOptions<R> = {}) {
    super("nn.MaxPool2d()", arguments, { dilation: "ints", returnIndices: "boolean" });
    this.dilation = keep(opts.dilation ?? 1);
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices as true };
    return maxPool2d(x, this.kernelSize, o) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, dilation=${pyIntTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

export interface AvgPool2dModuleOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the zero padding in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead of its size. */
  divisorOverride?: number | null;
}

/** Average pooling; `new nn.AvgPool2d(2)` averages 2x2 blocks. */
export class AvgPool2d extends Pool2d<Tensor> {
  /** @internal */ static override readonly builtinName: string = "AvgPool2d";
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrTuple, opts: AvgPool2dModuleOptions = {}) {
    super("nn.AvgPool2d()", arguments, { countIncludePad: "boolean", divisorOverride: "int?" });
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, {
      stride: this.stride,
      padding: this.padding,
      ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad,
      divisorOverride: this.divisorOverride,
    });
  }
}

/** An adaptive pool's target size: one int for a square, or [H, W] where null keeps the input's size. */
export type AdaptiveSize = number | readonly (number | null)[];

/** Averages each plane down to a fixed size, whatever the input's: `new nn.AdaptiveAvgPool2d(1)` is global average pooling. */
export class AdaptiveAvgPool2d extends Module {
  /** @internal */ static override readonly builtinName: string = "AdaptiveAvgPool2d";
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    checkArity("nn.AdaptiveAvgPool2d()", arguments, 1);
    if (!(typeof outputSize === "number" || (Array.isArray(outputSize) && outputSize.every((s) => s === null || typeof s === "number")))) {
      throw new ArgumentError(`nn.AdaptiveAvgPool2d(): argument 1 (outputSize) must be an int or a tuple of ints and nulls, got ${describeValue(outputSize)}`);
    }
    this.outputSize = typeof outputSize === "number" ? outputSize : [...outputSize];
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyIntTuple(this.outputSize)}`;
  }
}
