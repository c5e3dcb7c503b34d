import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { logsigmoid, prelu, softplus } from "../../ops/activation_extra.ts";
import { checkArity, keywordArgs } from "../../options.ts";
import { checkCall } from "../check_call.ts";
import { type HardtanhOptions, type InplaceOptions, elu, hardtanh, mish, silu } from "../functional/activation_inplace.ts";
import { inplaceOnly, inplaceRepr } from "../activation.ts";
import { empty } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyFloat } from "../repr.ts";

/**
 * More activation layers over nn.functional, printing as PyTorch's. PyTorch's `inplace` flags are taken
 * positionally or by keyword, as for nn.ReLU; forward then overwrites its input.
 */

/** A number as Python prints the value the user passed: PyTorch keeps ints as ints (Softplus(beta=1)). */
const pyNum = (v: number) => (Number.isInteger(v) ? String(v) : pyFloat(v));

/** SiLU and Mish: PyTorch's `inplace` flag, positionally or by keyword, and its repr. */
abstract class InplaceUnary extends Module {
  readonly inplace: boolean;

  protected constructor(where: string, args: IArguments) {
    super();
    this.inplace = inplaceOnly(where, args);
  }

  override extraRepr(): string {
    return inplaceRepr(this.inplace, true);
  }
}

/** x * sigmoid(x), also called swish. */
export class SiLU extends InplaceUnary {
  /** @internal */ static override readonly builtinName: string = "SiLU";
  constructor(inplace?: boolean | InplaceOptions) {
    super("nn.SiLU()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return silu(x, { inplace: this.inplace });
  }
}

export class Mish extends InplaceUnary {
  /** @internal */ static override readonly builtinName: string = "Mish";
  constructor(inplace?: boolean | InplaceOptions) {
    super("nn.Mish()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return mish(x, { inplace: this.inplace });
  }
}

export class LogSigmoid extends Module {
  /** @internal */ static override readonly builtinName: string = "LogSigmoid";
  constructor() {
    super();
    checkArity("nn.LogSigmoid()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return logsigmoid(x);
  }
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export class ELU extends Module {
  /** @internal */ static override readonly builtinName: string = "ELU";
  readonly alpha: number;
  readonly inplace: boolean;

  /** nn.ELU(alpha=1.0, inplace=False): `new nn.ELU({ alpha, inplace })`, `(0.5)` or `(0.5, { inplace: true })`. */
  constructor(alpha?: number | (InplaceOptions & { alpha?: number }), inplace?: boolean | InplaceOptions) {
    super();
    checkArity("nn.ELU()", arguments, 2);
    const a = keywordArgs("nn.ELU()", [alpha, inplace], ["alpha", "inplace"], { alpha: "number", inplace: "boolean" }, 1);
    this.alpha = (a.alpha as number | undefined) ?? 1;
    this.inplace = a.inplace === true;
  }

  override forward(x: Tensor): Tensor {
    return elu(x, this.alpha, { inplace: this.inplace });
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}${inplaceRepr(this.inplace)}`;
  }
}

/** log(1 + exp(beta x)) / beta, linear (x) where beta x > threshold. */
export class Softplus extends Module {
  /** @internal */ static override readonly builtinName: string = "Softplus";
  readonly beta: number;
  readonly threshold: number;

  constructor(opts: { beta?: number; threshold?: number } = {}) {
    super();
    checkCall("nn.Softplus()", arguments, 1, { beta: "number", threshold: "number" }, "beta");
    this.beta = opts.beta ?? 1;
    this.threshold = opts.threshold ?? 20;
  }

  override forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${pyNum(this.beta)}, threshold=${pyNum(this.threshold)}`;
  }
}

/** x clamped to [minVal, maxVal] (default [-1, 1]); gradient 0 outside and on the bounds. */
export class Hardtanh extends Module {
  /** @internal */ static override readonly builtinName: string = "Hardtanh";
  readonly minVal: number;
  readonly maxVal: number;
  readonly inplace: boolean;

  /** nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False), positionally or by keyword. */
  constructor(minVal?: number | HardtanhOptions, maxVal?: number | HardtanhOptions, inplace?: boolean | HardtanhOptions) {
    super();
    checkArity("nn.Hardtanh()", arguments, 3);
    const spec = { minVal: "number", maxVal: "number", inplace: "boolean" } as const;
    const a = keywordArgs("nn.Hardtanh()", [minVal, maxVal, inplace], ["minVal", "maxVal", "inplace"], spec, 1);
    this.minVal = (a.minVal as number | undefined) ?? -1;
    this.maxVal = (a.maxVal as number | undefined) ?? 1;
    this.inplace = a.inplace === true;
    // PyTorch asserts max_val > min_val (an AssertionError without a message).
    if (!(this.maxVal > this.minVal)) throw new ArgumentError(`nn.Hardtanh(): maxVal (${this.maxVal}) must be greater than minVal (${this.minVal})`);
  }

  override forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal, { inplace: this.inplace });
  }

  override extraRepr(): string {
    const v = (x: number, dflt: number) => (x === dflt ? pyFloat(x) : pyNum(x));
    return `min_val=${v(this.minVal, -1)}, max_val=${v(this.maxVal, 1)}${inplaceRepr(this.inplace)}`;
  }
}

export interface PReLUOptions {
  /** 1 (one slope shared by all channels) or the number of channels (dim 1 of the input). */
  numParameters?: number;
  /** Initial slope. */
  init?: number;
  dtype?: DType;
}

/** x for x > 0, a * x otherwise, with a learnable slope `a` (the parameter "weight"). */
export class PReLU extends Module {
  /** @internal */ static override readonly builtinName: string = "PReLU";
  readonly numParameters: number;
  private readonly init: number;
  weight: Tensor;

  constructor(opts: PReLUOptions = {}) {
    super();
    checkCall("nn.PReLU()", arguments, 1, { numParameters: "int", init: "number", dtype: "string" }, "numParameters");
    this.numParameters = opts.numParameters ?? 1;
    if (this.numParameters < 0) throw new ArgumentError(`num_parameters must be a non-negative integer, got ${this.numParameters}`);
    this.init = opts.init ?? 0.25;
    this.weight = Parameter(empty([this.numParameters], { dtype: opts.dtype }));
    this.resetParameters();
  }

  resetParameters(): void {
    noGrad(() => this.weight.fill_(this.init));
  }

  override forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
