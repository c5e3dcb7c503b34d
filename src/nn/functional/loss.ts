import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { record } from "../../autograd/record.ts";
import { asOneNode } from "../../autograd/fused.ts";
import { ArgumentError, ShapeError } from "../../errors.ts";
import { abs, add, clamp, div, exp, ge, le, log, log1p, lt, mul, neg, sigmoid, sub } from "../../ops/elementwise.ts";
import { where } from "../../ops/indexing.ts";
import { fmtShape, sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type Reduction, checkFloatInput, checkReduction, checkSameSize, reduce } from "./reduction.ts";

/** Regression and binary losses (`torch.nn.functional`), each with reduction 'mean' | 'sum' | 'none'. */

/** The reduction string is checked by checkReduction, with PyTorch's message. */
const REDUCTION = { reduction: "any" } as const;

export interface ReductionOptions {
  reduction?: Reduction;
}

/** Mean squared error: (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  checkOptions("F.mseLoss()", opts, REDUCTION, { index: 3, positional: "reduction" });
  const r = checkReduction(opts.reduction ?? "mean");
  checkFloatInput(input, "mse_loss");
  checkSameSize(input, target, "mse_loss");
  return asOneNode("MseLossBackward0", [input, target], (x, y) => {
    const d = sub(x!, y!);
    return reduce(mul(d, d), r);
  });
}

/** Mean absolute error: |input - target| (gradient 0 where they are equal, as PyTorch's sign). */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  checkOptions("F.l1Loss()", opts, REDUCTION, { index: 3, positional: "reduction" });
  const r = checkReduction(opts.reduction ?? "mean");
  checkFloatInput(input, "l1_loss");
  checkSameSize(input, target, "l1_loss");
  return reduce(abs(sub(input, target)), r);
}

/**
 * 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta 0 is the L1 loss). One op with PyTorch's
 * kernel gradient, d <= -beta ? -1 : d >= beta ? 1 : d / beta, for the input (d = input - target) and
 * the target (d = target - input): so with beta 0 both get -1 where input == target, as in PyTorch.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: ReductionOptions & { beta?: number } = {}): Tensor {
  checkOptions("F.smoothL1Loss()", opts, { reduction: "any", beta: "number" }, { index: 3, positional: "reduction" });
  const r = checkReduction(opts.reduction ?? "mean");
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new ArgumentError("smooth_l1_loss does not support negative values for beta.");
  checkFloatInput(input, "smooth_l1_loss");
  checkSameSize(input, target, "smooth_l1_loss");
  return asOneNode("SmoothL1LossBackward0", [input, target], (input, target) => smoothL1(input!, target!, beta, r));
}

function smoothL1(input: Tensor, target: Tensor, beta: number, r: Reduction): Tensor {
  const d = noGrad(() => sub(input.detach(), target.detach()));
  const out = noGrad(() => {
    const ad = abs(d);
    return beta === 0 ? ad : where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta));
  });
  const slope = (x: Tensor) => where(le(x, -beta), -1, beta === 0 ? 1 : where(ge(x, beta), 1, div(x, beta)));
  const elementwise = record(out.detach(), "SmoothL1LossBackward0", [input, target], (g, needs) => [
    needs[0] ? mul(g, slope(d)) : null,
    needs[1] ? mul(g, slope(neg(d))) : null,
  ]);
  return reduce(elementwise, r);
}

function checkWeightBroadcast(weight: Tensor | null | undefined, input: Tensor, what: string): Tensor | null {
  if (weight === null || weight === undefined) return null;
  Tensor.check(weight, what);
  // The weight must broadcast to the input without enlarging it.
  const n = input.ndim;
  const ok = weight.ndim <= n && weight.shape.every((s, i) => s === 1 || s === input.shape[n - weight.ndim + i]);
  if (!ok) throw new ShapeError(`${what} of shape ${fmtShape(weight.shape)} cannot be broadcast to the input shape ${fmtShape(input.shape)}`);
  return weight.detach();
}

/** log clamped below at -100, as PyTorch's BCE, so log(0) gives a finite loss. */
const clampedLog = (t: Tensor) => clamp(log(t), -100);

/**
 * Binary cross entropy on probabilities: -w (y log x + (1 - y) log(1 - x)), logs clamped to >= -100.
 * The gradient is PyTorch's w (x - y) / max(x (1 - x), 1e-12), finite even at x = 0 or 1.
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { weight?: Tensor | null } = {},
): Tensor {
  checkOptions("F.binaryCrossEntropy()", opts, { reduction: "any", weight: "tensor?" }, { index: 3, positional: "weight" });
  const r = checkReduction(opts.reduction ?? "mean");
  checkFloatInput(input, "binary_cross_entropy");
  Tensor.check(target, "target");
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(
      `binary_cross_entropy: Using a target size (${fmtShape(target.shape)}) that is different to the input size (${fmtShape(input.shape)}) is deprecated. Please ensure they have the same size.`,
    );
  }
  const w = checkWeightBroadcast(opts.weight, input, "weight");
  for (const v of input.toTypedArray()) {
    if (!(v >= 0 && v <= 1)) throw new ArgumentError("all elements of input should be between 0 and 1");
  }
  return asOneNode("BinaryCrossEntropyBackward0", [input, target], (input, target) => bce(input!, target!, w, r));
}

function bce(input: Tensor, target: Tensor, w: Tensor | null, r: Reduction): Tensor {
  const x = input.detach();
  const y = target.detach();
  const out = noGrad(() => {
    const l = neg(add(mul(y, clampedLog(x)), mul(sub(1, y), clampedLog(sub(1, x)))));
    return w ? mul(l, w) : l;
  });
  const elementwise = record(out.detach(), "BinaryCrossEntropyBackward0", [input, target], (g, needs) => {
    const gw = w ? mul(g, w) : g;
    return [
      needs[0] ? mul(gw, mul(sub(x, y), clamp(mul(x, sub(1, x)), 1e-12).reciprocal())) : null,
      needs[1] ? mul(gw, sub(clampedLog(sub(1, x)), clampedLog(x))) : null,
    ];
  });
  return reduce(elementwise, r);
}

/** softplus(-x) = log(1 + e^-x) = max(-x, 0) + log1p(e^-|x|), finite for any x. */
function softplusNeg(x: Tensor): Tensor {
  return add(clamp(neg(x), 0), log1p(exp(neg(abs(x)))));
}

/**
 * Binary cross entropy on logits, in the stable form (1 - y) x + lw softplus(-x) with
 * lw = 1 + (posWeight - 1) y. Gradients: x: w (sigmoid(x) lw - posWeight y); target:
 * w (posWeight softplus(-x) - softplus(x)). weight and posWeight are constants.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
  checkOptions("F.binaryCrossEntropyWithLogits()", opts, { reduction: "any", weight: "tensor?", posWeight: "tensor?" }, { index: 3, positional: "weight" });
  const r = checkReduction(opts.reduction ?? "mean");
  checkFloatInput(input, "binary_cross_entropy_with_logits");
  Tensor.check(target, "target");
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`Target size (${fmtShape(target.shape)}) must be the same as input size (${fmtShape(input.shape)})`);
  }
  const w = checkWeightBroadcast(opts.weight, input, "weight");
  const pw = checkWeightBroadcast(opts.posWeight, input, "pos_weight");
  return asOneNode("BinaryCrossEntropyWithLogitsBackward0", [input, target], (input, target) => bceLogits(input!, target!, w, pw, r));
}

function bceLogits(input: Tensor, target: Tensor, w: Tensor | null, pw: Tensor | null, r: Reduction): Tensor {
  const x = input.detach();
  const y = target.detach();
  const spNeg = noGrad(() => softplusNeg(x));
  const out = noGrad(() => {
    const lw = pw ? add(mul(sub(pw, 1), y), 1) : null;
    const l = add(mul(sub(1, y), x), lw ? mul(lw, spNeg) : spNeg);
    return w ? mul(l, w) : l;
  });
  const elementwise = record(out.detach(), "BinaryCrossEntropyWithLogitsBackward0", [input, target], (g, needs) => {
    const gw = w ? mul(g, w) : g;
    let gx: Tensor | null = null;
    let gy: Tensor | null = null;
    if (needs[0]) {
      const s = sigmoid(x);
      gx = pw ? sub(mul(s, add(mul(sub(pw, 1), y), 1)), mul(pw, y)) : sub(s, y);
      gx = mul(gw, gx);
    }
    if (needs[1]) {
      const spPos = add(spNeg, x);
      gy = mul(gw, sub(pw ? mul(pw, spNeg) : spNeg, spPos));
    }
    return [gx, gy];
  });
  return reduce(elementwise, r);
}
