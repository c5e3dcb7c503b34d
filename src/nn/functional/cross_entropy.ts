import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { isGradEnabled, noGrad } from "../../autograd/grad_mode.ts";
import { record } from "../../autograd/record.ts";
import { asOneNode, passThrough } from "../../autograd/fused.ts";
import { ArgumentError, DTypeError, IndexError, ShapeError } from "../../errors.ts";
import { add, div, eq, exp, mul, ne, neg, sub } from "../../ops/elementwise.ts";
import { gather, indexSelect, where } from "../../ops/indexing.ts";
import { sum } from "../../ops/reduce.ts";
import { fusedCrossEntropy } from "../../ops/cross_entropy_fused.ts";
import { logSoftmax, softmax } from "../../ops/softmax.ts";
import { reshape, squeeze, unsqueeze } from "../../ops/views.ts";
import { arange } from "../../tensor/creation.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { fmtShape, sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkFloatInput, legacyReduction } from "./reduction.ts";

/**
 * Classification losses over a class dim (dim 1, or dim 0 for one unbatched sample): nllLoss and
 * crossEntropy, with class-index targets [N, d1...] or (crossEntropy) probability targets shaped like
 * the input. Inputs may be [N, C], [N, C, d1, ...] or [C].
 */

export interface ClassLossOptions extends LegacyReductionOptions {
  /** A rescaling weight per class, shape [C]. Not differentiated. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (class-index targets only). */
  ignoreIndex?: number;
  reduction?: Reduction;
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** Mixes the target with the uniform distribution: (1 - s) target + s / C. */
  labelSmoothing?: number;
}

interface IndexTargets {
  /** The input with a batch dim ([1, C] for an unbatched [C] input). */
  x: Tensor;
  /** Targets with ignored entries replaced by 0 (safe to gather with). */
  safe: Tensor;
  /** Per-target weight, 0 where ignored: w[target] * (target != ignoreIndex), in the input's dtype. */
  wy: Tensor;
  /** 1 where counted, 0 where ignored. */
  valid: Tensor;
  /** The class weight viewed as [1, C, 1, ...], or null. */
  wb: Tensor | null;
  unbatched: boolean;
  classes: number;
}

function checkClassWeight(weight: Tensor | null | undefined, classes: number): Tensor | null {
  if (weight === null || weight === undefined) return null;
  Tensor.check(weight, "weight");
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new ShapeError(
      `weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${fmtShape(weight.shape)}`,
    );
  }
  return weight.detach();
}

/** Validates a class-index target's dtype and shape against the input (not its values). */
function checkIndexTarget(input: Tensor, target: Tensor): { x: Tensor; y: Tensor; unbatched: boolean } {
  if (target.dtype !== "int64" && target.dtype !== "int32") {
    throw new DTypeError(`expected scalar type Long but found ${target.dtype} (class-index target)`);
  }
  if (input.ndim === 0) throw new ShapeError("input must have at least 1 dimension (the class dim), got a 0-d tensor");
  const unbatched = input.ndim === 1;
  if (unbatched && target.ndim !== 0) {
    throw new ShapeError(`Expected a 0-D target for a 1-D input of shape ${fmtShape(input.shape)}, got target of shape ${fmtShape(target.shape)}`);
  }
  const x = unbatched ? unsqueeze(input, 0) : input;
  const y = unbatched ? reshape(target, [1]) : target;
  const n = x.shape[0]!;
  if (y.ndim === 0 || y.shape[0] !== n) {
    throw new ShapeError(
      `Expected input batch_size (${n}) to match target batch_size (${y.ndim === 0 ? 0 : y.shape[0]}) (input shape ${fmtShape(input.shape)}, target shape ${fmtShape(target.shape)}).`,
    );
  }
  const expected = [n, ...x.shape.slice(2)];
  if (!sameShape(expected, y.shape)) throw new ShapeError(`Expected target size ${fmtShape(expected)}, got ${fmtShape(y.shape)}`);
  return { x, y, unbatched };
}

/** Validates a class-index target against the input and builds the index/weight tensors. */
function indexTargets(input: Tensor, target: Tensor, weight: Tensor | null | undefined, ignoreIndex: number): IndexTargets {
  const { x, y, unbatched } = checkIndexTarget(input, target);
  const classes = x.shape[1]!;
  for (const v of y.toTypedArray()) {
    if (v !== ignoreIndex && (v < 0 || v >= classes)) throw new IndexError(`Target ${v} is out of bounds for ${classes} classes`);
  }
  const w = checkClassWeight(weight, classes);
  return noGrad(() => {
    const keep = ne(y, ignoreIndex);
    const safe = where(keep, y, 0);
    const valid = keep.to(x.dtype);
    const wy = w ? mul(reshape(indexSelect(w.to(x.dtype), 0, reshape(safe, [-1])), safe.shape), valid) : valid;
    const wb = w ? reshape(w.to(x.dtype), [1, classes, ...x.shape.slice(2).map(() => 1)]) : null;
    return { x, safe, wy, valid, wb, unbatched, classes };
  });
}

/** Negative log likelihood of log-probabilities: -w[y] * input[n, y], ignored targets excluded. */
export function nllLoss(input: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  checkOptions("F.nllLoss()", opts, { weight: "tensor?", ignoreIndex: "int", reduction: "any", ...LEGACY }, { index: 3, positional: "weight" });
  const r = legacyReduction(opts);
  checkFloatInput(input, "nll_loss");
  Tensor.check(target, "target");
  return asOneNode("NllLossBackward0", [input], (input) => nll(input!, target, opts, r));
}

function nll(input: Tensor, target: Tensor, opts: ClassLossOptions, r: Reduction): Tensor {
  const t = indexTargets(input, target, opts.weight, opts.ignoreIndex ?? -100);
  const picked = squeeze(gather(t.x, 1, unsqueeze(t.safe, 1)), 1);
  // an ignored target's loss is 0 even where its input is inf or NaN (PyTorch skips it, no 0 * inf)
  const loss = where(eq(t.valid, 0), 0, neg(mul(picked, t.wy)));
  if (r === "none") return t.unbatched ? reshape(loss, []) : loss;
  if (r === "sum") return sum(loss);
  // Every target ignored: the mean is 0/0 = NaN, as PyTorch's, but its gradient is 0, not 0 * inf.
  const total = noGrad(() => sum(t.wy));
  const none = eq(total, 0);
  return where(none, NaN, div(sum(loss), where(none, 1, total)));
}

/**
 * Cross entropy of logits. Class-index targets run as ONE fused op: forward log-softmax + NLL pick
 * (+ the label-smoothing term), backward (softmax - smoothed one-hot) times the weights and the
 * reduction's scale, with no intermediate graph. Probability targets ([N, C] floats shaped like the
 * input) compose log-softmax with a weighted sum, and are differentiable in the target too.
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  checkOptions("F.crossEntropy()", opts, { weight: "tensor?", ignoreIndex: "int", reduction: "any", labelSmoothing: "number", ...LEGACY }, { index: 3, positional: "weight" });
  const r = legacyReduction(opts);
  checkFloatInput(input, "cross_entropy");
  Tensor.check(target, "target");
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`label_smoothing must be between 0.0 and 1.0. Got: ${eps}`);
  const ignoreIndex = opts.ignoreIndex ?? -100;
  if (sameShape(input.shape, target.shape) && input.ndim >= 1) {
    if (!isFloating(target.dtype)) throw new DTypeError(`Expected floating point type for target with class probabilities, got ${target.dtype}`);
    if (ignoreIndex >= 0) throw new ArgumentError("ignore_index is not supported for floating point target");
    return probCrossEntropy(input, target, opts.weight, eps, r);
  }
  if ((opts.weight === null || opts.weight === undefined) && eps === 0 && input.ndim <= 2) {
    // The common case (no class weights, no smoothing, [N, C] or [C] logits) as one kernel call each way.
    const { x, y, unbatched } = checkIndexTarget(input, target);
    const fused = fusedCrossEntropy(x, y, ignoreIndex, r, unbatched);
    if (fused) return fused;
  }
  const t = indexTargets(input, target, opts.weight, ignoreIndex);
  const { x, safe, wy, valid, wb, classes } = t;
  const xd = x.detach();
  const logp = noGrad(() => logSoftmax(xd, 1));
  const forward = noGrad(() => {
    const picked = squeeze(gather(logp, 1, unsqueeze(safe, 1)), 1);
    let per = neg(mul(picked, wy));
    if (eps > 0) {
      const smooth = mul(neg(sum(wb ? mul(logp, wb) : logp, 1)), valid);
      per = add(mul(per, 1 - eps), mul(smooth, eps / classes));
    }
    // ignored targets lose 0 even where their logits are inf or NaN (PyTorch skips them: no 0 * inf)
    per = where(eq(valid, 0), 0, per);
    const denom = sum(wy);
    const out = r === "none" ? per : r === "sum" ? sum(per) : div(sum(per), denom);
    return { out, denom };
  });
  const out = r === "none" && t.unbatched ? reshape(forward.out, []) : forward.out;
  // PyTorch's graph: NllLossBackward0 over LogSoftmaxBackward0 over the logits. The fused gradient
  // (softmax - one-hot) is computed by the first and passed through the second unchanged.
  const loss = record(out.detach(), "NllLossBackward0", [passThrough("LogSoftmaxBackward0", x)], (g) => {
    // createGraph: softmax of the logits themselves, so the gradient is recorded and differentiable.
    const p = isGradEnabled() ? softmax(x, 1) : exp(logp);
    const range = reshape(arange(classes), [1, classes, ...x.shape.slice(2).map(() => 1)]);
    const onehot = eq(unsqueeze(safe, 1), range).to(p.dtype);
    // d(-log p_y)/dx = p - onehot(y), scaled by w[y] (0 where ignored).
    let gx = mul(sub(p, onehot), unsqueeze(mul(wy, 1 - eps), 1));
    if (eps > 0) {
      // d(-sum_c w_c log p_c)/dx = W p - w, W = sum_c w_c (C without weights).
      const total = wb ? sum(wb).item() : classes;
      const smooth = sub(mul(p, total), wb ?? 1);
      gx = add(gx, mul(smooth, unsqueeze(mul(valid, eps / classes), 1)));
    }
    // With every target ignored gx is 0, and stays 0 rather than 0 / 0 (PyTorch's gradient).
    const denom = where(eq(forward.denom, 0), 1, forward.denom);
    const scale = r === "none" ? unsqueeze(reshape(g, safe.shape), 1) : r === "sum" ? g : div(g, denom);
    // ignored rows get exactly 0, even from a NaN or inf upstream gradient (PyTorch never multiplies them)
    return [where(eq(unsqueeze(valid, 1), 0), 0, mul(gx, scale))];
  });
  return loss;
}

function probCrossEntropy(input: Tensor, target: Tensor, weight: Tensor | null | undefined, eps: number, r: Reduction): Tensor {
  const unbatched = input.ndim === 1;
  const x = unbatched ? unsqueeze(input, 0) : input;
  const y = unbatched ? unsqueeze(target, 0) : target;
  const classes = x.shape[1]!;
  const w = checkClassWeight(weight, classes);
  const yt = eps > 0 ? add(mul(y, 1 - eps), eps / classes) : y;
  let prod = mul(logSoftmax(x, 1), yt);
  if (w) prod = mul(prod, reshape(w.to(x.dtype), [1, classes, ...x.shape.slice(2).map(() => 1)]));
  if (r === "none") {
    const per = neg(sum(prod, 1));
    return unbatched ? reshape(per, []) : per;
  }
  const total = neg(sum(prod));
  return r === "sum" ? total : div(total, x.numel() / classes);
}
