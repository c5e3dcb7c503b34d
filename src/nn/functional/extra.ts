/** Functional forms of nn/extra (F.interpolate, F.groupNorm, ...) and the losses KLDiv, Huber, CosineEmbedding. */
import { checkOptions } from "../../options.ts";
import { asOneNode } from "../../autograd/fused.ts";
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { abs, add, clamp, eq, exp, ge, log, logicalNot, mul, rsub, sqrt, sub } from "../../ops/elementwise.ts";
import { where } from "../../ops/indexing.ts";
import { sum } from "../../ops/reduce.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import {
  LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkFloatInput, hasLegacyReduction,
  legacyReduction, lossArgs, promoteBoolTarget, reduce,
} from "./reduction.ts";

export { convTranspose2d, type ConvTransposeOptions } from "../../ops/conv_transpose.ts";
export { interpolate, type InterpolateMode, type InterpolateOptions } from "../../ops/interpolate.ts";
export { groupNorm, instanceNorm } from "../../ops/group_norm.ts";
export { elu, hardtanh, logsigmoid, mish, prelu, softplus } from "../../ops/activation_extra.ts";

export type KLDivReduction = Reduction | "batchmean";

let klMeanWarned = false;

/**
 * Kullback-Leibler divergence of `target` from `input` (log-probabilities), pointwise
 * target * (log(target) - input) (0 where target is 0), or exp(t) * (t - input) with `logTarget`.
 * "batchmean" divides the sum by the batch size (the true KL divergence); "mean" divides by every
 * element and warns, as PyTorch does. The deprecated sizeAverage / reduce decide the reduction when
 * set, and PyTorch 1.13 then still divides their result by the batch size where `reduction` is "batchmean".
 */
export function klDiv(
  input: Tensor, target: Tensor, opts: LegacyReductionOptions & { reduction?: KLDivReduction; logTarget?: boolean } = {},
): Tensor {
  checkOptions("F.klDiv()", opts, { reduction: "any", logTarget: "boolean", ...LEGACY }, { index: 3, positional: "reduction" });
  const reduction = opts.reduction ?? "mean";
  if (reduction === "mean" && !hasLegacyReduction(opts) && !klMeanWarned) {
    klMeanWarned = true;
    console.warn("reduction: 'mean' divides the total loss by both the batch size and the support size. 'batchmean' divides only by the batch size, as the KL divergence does.");
  }
  const r = legacyReduction({ ...opts, reduction: reduction === "batchmean" ? "sum" : reduction });
  checkFloatInput(input, "kl_div");
  Tensor.check(target, "target");
  if (!isFloating(target.dtype)) throw new DTypeError("kl_div: Integral inputs not supported.");
  let pointwise: Tensor;
  if (opts.logTarget) pointwise = mul(exp(target), sub(target, input));
  // xlogy(t, t): 0 where t is 0 (NaN stays NaN).
  else pointwise = sub(where(eq(target, 0), 0, mul(target, log(target))), mul(target, input));
  const out = reduce(pointwise, r);
  return reduction === "batchmean" && input.ndim !== 0 ? out.div(input.shape[0]!) : out;
}

/** Huber loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta) (d = input - target). */
export function huberLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; delta?: number } = {}): Tensor {
  const r = lossArgs("F.huberLoss()", "huber_loss", input, target, opts, { reduction: "any", delta: "number" });
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new ArgumentError("huber_loss does not support non-positive values for delta.");
  return asOneNode("HuberLossBackward0", [input, promoteBoolTarget(input, target)], (x, y) => {
    const d = sub(x!, y!);
    const ad = abs(d);
    // NaN takes the square branch, as in PyTorch's kernel
    const small = logicalNot(ge(ad, delta));
    // the square of d clamped to [-delta, delta]: where the square is not taken its zero gradient would
    // otherwise meet an infinite d (0 * inf = NaN). (A NaN d gets gradient 0 here, NaN in PyTorch: a
    // where() over d would fix that but is not differentiable twice.)
    const ds = clamp(d, -delta, delta);
    return reduce(where(small, mul(mul(ds, ds), 0.5), mul(sub(ad, 0.5 * delta), delta)), r);
  });
}

/** PyTorch's EPSILON in cosine_embedding_loss, added to each squared norm. */
const COS_EPS = 1e-12;

/**
 * Cosine embedding loss of pairs (input1[i], input2[i]) labelled 1 (similar: 1 - cos) or -1
 * (dissimilar: max(0, cos - margin)); [N, D] inputs with an [N] target, or [D] inputs with a 0-d one.
 * Composed as PyTorch's, so the gradients are those of the same expression.
 */
export function cosineEmbeddingLoss(
  input1: Tensor, input2: Tensor, target: Tensor, opts: LegacyReductionOptions & { margin?: number; reduction?: Reduction } = {},
): Tensor {
  checkOptions("F.cosineEmbeddingLoss()", opts, { margin: "number", reduction: "any", ...LEGACY }, { index: 4, positional: "margin" });
  const r = legacyReduction(opts);
  const margin = opts.margin ?? 0;
  checkFloatInput(input1, "cosine_embedding_loss");
  Tensor.check(input2, "input2");
  Tensor.check(target, "target");
  const td = target.ndim;
  if (td !== 0 && td !== 1) throw new ShapeError("0D or 1D target tensor expected, multi-target not supported");
  if (input1.ndim !== td + 1 || input2.ndim !== td + 1) {
    throw new ShapeError(`${td}D target tensor expects ${td + 1}D input tensors, but found inputs with sizes ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}.`);
  }
  const prodSum = sum(mul(input1, input2), td);
  const mag1 = add(sum(mul(input1, input1), td), COS_EPS);
  const mag2 = add(sum(mul(input2, input2), td), COS_EPS);
  const cos = prodSum.div(sqrt(mul(mag1, mag2)));
  const pos = rsub(1, cos);
  const neg = clamp(sub(cos, margin), 0);
  const out = add(where(eq(target, 1), pos, 0), where(eq(target, -1), neg, 0));
  return reduce(out, r);
}
