import { ShapeError } from "../errors.ts";
import { checkArg, checkArity, keywordArgs } from "../options.ts";
import { softmax as softmaxOp } from "../ops/softmax.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { inplaceOnly, inplaceRepr } from "./activation.ts";
import type { InplaceOptions } from "./functional/activation_inplace.ts";
import * as F from "./functional/activation_more.ts";
import { Module } from "./module.ts";
import { pyFloat } from "./repr.ts";

/**
 * The remaining activation layers of torch.nn (ReLU6, Hardswish, SELU, CELU, RReLU, the shrinks, Threshold,
 * Softmin, GLU, Softmax2d) and the distance layers CosineSimilarity and PairwiseDistance, over
 * functional/activation_more.ts. Constructor arguments are PyTorch's, positionally or by keyword.
 */

/** A number as Python prints what the user passed, the default being a float literal (`alpha=1.0`). */
const pyNumber = (v: number, dflt?: number): string => (Number.isInteger(v) && v !== dflt ? String(v) : pyFloat(v));

/** Layers whose only argument is `inplace`. */
abstract class InplaceLayer extends Module {
  readonly inplace: boolean;
  protected constructor(where: string, args: IArguments, private readonly showInplace: boolean) {
    super();
    this.inplace = inplaceOnly(where, args);
  }

  override extraRepr(): string {
    return this.showInplace ? inplaceRepr(this.inplace, true) : "";
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends InplaceLayer {
  /** @internal */ static override readonly builtinName: string = "ReLU6";
  constructor(inplace?: boolean | InplaceOptions) {
    super("nn.ReLU6()", arguments, true);
  }

  override forward(x: Tensor): Tensor {
    return F.relu6(x, this.inplace);
  }
}

/** x * relu6(x + 3) / 6 (PyTorch prints no `inplace` for it). */
export class Hardswish extends InplaceLayer {
  /** @internal */ static override readonly builtinName: string = "Hardswish";
  constructor(inplace?: boolean | InplaceOptions) {
    super("nn.Hardswish()", arguments, false);
  }

  override forward(x: Tensor): Tensor {
    return F.hardswish(x, this.inplace);
  }
}

/** relu6(x + 3) / 6 (PyTorch prints no `inplace` for it). */
export class Hardsigmoid extends InplaceLayer {
  /** @internal */ static override readonly builtinName: string = "Hardsigmoid";
  constructor(inplace?: boolean | InplaceOptions) {
    super("nn.Hardsigmoid()", arguments, false);
  }

  override forward(x: Tensor): Tensor {
    return F.hardsigmoid(x, this.inplace);
  }
}

/** scale * elu(x, alpha), with the constants that keep activations normalised. */
export class SELU extends InplaceLayer {
  /** @internal */ static override readonly builtinName: string = "SELU";
  constructor(inplace?: boolean | InplaceOptions) {
    super("nn.SELU()", arguments, true);
  }

  override forward(x: Tensor): Tensor {
    return F.selu(x, this.inplace);
  }
}

/** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export class CELU extends Module {
  /** @internal */ static override readonly builtinName: string = "CELU";
  readonly alpha: number;
  readonly inplace: boolean;

  /** nn.CELU(alpha=1.0, inplace=False). */
  constructor(alpha?: number | F.CeluOptions, inplace?: boolean | InplaceOptions) {
    super();
    checkArity("nn.CELU()", arguments, 2);
    const a = keywordArgs("nn.CELU()", [alpha, inplace], ["alpha", "inplace"], { alpha: "number", inplace: "boolean" }, 1);
    this.alpha = (a.alpha as number | undefined) ?? 1;
    this.inplace = a.inplace === true;
  }

  override forward(x: Tensor): Tensor {
    return F.celu(x, this.alpha, this.inplace);
  }

  override extraRepr(): string {
    return `alpha=${pyNumber(this.alpha, 1)}${inplaceRepr(this.inplace)}`;
  }
}

/** Leaky ReLU with a random negative slope from U(lower, upper) in training, their mean in eval. */
export class RReLU extends Module {
  /** @internal */ static override readonly builtinName: string = "RReLU";
  readonly lower: number;
  readonly upper: number;
  readonly inplace: boolean;

  /** nn.RReLU(lower=1/8, upper=1/3, inplace=False). */
  constructor(lower?: number | F.RreluOptions, upper?: number | F.RreluOptions, inplace?: boolean | F.RreluOptions) {
    super();
    checkArity("nn.RReLU()", arguments, 3);
    const a = keywordArgs("nn.RReLU()", [lower, upper, inplace], ["lower", "upper", "inplace"], { lower: "number", upper: "number", inplace: "boolean" }, 1);
    this.lower = (a.lower as number | undefined) ?? 1 / 8;
    this.upper = (a.upper as number | undefined) ?? 1 / 3;
    this.inplace = a.inplace === true;
  }

  override forward(x: Tensor): Tensor {
    return F.rrelu(x, this.lower, this.upper, this.training, this.inplace);
  }

  override extraRepr(): string {
    return `lower=${pyFloat(this.lower)}, upper=${pyFloat(this.upper)}${inplaceRepr(this.inplace)}`;
  }
}

/** x where x > threshold, else value. */
export class Threshold extends Module {
  /** @internal */ static override readonly builtinName: string = "Threshold";
  readonly threshold: number;
  readonly value: number;
  readonly inplace: boolean;

  /** nn.Threshold(threshold, value, inplace=False). */
  constructor(threshold: number | F.ThresholdOptions, value?: number | F.ThresholdOptions, inplace?: boolean | F.ThresholdOptions) {
    super();
    checkArity("nn.Threshold()", arguments, 3);
    const spec = { threshold: "number", value: "number", inplace: "boolean" } as const;
    const a = keywordArgs("nn.Threshold()", [threshold, value, inplace], ["threshold", "value", "inplace"], spec, 1);
    checkArg("nn.Threshold()", a.threshold, "number", 1, "threshold");
    checkArg("nn.Threshold()", a.value, "number", 2, "value");
    this.threshold = a.threshold as number;
    this.value = a.value as number;
    this.inplace = a.inplace === true;
  }

  override forward(x: Tensor): Tensor {
    return F.threshold(x, this.threshold, this.value, this.inplace);
  }

  override extraRepr(): string {
    return `threshold=${pyNumber(this.threshold)}, value=${pyNumber(this.value)}${inplaceRepr(this.inplace)}`;
  }
}

/** Softshrink and Hardshrink: `lambd`, printed bare as PyTorch's extra_repr does. */
abstract class Shrink extends Module {
  readonly lambd: number;
  protected constructor(where: string, args: IArguments) {
    super();
    checkArity(where, args, 1);
    this.lambd = (keywordArgs(where, [args[0]], ["lambd"], { lambd: "number" }, 1).lambd as number | undefined) ?? 0.5;
  }

  override extraRepr(): string {
    return pyNumber(this.lambd, 0.5);
  }
}

export class Softshrink extends Shrink {
  /** @internal */ static override readonly builtinName: string = "Softshrink";
  constructor(lambd?: number | { lambd?: number }) {
    super("nn.Softshrink()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return F.softshrink(x, this.lambd);
  }
}

export class Hardshrink extends Shrink {
  /** @internal */ static override readonly builtinName: string = "Hardshrink";
  constructor(lambd?: number | { lambd?: number }) {
    super("nn.Hardshrink()", arguments);
  }

  override forward(x: Tensor): Tensor {
    return F.hardshrink(x, this.lambd);
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module {
  /** @internal */ static override readonly builtinName: string = "Softsign";
  constructor() {
    super();
    checkArity("nn.Softsign()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return F.softsign(x);
  }
}

/** x - tanh(x). */
export class Tanhshrink extends Module {
  /** @internal */ static override readonly builtinName: string = "Tanhshrink";
  constructor() {
    super();
    checkArity("nn.Tanhshrink()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    return F.tanhshrink(x);
  }
}

/** Softmax over the channels of [N, C, H, W] or [C, H, W] (dim -3). */
export class Softmax2d extends Module {
  /** @internal */ static override readonly builtinName: string = "Softmax2d";
  constructor() {
    super();
    checkArity("nn.Softmax2d()", arguments, 0);
  }

  override forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError("Softmax2d requires a 3D or 4D tensor as input");
    return softmaxOp(x, -3);
  }
}

/** softmax(-x) over `dim` (when omitted, softmax's legacy choice). */
export class Softmin extends Module {
  /** @internal */ static override readonly builtinName: string = "Softmin";
  readonly dim: number | null;
  constructor(dim?: number | null | { dim?: number | null }) {
    super();
    checkArity("nn.Softmin()", arguments, 1);
    this.dim = (keywordArgs("nn.Softmin()", [dim], ["dim"], { dim: "int?" }, 1).dim as number | null | undefined) ?? null;
  }

  override forward(x: Tensor): Tensor {
    return F.softmin(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? "None"}`;
  }
}

/** a * sigmoid(b) for the halves a, b of `dim`. */
export class GLU extends Module {
  /** @internal */ static override readonly builtinName: string = "GLU";
  readonly dim: number;
  constructor(dim?: number | { dim?: number }) {
    super();
    checkArity("nn.GLU()", arguments, 1);
    this.dim = (keywordArgs("nn.GLU()", [dim], ["dim"], { dim: "int" }, 1).dim as number | undefined) ?? -1;
  }

  override forward(x: Tensor): Tensor {
    return F.glu(x, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Cosine similarity of x1 and x2 along `dim` (PyTorch prints no settings for it). */
export class CosineSimilarity extends Module<[Tensor, Tensor], Tensor> {
  /** @internal */ static override readonly builtinName: string = "CosineSimilarity";
  readonly dim: number;
  readonly eps: number;
  constructor(dim?: number | F.CosineSimilarityOptions, eps?: number | F.CosineSimilarityOptions) {
    super();
    checkArity("nn.CosineSimilarity()", arguments, 2);
    const a = keywordArgs("nn.CosineSimilarity()", [dim, eps], ["dim", "eps"], { dim: "int", eps: "number" }, 1);
    this.dim = (a.dim as number | undefined) ?? 1;
    this.eps = (a.eps as number | undefined) ?? 1e-8;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.cosineSimilarity(x1, x2, this.dim, this.eps);
  }
}

/** The p-norm of x1 - x2 + eps over the last dim (PyTorch prints no settings for it). */
export class PairwiseDistance extends Module<[Tensor, Tensor], Tensor> {
  /** @internal */ static override readonly builtinName: string = "PairwiseDistance";
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;
  constructor(p?: number | F.PairwiseDistanceOptions, eps?: number | F.PairwiseDistanceOptions, keepdim?: boolean | F.PairwiseDistanceOptions) {
    super();
    checkArity("nn.PairwiseDistance()", arguments, 3);
    const a = keywordArgs("nn.PairwiseDistance()", [p, eps, keepdim], ["p", "eps", "keepdim"], { p: "number", eps: "number", keepdim: "boolean" }, 1);
    this.norm = (a.p as number | undefined) ?? 2;
    this.eps = (a.eps as number | undefined) ?? 1e-6;
    this.keepdim = a.keepdim === true;
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return F.pairwiseDistance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}
