/**
 * The remaining loss modules of torch.nn: margin, ranking, triplet and likelihood losses. Each holds
 * its options and calls its functional form (nn/functional/loss_{margin,multiclass,triplet,likelihood}.ts).
 * Two-tensor losses extend Loss / WeightedLoss (options checked there against each class's statics);
 * the three-tensor ones are Modules of their own, as CosineEmbeddingLoss. Those PyTorch 1.13 gives the
 * deprecated sizeAverage / reduce take them too (legacyReduction); Gaussian and WithDistance do not.
 */
type Legacy = LegacyReductionOptions;
import { type OptionSpec, checkArity } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkCall } from "./check_call.ts";
import { poissonNllLoss, gaussianNllLoss } from "./functional/loss_likelihood.ts";
import { hingeEmbeddingLoss, marginRankingLoss, multilabelSoftMarginLoss, softMarginLoss } from "./functional/loss_margin.ts";
import { multiMarginLoss, multilabelMarginLoss } from "./functional/loss_multiclass.ts";
import { type DistanceFunction, tripletMarginLoss, tripletMarginWithDistanceLoss } from "./functional/loss_triplet.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkReduction, legacyReduction } from "./functional/reduction.ts";
import { Loss, WeightedLoss } from "./loss.ts";
import { ArgumentError } from "../errors.ts";
import { Module } from "./module.ts";
import { PairwiseDistance } from "./activation_more.ts";

type Triple = [Tensor, Tensor, Tensor];

/** Ranks pairs: target 1 wants input1 above input2 by `margin`, -1 below. */
export class MarginRankingLoss extends Module<Triple, Tensor> {
  /** @internal */ static override readonly builtinName: string = "MarginRankingLoss";
  readonly margin: number;
  readonly reduction: Reduction;

  constructor(opts: Legacy & { margin?: number; reduction?: Reduction } = {}) {
    super();
    checkCall("nn.MarginRankingLoss()", arguments, 1, { margin: "number", reduction: "string", ...LEGACY }, "margin");
    this.margin = opts.margin ?? 0;
    this.reduction = legacyReduction(opts);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return marginRankingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** input where target is 1, max(0, margin - input) where it is -1 (input: a distance). */
export class HingeEmbeddingLoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "HingeEmbeddingLoss";
  protected static override readonly optionSpec: OptionSpec = { margin: "number", reduction: "string", ...LEGACY };
  protected static override readonly firstPositional: string | undefined = "margin";
  readonly margin: number;

  constructor(opts: Legacy & { margin?: number; reduction?: Reduction } = {}) {
    super(opts);
    checkArity("nn.HingeEmbeddingLoss()", arguments, 1);
    this.margin = opts.margin ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return hingeEmbeddingLoss(input, target, { margin: this.margin, reduction: this.reduction });
  }
}

/** Two-class logistic loss log(1 + exp(-target * input)), targets 1 or -1. */
export class SoftMarginLoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "SoftMarginLoss";

  override forward(input: Tensor, target: Tensor): Tensor {
    return softMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** Multi-label one-versus-all logistic loss over the last dim; `weight` (buffer "weight") rescales each class. */
export class MultiLabelSoftMarginLoss extends WeightedLoss {
  /** @internal */ static override readonly builtinName: string = "MultiLabelSoftMarginLoss";

  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelSoftMarginLoss(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Multi-class hinge loss against one target class per sample; p is 1 or 2. */
export class MultiMarginLoss extends WeightedLoss {
  /** @internal */ static override readonly builtinName: string = "MultiMarginLoss";
  protected static override readonly optionSpec: OptionSpec = { p: "number", margin: "number", weight: "tensor?", reduction: "string", ...LEGACY };
  protected static override readonly firstPositional: string | undefined = "p";
  readonly p: number;
  readonly margin: number;

  constructor(opts: Legacy & { p?: number; margin?: number; weight?: Tensor | null; reduction?: Reduction } = {}) {
    super(opts);
    checkArity("nn.MultiMarginLoss()", arguments, 1);
    this.p = opts.p ?? 1;
    if (this.p !== 1 && this.p !== 2) throw new ArgumentError("only p == 1 and p == 2 supported");
    if (opts.weight && opts.weight.ndim !== 1) throw new ArgumentError("weight must be one-dimensional");
    this.margin = opts.margin ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return multiMarginLoss(input, target, { p: this.p, margin: this.margin, weight: this.weight, reduction: this.reduction });
  }
}

/** Multi-class multi-label hinge loss; the target lists each sample's classes, ended by -1. */
export class MultiLabelMarginLoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "MultiLabelMarginLoss";

  override forward(input: Tensor, target: Tensor): Tensor {
    return multilabelMarginLoss(input, target, { reduction: this.reduction });
  }
}

/** Poisson negative log likelihood of counts; the input is log(rate) unless `logInput` is false. */
export class PoissonNLLLoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "PoissonNLLLoss";
  protected static override readonly optionSpec: OptionSpec = { logInput: "boolean", full: "boolean", eps: "number", reduction: "string", ...LEGACY };
  protected static override readonly firstPositional: string | undefined = "logInput";
  readonly logInput: boolean;
  readonly full: boolean;
  readonly eps: number;

  constructor(opts: Legacy & { logInput?: boolean; full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    super(opts);
    checkArity("nn.PoissonNLLLoss()", arguments, 1);
    this.logInput = opts.logInput ?? true;
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-8;
  }

  override forward(logInput: Tensor, target: Tensor): Tensor {
    return poissonNllLoss(logInput, target, { logInput: this.logInput, full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Gaussian negative log likelihood of the target under mean `input` and variance `var`. */
export class GaussianNLLLoss extends Module<Triple, Tensor> {
  /** @internal */ static override readonly builtinName: string = "GaussianNLLLoss";
  readonly full: boolean;
  readonly eps: number;
  readonly reduction: Reduction;

  constructor(opts: { full?: boolean; eps?: number; reduction?: Reduction } = {}) {
    super();
    checkCall("nn.GaussianNLLLoss()", arguments, 1, { full: "boolean", eps: "number", reduction: "string" });
    this.full = opts.full ?? false;
    this.eps = opts.eps ?? 1e-6;
    this.reduction = checkReduction(opts.reduction ?? "mean");
  }

  override forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussianNllLoss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}

/** Triplet loss with the p-norm distance: max(0, margin + d(a, p) - d(a, n)). */
export class TripletMarginLoss extends Module<Triple, Tensor> {
  /** @internal */ static override readonly builtinName: string = "TripletMarginLoss";
  readonly margin: number;
  readonly p: number;
  readonly eps: number;
  readonly swap: boolean;
  readonly reduction: Reduction;

  constructor(opts: Legacy & { margin?: number; p?: number; eps?: number; swap?: boolean; reduction?: Reduction } = {}) {
    super();
    const spec = { margin: "number", p: "number", eps: "number", swap: "boolean", reduction: "string", ...LEGACY } as const;
    checkCall("nn.TripletMarginLoss()", arguments, 1, spec, "margin");
    this.margin = opts.margin ?? 1;
    this.p = opts.p ?? 2;
    this.eps = opts.eps ?? 1e-6;
    this.swap = opts.swap ?? false;
    this.reduction = legacyReduction(opts);
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const { margin, p, eps, swap, reduction } = this;
    return tripletMarginLoss(anchor, positive, negative, { margin, p, eps, swap, reduction });
  }
}

/** A distance as a function, or as a module of two tensors (then a child, shown in the repr as PyTorch's). */
export type DistanceModule = Module<[Tensor, Tensor], Tensor>;

/** Triplet loss with any distance function (by default the child PairwiseDistance(), as in PyTorch). */
export class TripletMarginWithDistanceLoss extends Module<Triple, Tensor> {
  /** @internal */ static override readonly builtinName: string = "TripletMarginWithDistanceLoss";
  readonly distanceFunction: DistanceFunction | DistanceModule;
  readonly margin: number;
  readonly swap: boolean;
  readonly reduction: Reduction;

  constructor(opts: { distanceFunction?: DistanceFunction | DistanceModule | null; margin?: number; swap?: boolean; reduction?: Reduction } = {}) {
    super();
    const spec = { distanceFunction: opts.distanceFunction instanceof Module ? "any" : "function?", margin: "number", swap: "boolean", reduction: "string" } as const;
    checkCall("nn.TripletMarginWithDistanceLoss()", arguments, 1, spec);
    this.distanceFunction = opts.distanceFunction ?? new PairwiseDistance();
    if (this.distanceFunction instanceof Module) this.renameStateKey("distanceFunction", "distance_function");
    this.margin = opts.margin ?? 1;
    this.swap = opts.swap ?? false;
    this.reduction = checkReduction(opts.reduction ?? "mean");
  }

  override forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    const { distanceFunction: d, margin, swap, reduction } = this;
    const distanceFunction = d instanceof Module ? (a: Tensor, b: Tensor) => d.forward(a, b) : d;
    return tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction, margin, swap, reduction });
  }
}
