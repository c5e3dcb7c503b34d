import { ArgumentError } from "../errors.ts";
import type { IntOrTuple } from "../ops/conv.ts";
import { adaptiveAvgPool3d, adaptiveMaxPool3d, avgPool3d, maxPool3d } from "../ops/pool3d.ts";
import { type OptionSpec, checkArg, checkArity, checkOptions, describeValue } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import { Module } from "./module.ts";
import type { MaxPoolOutput } from "./pooling.ts";
import { pyBool } from "./repr.ts";

/** MaxPool3d, AvgPool3d, AdaptiveAvgPool3d and AdaptiveMaxPool3d over [N, C, D, H, W] (or [C, D, H, W]). */

const keep = (v: IntOrTuple): IntOrTuple => (typeof v === "number" ? v : [...v]);

/** kernel size, stride (default: the kernel size), padding, ceil mode and the repr MaxPool3d and AvgPool3d share. */
abstract class Pool3d<Out> extends Module<[Tensor], Out> {
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

export interface MaxPool3dModuleOptions<R extends boolean = boolean> {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  /** Also return the flat d*H*W + h*W + w position of each maximum. */
  returnIndices?: R;
  ceilMode?: boolean;
}

export class MaxPool3d<R extends boolean = false> extends Pool3d<MaxPoolOutput<R>> {
  /** @internal */ static override readonly builtinName: string = "MaxPool3d";
  readonly dilation: IntOrTuple;
  readonly returnIndices: R;

  constructor(kernelSize: IntOrTuple, opts: MaxPool3dModuleOptions<R> = {}) {
    super("nn.MaxPool3d()", arguments, { dilation: "ints", returnIndices: "boolean" });
    this.dilation = keep(opts.dilation ?? 1);
    this.returnIndices = (opts.returnIndices ?? false) as R;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices as true };
    return maxPool3d(x, this.kernelSize, o) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}, dilation=${pyIntTuple(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

export interface AvgPool3dModuleOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the zero padding in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window by this instead of its size. */
  divisorOverride?: number | null;
}

export class AvgPool3d extends Pool3d<Tensor> {
  /** @internal */ static override readonly builtinName: string = "AvgPool3d";
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: IntOrTuple, opts: AvgPool3dModuleOptions = {}) {
    super("nn.AvgPool3d()", arguments, { countIncludePad: "boolean", divisorOverride: "int?" });
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  override forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }
}

type Size3 = number | readonly (number | null)[];

function checkSize3(where: string, v: unknown): Size3 {
  if (!(typeof v === "number" || (Array.isArray(v) && v.every((s) => s === null || typeof s === "number")))) {
    throw new ArgumentError(`${where}: argument 1 (outputSize) must be an int or a tuple of ints and nulls, got ${describeValue(v)}`);
  }
  return typeof v === "number" ? v : [...(v as (number | null)[])];
}

export class AdaptiveAvgPool3d extends Module {
  /** @internal */ static override readonly builtinName: string = "AdaptiveAvgPool3d";
  readonly outputSize: Size3;

  constructor(outputSize: Size3) {
    super();
    checkArity("nn.AdaptiveAvgPool3d()", arguments, 1);
    this.outputSize = checkSize3("nn.AdaptiveAvgPool3d()", outputSize);
  }

  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool3d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${pyIntTuple(this.outputSize)}`;
  }
}

export class AdaptiveMaxPool3d<R extends boolean = false> extends Module<[Tensor], MaxPoolOutput<R>> {
  /** @internal */ static override readonly builtinName: string = "AdaptiveMaxPool3d";
  readonly outputSize: Size3;
  readonly returnIndices: R;

  constructor(outputSize: Size3, returnIndices: R = false as R) {
    super();
    checkArity("nn.AdaptiveMaxPool3d()", arguments, 2);
    this.outputSize = checkSize3("nn.AdaptiveMaxPool3d()", outputSize);
    checkArg("nn.AdaptiveMaxPool3d()", returnIndices, "boolean", 2, "returnIndices");
    this.returnIndices = returnIndices;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    return (this.returnIndices ? adaptiveMaxPool3d(x, this.outputSize, true) : adaptiveMaxPool3d(x, this.outputSize)) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    return `output_size=${pyIntTuple(this.outputSize)}`;
  }
}
