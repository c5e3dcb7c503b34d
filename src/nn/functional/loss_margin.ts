/**
 * Margin losses over paired or labelled scores (`torch.nn.functional`): marginRankingLoss,
 * hingeEmbeddingLoss, softMarginLoss and multilabelSoftMarginLoss. Each broadcasts its operands as
 * PyTorch does (it composes them elementwise without a size check), and each is composed as PyTorch
 * composes it, so the gradients are those of the same expression.
 */
import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { asOneNode } from "../../autograd/fused.ts";
import { isGradEnabled } from "../../autograd/grad_mode.ts";
import { logsigmoid } from "../../ops/activation_extra.ts";
import { ArgumentError, IndexError, ShapeError } from "../../errors.ts";
import { add, clamp, exp, log1p, mul, ne, neg, rsub, sub } from "../../ops/elementwise.ts";
import { where } from "../../ops/indexing.ts";
import { sum } from "../../ops/reduce.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkFloatInput, legacyReduction, reduce } from "./reduction.ts";

export interface MarginOptions extends LegacyReductionOptions {
  margin?: number;
  reduction?: Reduction;
}

/** PyTorch's message for a bad reduction in the losses written in Python around `reduction != ...`. */
export function checkReductionShort(r: unknown): Reduction {
  if (r === "none" || r === "mean" || r === "sum") return r;
  throw new ArgumentError(`${String(r)} is not valid`);
}

/** Integer operands give a float32 loss, as PyTorch's float margins and eps promote them. */
export const floatOf = (t: Tensor): Tensor => (isFloating(t.dtype) ? t : t.to("float32"));

/**
 * max(0, -target * (input1 - input2) + margin): target 1 ranks input1 above input2, -1 below.
 * The three tensors must have the same number of dims; their sizes broadcast.
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  checkOptions("F.marginRankingLoss()", opts, { margin: "number", reduction: "any", ...LEGACY }, { index: 4, positional: "margin" });
  const r = legacyReduction(opts);
  Tensor.check(input1, "input1");
  Tensor.check(input2, "input2");
  Tensor.check(target, "target");
  if (input1.ndim !== input2.ndim || input1.ndim !== target.ndim) {
    throw new ShapeError(
      `margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: ${fmtShape(input1.shape)}, input2: ${fmtShape(input2.shape)}, target: ${fmtShape(target.shape)}`,
    );
  }
  const ranked = floatOf(add(mul(neg(target), sub(input1, input2)), opts.margin ?? 0));
  return reduce(clamp(ranked, 0), r);
}

/**
 * input where target != -1, plus max(0, margin - input) where target != 1 (so a target of 1 or -1
 * picks one term; any other value counts both, as in PyTorch).
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts: MarginOptions = {}): Tensor {
  checkOptions("F.hingeEmbeddingLoss()", opts, { margin: "number", reduction: "any", ...LEGACY }, { index: 3, positional: "margin" });
  const r = legacyReduction(opts);
  checkFloatInput(input, "hinge_embedding_loss");
  Tensor.check(target, "target");
  const outside = clamp(rsub(opts.margin ?? 1, input), 0);
  return reduce(add(where(ne(target, 1), outside, 0), where(ne(target, -1), input, 0)), r);
}

/** log(1 + exp(-target * input)), the two-class logistic loss; not differentiable in the target. */
export function softMarginLoss(input: Tensor, target: Tensor, opts: LegacyReductionOptions & { reduction?: Reduction } = {}): Tensor {
  checkOptions("F.softMarginLoss()", opts, { reduction: "any", ...LEGACY }, { index: 3, positional: "reduction" });
  const r = legacyReduction(opts);
  checkFloatInput(input, "soft_margin_loss");
  Tensor.check(target, "target");
  if (target.requiresGrad && isGradEnabled()) {
    throw new ArgumentError("The function 'soft_margin_loss' is not differentiable with respect to argument 'target'. This input cannot have requires_grad True.");
  }
  return asOneNode("SoftMarginLossBackward0", [input], (x) => reduce(log1p(exp(neg(mul(x!, target)))), r));
}

/**
 * Per sample, the mean over the last (class) dim of -w (y log sigmoid(x) + (1 - y) log sigmoid(-x));
 * `weight` broadcasts against the input. The result has the input's shape without its last dim.
 */
export function multilabelSoftMarginLoss(
  input: Tensor, target: Tensor, opts: LegacyReductionOptions & { weight?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  checkOptions("F.multilabelSoftMarginLoss()", opts, { weight: "tensor?", reduction: "any", ...LEGACY }, { index: 3, positional: "weight" });
  checkFloatInput(input, "multilabel_soft_margin_loss");
  Tensor.check(target, "target");
  let loss = neg(add(mul(target, logsigmoid(input)), mul(rsub(1, target), logsigmoid(neg(input)))));
  if (opts.weight) loss = mul(loss, opts.weight);
  if (input.ndim === 0) throw new IndexError("Dimension specified as -1 but tensor has no dimensions");
  const classDim = input.ndim - 1;
  const perSample = sum(loss, classDim).div(input.shape[classDim]!);
  return reduce(perSample, legacyReduction(opts, checkReductionShort));
}
