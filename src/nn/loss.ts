import { type OptionSpec, checkArity, checkOptions } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type CrossEntropyOptions, crossEntropy, nllLoss } from "./functional/cross_entropy.ts";
import { type ReductionOptions, binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, mseLoss, smoothL1Loss } from "./functional/loss.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type Reduction, legacyReduction } from "./functional/reduction.ts";
import { Module } from "./module.ts";

/**
 * Loss modules: `loss = criterion.forward(input, target)`. Class weights and BCE's posWeight are
 * buffers named "weight" / "pos_weight", so they appear in `stateDict()` as in PyTorch.
 *
 * Each class declares its name and options as statics; Loss's constructor checks the options object
 * against those of the class actually constructed (`new.target`), so a subclass that passes its
 * options up is checked as itself. PyTorch 1.13's deprecated sizeAverage / reduce are in the specs of
 * the losses it gives them to, and decide `reduction` when set (legacyReduction), as PyTorch's _Loss.
 */
const callName = (cls: { builtinName: string }): string => `nn.${cls.builtinName}()`;

export class Loss extends Module<[Tensor, Tensor], Tensor> {
  /** @internal */ static override readonly builtinName: string = "Loss";
  /** How argument errors name the class, `nn.<builtinName>()` (a class's own name does not survive minification). */
  protected static readonly callName: string = "nn.Loss()";
  /** The options the constructor accepts, checked at run time (see options.ts). */
  protected static readonly optionSpec: OptionSpec = { reduction: "string", ...LEGACY };
  /** PyTorch's first positional argument, where it is one of the options (the class weight). */
  protected static readonly firstPositional: string | undefined = undefined;

  readonly reduction: Reduction;

  constructor(opts: ReductionOptions = {}) {
    super();
    const cls = new.target;
    checkOptions(callName(cls), opts, cls.optionSpec, { index: 1, positional: cls.firstPositional });
    checkArity(callName(cls), arguments, 1);
    this.reduction = legacyReduction(opts);
  }
}

/** A loss with an optional per-class (or per-element) rescaling weight, kept as the buffer "weight". */
export class WeightedLoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "WeightedLoss";
  protected static override readonly optionSpec: OptionSpec = { reduction: "string", weight: "tensor?", ...LEGACY };
  protected static override readonly firstPositional: string | undefined = "weight";

  constructor(opts: ReductionOptions & { weight?: Tensor | null } = {}) {
    super(opts);
    checkArity(callName(new.target), arguments, 1);
    this.registerBuffer("weight", opts.weight ?? null);
  }

  get weight(): Tensor | null {
    return this.getBuffer("weight");
  }
}

export class L1Loss extends Loss {
  /** @internal */ static override readonly builtinName: string = "L1Loss";

  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "MSELoss";

  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  /** @internal */ static override readonly builtinName: string = "SmoothL1Loss";
  protected static override readonly optionSpec: OptionSpec = { reduction: "string", beta: "number", ...LEGACY };

  readonly beta: number;

  constructor(opts: ReductionOptions & { beta?: number } = {}) {
    super(opts);
    checkArity(callName(SmoothL1Loss), arguments, 1);
    this.beta = opts.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class NLLLoss extends WeightedLoss {
  /** @internal */ static override readonly builtinName: string = "NLLLoss";
  protected static override readonly optionSpec: OptionSpec = { reduction: "string", weight: "tensor?", ignoreIndex: "int", ...LEGACY };

  readonly ignoreIndex: number;

  constructor(opts: ReductionOptions & { weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    checkArity(callName(NLLLoss), arguments, 1);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Cross entropy of logits against class indices [N] (int64) or class probabilities [N, C]. */
export class CrossEntropyLoss extends WeightedLoss {
  /** @internal */ static override readonly builtinName: string = "CrossEntropyLoss";
  protected static override readonly optionSpec: OptionSpec = {
    reduction: "string", weight: "tensor?", ignoreIndex: "int", labelSmoothing: "number", ...LEGACY,
  };

  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: CrossEntropyOptions = {}) {
    super(opts);
    checkArity(callName(CrossEntropyLoss), arguments, 1);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight,
      ignoreIndex: this.ignoreIndex,
      labelSmoothing: this.labelSmoothing,
      reduction: this.reduction,
    });
  }
}

/** Binary cross entropy on probabilities in [0, 1] (logs clamped to >= -100). */
export class BCELoss extends WeightedLoss {
  /** @internal */ static override readonly builtinName: string = "BCELoss";

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Sigmoid + binary cross entropy in one numerically stable step; `posWeight` weighs positives per class. */
export class BCEWithLogitsLoss extends WeightedLoss {
  /** @internal */ static override readonly builtinName: string = "BCEWithLogitsLoss";
  protected static override readonly optionSpec: OptionSpec = { reduction: "string", weight: "tensor?", posWeight: "tensor?", ...LEGACY };

  constructor(opts: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(opts);
    checkArity(callName(BCEWithLogitsLoss), arguments, 1);
    this.registerBuffer("pos_weight", opts.posWeight ?? null);
  }

  get posWeight(): Tensor | null {
    return this.getBuffer("pos_weight");
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
