import { type OptionSpec, checkArity } from "../../options.ts";
import { checkCall } from "../check_call.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type KLDivReduction, cosineEmbeddingLoss, huberLoss, klDiv } from "../functional/extra.ts";
import {
  LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkKLDivReduction, legacyReduction,
} from "../functional/reduction.ts";
import { Loss } from "../loss.ts";
import { Module } from "../module.ts";

/** Huber loss: quadratic for |input - target| < delta, linear beyond (SmoothL1Loss scaled by delta). No sizeAverage / reduce, as PyTorch's. */
export class HuberLoss extends Loss {
  /** @internal */ static override readonly builtinName: string = "HuberLoss";
  protected static override readonly callName: string = "nn.HuberLoss()";
  protected static override readonly optionSpec: OptionSpec = { reduction: "string", delta: "number" };

  readonly delta: number;

  constructor(opts: { reduction?: Reduction; delta?: number } = {}) {
    super(opts);
    checkArity(HuberLoss.callName, arguments, 1);
    this.delta = opts.delta ?? 1;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * KL divergence loss: `input` holds log-probabilities, `target` probabilities (or log-probabilities
 * with `logTarget`). Use reduction "batchmean" for the mathematical KL divergence; "mean" (the
 * default, as in PyTorch) divides by every element and warns once.
 */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  /** @internal */ static override readonly builtinName: string = "KLDivLoss";
  readonly reduction: KLDivReduction;
  readonly logTarget: boolean;

  constructor(opts: LegacyReductionOptions & { reduction?: KLDivReduction; logTarget?: boolean } = {}) {
    super();
    checkCall("nn.KLDivLoss()", arguments, 1, { reduction: "string", logTarget: "boolean", ...LEGACY });
    this.reduction = legacyReduction(opts, checkKLDivReduction);
    this.logTarget = opts.logTarget ?? false;
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

/** Pairs labelled 1 pull together (1 - cos), pairs labelled -1 push apart (max(0, cos - margin)). */
export class CosineEmbeddingLoss extends Module<[Tensor, Tensor, Tensor], Tensor> {
  /** @internal */ static override readonly builtinName: string = "CosineEmbeddingLoss";
  readonly margin: number;
  readonly reduction: Reduction;

  constructor(opts: LegacyReductionOptions & { margin?: number; reduction?: Reduction } = {}) {
    super();
    checkCall("nn.CosineEmbeddingLoss()", arguments, 1, { margin: "number", reduction: "string", ...LEGACY }, "margin");
    this.margin = opts.margin ?? 0;
    this.reduction = legacyReduction(opts);
  }

  override forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    return cosineEmbeddingLoss(input1, input2, target, { margin: this.margin, reduction: this.reduction });
  }
}
