import { ArgumentError } from "../errors.ts";
import type { IntOrTuple } from "../ops/conv.ts";
import { checkArity, keywordArgs } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { pyIntTuple } from "./conv.ts";
import { type LocalResponseNormOptions, type LpPoolOptions, localResponseNorm, lpPool1d, lpPool2d } from "./functional/pooling_lp.ts";
import { Module } from "./module.ts";
import { pyBool, pyFloat } from "./repr.ts";

/** nn.LPPool1d / nn.LPPool2d and nn.LocalResponseNorm over functional/pooling_lp.ts. */

/** A number as Python prints what the user passed (integral values as ints), or its float default. */
const pyNumber = (v: number, dflt?: number): string => (Number.isInteger(v) && v !== dflt ? String(v) : pyFloat(v));

abstract class LPPoolNd extends Module {
  readonly normType: number;
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple | null;
  readonly ceilMode: boolean;

  protected constructor(where: string, args: IArguments) {
    super();
    checkArity(where, args, 4);
    const spec = { normType: "number", kernelSize: "ints", stride: "ints?", ceilMode: "boolean" } as const;
    const a = keywordArgs(where, Array.from(args), Object.keys(spec), spec, 1) as LpPoolOptions;
    for (const k of ["normType", "kernelSize"] as const) if (a[k] === undefined) throw new ArgumentError(`${where}: missing required argument '${k}'`);
    this.normType = a.normType!;
    const keep = (v: IntOrTuple): IntOrTuple => (typeof v === "number" ? v : [...v]);
    this.kernelSize = keep(a.kernelSize!);
    this.stride = a.stride === null || a.stride === undefined ? null : keep(a.stride);
    this.ceilMode = a.ceilMode ?? false;
  }

  override extraRepr(): string {
    return `norm_type=${pyNumber(this.normType)}, kernel_size=${pyIntTuple(this.kernelSize)}, stride=${pyIntTuple(this.stride)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

type LpArg = number | IntOrTuple | null | boolean | LpPoolOptions;

/** nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False). */
export class LPPool1d extends LPPoolNd {
  /** @internal */ static override readonly builtinName: string = "LPPool1d";
  constructor(normType: number | LpPoolOptions, ...rest: LpArg[]) {
    super("nn.LPPool1d()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return lpPool1d(x, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }
}

/** nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False). */
export class LPPool2d extends LPPoolNd {
  /** @internal */ static override readonly builtinName: string = "LPPool2d";
  constructor(normType: number | LpPoolOptions, ...rest: LpArg[]) {
    super("nn.LPPool2d()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return lpPool2d(x, this.normType, this.kernelSize, this.stride, this.ceilMode);
  }
}

/** nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0). */
export class LocalResponseNorm extends Module {
  /** @internal */ static override readonly builtinName: string = "LocalResponseNorm";
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;

  constructor(size: number | LocalResponseNormOptions, ...rest: (number | LocalResponseNormOptions)[]) {
    super();
    const where = "nn.LocalResponseNorm()";
    checkArity(where, arguments, 4);
    const a = keywordArgs(where, Array.from(arguments), ["size", "alpha", "beta", "k"], { size: "int", alpha: "number", beta: "number", k: "number" }, 1) as LocalResponseNormOptions;
    if (a.size === undefined) throw new ArgumentError(`${where}: missing required argument 'size'`);
    this.size = a.size;
    this.alpha = a.alpha ?? 1e-4;
    this.beta = a.beta ?? 0.75;
    this.k = a.k ?? 1;
  }

  override forward(x: Tensor): Tensor {
    return localResponseNorm(x, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${pyNumber(this.alpha, 1e-4)}, beta=${pyNumber(this.beta, 0.75)}, k=${pyNumber(this.k, 1)}`;
  }
}
