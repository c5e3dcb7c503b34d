import { ArgumentError } from "../errors.ts";
import type { IntOrTuple } from "../ops/conv.ts";
import * as P from "../ops/pool1d.ts";
import { maxUnpool1d, maxUnpool2d } from "../ops/max_unpool.ts";
import { tupleArg } from "../ops/conv.ts";
import { checkArity, keywordArgs } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import { checkSize2d } from "./functional/pooling_more.ts";
import { Module } from "./module.ts";
import { pyBool } from "./repr.ts";
import type { MaxPoolOutput } from "./pooling.ts";

/**
 * 1-d pooling layers (MaxPool1d, AvgPool1d, AdaptiveAvgPool1d, AdaptiveMaxPool1d) and AdaptiveMaxPool2d,
 * over ops/pool1d.ts, and MaxUnpool1d/2d (ops/max_unpool.ts). Arguments are PyTorch's, positionally or by keyword, and print as PyTorch prints
 * them (MaxPool1d keeps sizes as given, AvgPool1d prints one-element tuples).
 */

const keep = (v: IntOrTuple): IntOrTuple => (typeof v === "number" ? v : [...v]);

/** Positional-or-keyword constructor arguments; the first one is required. */
function ctorArgs(where: string, args: IArguments, names: readonly string[], spec: Parameters<typeof keywordArgs>[3]): Record<string, unknown> {
  checkArity(where, args, names.length);
  const a = keywordArgs(where, Array.from(args), names, spec, 1);
  if (a[names[0]!] === undefined) throw new ArgumentError(`${where}: missing required argument '${names[0]}'`);
  return a;
}

export interface MaxPool1dModuleOptions<R extends boolean = boolean> {
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  returnIndices?: R;
  ceilMode?: boolean;
}

type Arg<O> = IntOrTuple | null | boolean | O;

/** nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False). */
export class MaxPool1d<R extends boolean = false> extends Module<[Tensor], MaxPoolOutput<R>> {
  /** @internal */ static override readonly builtinName: string = "MaxPool1d";
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly returnIndices: R;
  readonly ceilMode: boolean;

  constructor(kernelSize: IntOrTuple | MaxPool1dModuleOptions<R>, ...rest: Arg<MaxPool1dModuleOptions<R>>[]) {
    super();
    const spec = { kernelSize: "ints", stride: "ints?", padding: "ints", dilation: "ints", returnIndices: "boolean", ceilMode: "boolean" } as const;
    const a = ctorArgs("nn.MaxPool1d()", arguments, Object.keys(spec), spec) as MaxPool1dModuleOptions<R>;
    this.kernelSize = keep(a.kernelSize!);
    this.stride = keep(a.stride ?? a.kernelSize!);
    this.padding = keep(a.padding ?? 0);
    this.dilation = keep(a.dilation ?? 1);
    this.returnIndices = (a.returnIndices ?? false) as R;
    this.ceilMode = a.ceilMode ?? false;
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
    return (this.returnIndices ? P.maxPool1d(x, this.kernelSize, { ...o, returnIndices: true }) : P.maxPool1d(x, this.kernelSize, o)) as MaxPoolOutput<R>;
  }

  override extraRepr(): string {
    const t = pyIntTuple;
    return `kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}, padding=${t(this.padding)}, dilation=${t(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

export interface AvgPool1dModuleOptions {
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

/** A size as PyTorch's _single keeps it: a one-element tuple. */
const single = (v: IntOrTuple): number[] => (typeof v === "number" ? [v] : [...v]);

/** nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True). */
export class AvgPool1d extends Module {
  /** @internal */ static override readonly builtinName: string = "AvgPool1d";
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: IntOrTuple | AvgPool1dModuleOptions, ...rest: Arg<AvgPool1dModuleOptions>[]) {
    super();
    const spec = { kernelSize: "ints", stride: "ints?", padding: "ints", ceilMode: "boolean", countIncludePad: "boolean" } as const;
    const a = ctorArgs("nn.AvgPool1d()", arguments, Object.keys(spec), spec) as AvgPool1dModuleOptions;
    this.kernelSize = single(a.kernelSize!);
    this.stride = single(a.stride ?? a.kernelSize!);
    this.padding = single(a.padding ?? 0);
    this.ceilMode = a.ceilMode ?? false;
    this.countIncludePad = a.countIncludePad ?? true;
  }

  override forward(x: Tensor): Tensor {
    return P.avgPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntTuple(this.kernelSize)}, stride=${pyIntTuple(this.stride)}, padding=${pyIntTuple(this.padding)}`;
  }
}

/** What the adaptive pools share: the output size as given, and its repr. */
abstract class Adaptive<S, Out> extends Module<[Tensor], Out> {
  readonly outputSize: S;
  readonly returnIndices: boolean;
  protected constructor(where: string, args: IArguments, indices: boolean, size2d: boolean) {
    super();
    const names = indices ? ["outputSize", "returnIndices"] : ["outputSize"];
    const a = ctorArgs(where, args, names, { outputSize: size2d ? "any" : "ints", returnIndices: "boolean" });
    if (size2d) checkSize2d(where, a.outputSize);
    const s = a.outputSize as number | (number | null)[];
    this.outputSize = (typeof s === "number" ? s : [...s]) as S;
    this.returnIndices = a.returnIndices === true;
  }

  override extraRepr(): string {
    return `output_size=${pyIntTuple(this.outputSize as number | (number | null)[])}`;
  }
}

/** nn.AdaptiveAvgPool1d(output_size). */
export class AdaptiveAvgPool1d extends Adaptive<IntOrTuple, Tensor> {
  /** @internal */ static override readonly builtinName: string = "AdaptiveAvgPool1d";
  constructor(outputSize: IntOrTuple | { outputSize?: IntOrTuple }) {
    super("nn.AdaptiveAvgPool1d()", arguments, false, false);
  }

  override forward(x: Tensor): Tensor {
    return P.adaptiveAvgPool1d(x, this.outputSize);
  }
}

/** nn.AdaptiveMaxPool1d(output_size, return_indices=False). */
export class AdaptiveMaxPool1d<R extends boolean = false> extends Adaptive<IntOrTuple, MaxPoolOutput<R>> {
  /** @internal */ static override readonly builtinName: string = "AdaptiveMaxPool1d";
  constructor(outputSize: IntOrTuple | { outputSize?: IntOrTuple; returnIndices?: R }, returnIndices?: R | { returnIndices?: R }) {
    super("nn.AdaptiveMaxPool1d()", arguments, true, false);
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    return P.adaptiveMaxPool1d(x, this.outputSize, this.returnIndices as true) as MaxPoolOutput<R>;
  }
}

/** nn.AdaptiveMaxPool2d(output_size, return_indices=False); a null size keeps the input's. */
export class AdaptiveMaxPool2d<R extends boolean = false> extends Adaptive<number | (number | null)[], MaxPoolOutput<R>> {
  /** @internal */ static override readonly builtinName: string = "AdaptiveMaxPool2d";
  constructor(outputSize: number | readonly (number | null)[] | { outputSize?: number | readonly (number | null)[]; returnIndices?: R }, returnIndices?: R | { returnIndices?: R }) {
    super("nn.AdaptiveMaxPool2d()", arguments, true, true);
  }

  override forward(x: Tensor): MaxPoolOutput<R> {
    return P.adaptiveMaxPool2d(x, this.outputSize, this.returnIndices as true) as MaxPoolOutput<R>;
  }
}

export interface MaxUnpoolModuleOptions {
  kernelSize?: IntOrTuple;
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
}

/** MaxUnpool1d/2d: kernel, stride and padding kept as PyTorch's _single/_pair tuples, and printed so. */
abstract class MaxUnpoolNd extends Module<[Tensor, Tensor, (readonly number[] | null)?], Tensor> {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];

  protected constructor(where: string, args: IArguments, n: number) {
    super();
    const spec = { kernelSize: "ints", stride: "ints?", padding: "ints" } as const;
    const a = ctorArgs(where, args, Object.keys(spec), spec) as MaxUnpoolModuleOptions;
    this.kernelSize = tupleArg(a.kernelSize!, n, "kernel_size");
    this.stride = tupleArg(a.stride ?? a.kernelSize!, n, "stride");
    this.padding = tupleArg(a.padding ?? 0, n, "padding");
  }

  override extraRepr(): string {
    return `kernel_size=${pyIntTuple(this.kernelSize)}, stride=${pyIntTuple(this.stride)}, padding=${pyIntTuple(this.padding)}`;
  }
}

/** nn.MaxUnpool1d(kernel_size, stride=None, padding=0): forward(input, indices, outputSize?) undoes MaxPool1d. */
export class MaxUnpool1d extends MaxUnpoolNd {
  /** @internal */ static override readonly builtinName: string = "MaxUnpool1d";
  constructor(kernelSize: IntOrTuple | MaxUnpoolModuleOptions, ...rest: Arg<MaxUnpoolModuleOptions>[]) {
    super("nn.MaxUnpool1d()", arguments, 1);
  }

  override forward(x: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool1d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}

/** nn.MaxUnpool2d(kernel_size, stride=None, padding=0): forward(input, indices, outputSize?) undoes MaxPool2d. */
export class MaxUnpool2d extends MaxUnpoolNd {
  /** @internal */ static override readonly builtinName: string = "MaxUnpool2d";
  constructor(kernelSize: IntOrTuple | MaxUnpoolModuleOptions, ...rest: Arg<MaxUnpoolModuleOptions>[]) {
    super("nn.MaxUnpool2d()", arguments, 2);
  }

  override forward(x: Tensor, indices: Tensor, outputSize: readonly number[] | null = null): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize });
  }
}
