/**
 * Negative log-likelihood losses of count and real-valued targets (`torch.nn.functional`):
 * poissonNllLoss and gaussianNllLoss, composed as PyTorch composes them (so both the input and the
 * target, and gaussianNllLoss's var, are differentiable, and the operands broadcast).
 */
import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { record } from "../../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { add, clamp, div, exp, le, log, lt, mul, sub } from "../../ops/elementwise.ts";
import { where } from "../../ops/indexing.ts";
import { unsqueeze } from "../../ops/views.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { checkReductionShort, floatOf } from "./loss_margin.ts";
import { LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, legacyReduction, reduce } from "./reduction.ts";

export interface PoissonNllOptions extends LegacyReductionOptions {
  /** The input is log(rate) (loss exp(input) - target input); false: the rate itself (input - target log(input + eps)). */
  logInput?: boolean;
  /** Adds Stirling's approximation of log(target!) where target > 1. */
  full?: boolean;
  eps?: number;
  reduction?: Reduction;
}

export interface GaussianNllOptions {
  /** Adds the constant 0.5 log(2 pi). */
  full?: boolean;
  /** var is clamped below at eps (in value only: its gradient passes unclamped, as PyTorch's). */
  eps?: number;
  reduction?: Reduction;
}

export function poissonNllLoss(input: Tensor, target: Tensor, opts: PoissonNllOptions = {}): Tensor {
  checkOptions("F.poissonNllLoss()", opts, { logInput: "boolean", full: "boolean", eps: "number", reduction: "any", ...LEGACY }, { index: 3, positional: "logInput" });
  const r = legacyReduction(opts, checkReductionShort);
  Tensor.check(input, "input");
  Tensor.check(target, "target");
  const x = floatOf(input);
  let loss = (opts.logInput ?? true) ? sub(exp(x), mul(target, x)) : sub(x, mul(target, log(add(x, opts.eps ?? 1e-8))));
  if (opts.full) {
    const stirling = add(sub(mul(target, log(target)), target), mul(log(mul(target, 2 * Math.PI)), 0.5));
    loss = add(loss, where(le(target, 1), 0, stirling));
  }
  return reduce(loss, r);
}

const sizes = (s: readonly number[]): string => `[${s.join(", ")}]`;

/**
 * 0.5 (log(max(var, eps)) + (input - target)^2 / max(var, eps)) (+ 0.5 log(2 pi) with `full`).
 * var is shaped as the input, or as the input without its last dim, or with a last dim of 1 (one
 * variance shared over the last dim).
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts: GaussianNllOptions = {}): Tensor {
  checkOptions("F.gaussianNllLoss()", opts, { full: "boolean", eps: "number", reduction: "any" }, { index: 4, positional: "full" });
  Tensor.check(input, "input");
  Tensor.check(target, "target");
  Tensor.check(variance, "var");
  let v = variance;
  if (!sameShape(v.shape, input.shape)) {
    const lead = input.shape.slice(0, -1);
    if (sameShape(lead, v.shape)) v = unsqueeze(v, -1);
    else if (v.ndim > 0 && sameShape(lead, v.shape.slice(0, -1)) && v.shape[v.ndim - 1] === 1) {
      // one variance per sample, broadcast over the last dim
    } else throw new ShapeError(`var is of incorrect size (${sizes(v.shape)} for an input of ${sizes(input.shape)})`);
  }
  const r = checkReductionShort(opts.reduction ?? "mean");
  if (!isFloating(v.dtype)) throw new DTypeError(`gaussian_nll_loss: expected a floating point var, got ${v.dtype}`);
  if (noGrad(() => lt(v, 0).any().item())) throw new ArgumentError("var has negative entry/entries");
  const eps = opts.eps ?? 1e-6;
  const vc = record(noGrad(() => clamp(v.detach(), eps)), "CloneBackward0", [v], (g) => [g]);
  const d = sub(input, target);
  let loss = mul(add(log(vc), div(mul(d, d), vc)), 0.5);
  if (opts.full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, r);
}
