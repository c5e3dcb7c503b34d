import type { Tensor } from "../tensor/tensor.ts";
import { type CrossEntropyOptions, crossEntropy, nllLoss } from "./functional/cross_entropy.ts";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, mseLoss, smoothL1Loss } from "./functional/loss.ts";
import { type Reduction, checkReduction } from "./functional/reduction.ts";
import { Module } from "./module.ts";

/**
 * Loss modules: `loss = criterion.forward(input, target)`. Class weights and BCE's posWeight are
 * buffers named "weight" / "pos_weight", so they appear in `stateDict()` as in PyTorch.
 */
export class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor(opts: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction(opts.reduction ?? "mean");
  }
}

/** A loss with an optional per-class (or per-element) rescaling weight, kept as the buffer "weight". */
export class WeightedLoss extends Loss {
  constructor(opts: { reduction?: Reduction; weight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer("weight", opts.weight ?? null);
  }

  get weight(): Tensor | null {
    return this.getBuffer("weight");
  }
}

export class L1Loss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends Loss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(opts: { reduction?: Reduction; beta?: number } = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(opts: { reduction?: Reduction; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Cross entropy of logits against class indices [N] (int64) or class probabilities [N, C]. */
export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(opts: CrossEntropyOptions = {}) {
    super(opts);
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
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Sigmoid + binary cross entropy in one numerically stable step; `posWeight` weighs positives per class. */
export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(opts: { reduction?: Reduction; weight?: Tensor | null; posWeight?: Tensor | null } = {}) {
    super(opts);
    this.registerBuffer("pos_weight", opts.posWeight ?? null);
  }

  get posWeight(): Tensor | null {
    return this.getBuffer("pos_weight");
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
