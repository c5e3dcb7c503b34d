import { checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { isGradEnabled, noGrad } from "../../autograd/grad_mode.ts";
import { record } from "../../autograd/record.ts";
import { asOneNode } from "../../autograd/fused.ts";
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { scalarTypeName } from "../../ops/promotion.ts";
import { isFloating } from "../../tensor/dtype.ts";
import { abs, add, clamp, div, exp, ge, le, log, log1p, lt, mul, neg, sigmoid, sub } from "../../ops/elementwise.ts";
import { where } from "../../ops/indexing.ts";
import { fmtShape, sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import {
  LEGACY_REDUCTION_SPEC as LEGACY, type LegacyReductionOptions, type Reduction, checkFloatInput, legacyReduction, lossArgs, promoteBoolTarget, reduce,
} from "./reduction.ts";

/**
 * Regression and binary losses (`torch.nn.functional`), each with reduction 'mean' | 'sum' | 'none'
 * (or PyTorch 1.13's deprecated sizeAverage / reduce, which override it).
 */

export interface ReductionOptions extends LegacyReductionOptions {
  reduction?: Reduction;
}

/** Mean squared error: (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const r = lossArgs("F.mseLoss()", "mse_loss", input, target, opts, { reduction: "any", ...LEGACY });
  return asOneNode("MseLossBackward0", [input, promoteBoolTarget(input, target)], (x, y) => {
    const d = sub(x!, y!);
    return reduce(mul(d, d), r);
  });
}

/** Mean absolute error: |input - target| (gradient 0 where they are equal, as PyTorch's sign). */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  const r = lossArgs("F.l1Loss()", "l1_loss", input, target, opts, { reduction: "any", ...LEGACY });
  return reduce(abs(sub(input, target)), r);
}

/**
 * One node `name` over (input, target) with PyTorch's kernel gradients: `make` gets both detached and
 * returns the elementwise loss (computed without grad) and the factors by which the incoming
 * gradient, times `w` when given, becomes each one's gradient. The loss is times `w` too, then reduced.
 */
function kernelLoss(
  name: string, input: Tensor, target: Tensor, r: Reduction, w: Tensor | null,
  make: (x: Tensor, y: Tensor) => [Tensor, () => Tensor, () => Tensor],
): Tensor {
  return asOneNode(name, [input, target], (i, t) => {
    const [l, dx, dy] = noGrad(() => make(i!.detach(), t!.detach()));
    const out = noGrad(() => (w ? mul(l, w) : l));
    const elementwise = record(out.detach(), name, [i, t], (g, needs) => {
      const gw = w ? mul(g, w) : g;
      // createGraph: the gradient formulas again, over the inputs themselves, so they are recorded.
      if (isGradEnabled()) {
        const [, dxr, dyr] = make(i!, t!);
        return [needs[0] ? mul(gw, dxr()) : null, needs[1] ? mul(gw, dyr()) : null];
      }
      return [needs[0] ? mul(gw, dx()) : null, needs[1] ? mul(gw, dy()) : null];
    });
    return reduce(elementwise, r);
  });
}

/**
 * 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta 0 is the L1 loss). One op with PyTorch's
 * kernel gradient, d <= -beta ? -1 : d >= beta ? 1 : d / beta, for the input (d = input - target) and
 * the target (d = target - input): so with beta 0 both get -1 where input == target, as in PyTorch.
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: ReductionOptions & { beta?: number } = {}): Tensor {
  const r = lossArgs("F.smoothL1Loss()", "smooth_l1_loss", input, target, opts, { reduction: "any", beta: "number", ...LEGACY });
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new ArgumentError("smooth_l1_loss does not support negative values for beta.");
  const slope = (x: Tensor) => where(le(x, -beta), -1, beta === 0 ? 1 : where(ge(x, beta), 1, div(x, beta)));
  return kernelLoss("SmoothL1LossBackward0", input, promoteBoolTarget(input, target), r, null, (x, y) => {
    const d = sub(x, y);
    const ad = abs(d);
    return [beta === 0 ? ad : where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta)), () => slope(d), () => slope(neg(d))];
  });
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

/** PyTorch's EPSILON for the BCE gradient's denominator: the float 1e-12f, 9.99999996e-13. */
const BCE_EPS = Math.fround(1e-12);

/** log clamped below at -100, as PyTorch's BCE, so log(0) gives a finite loss. */
const clampedLog = (t: Tensor) => clamp(log(t), -100);

/**
 * Binary cross entropy on probabilities: -w (y log x + (1 - y) log(1 - x)), logs clamped to >= -100.
 * The gradient is PyTorch's w (x - y) / max(x (1 - x), 1e-12f), finite even at x = 0 or 1.
 */
export function binaryCrossEntropy(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { weight?: Tensor | null } = {},
): Tensor {
  const r = lossArgs("F.binaryCrossEntropy()", "binary_cross_entropy", input, target, opts, { reduction: "any", weight: "tensor?", ...LEGACY }, "weight", " is deprecated");
  if (target.dtype !== input.dtype) throw new DTypeError(`Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}`);
  const w = checkWeightBroadcast(opts.weight, input, "weight");
  for (const v of input.toTypedArray()) {
    if (!(v >= 0 && v <= 1)) throw new ArgumentError("all elements of input should be between 0 and 1");
  }
  return kernelLoss("BinaryCrossEntropyBackward0", input, target, r, w, (x, y) => [
    neg(add(mul(y, clampedLog(x)), mul(sub(1, y), clampedLog(sub(1, x))))),
    () => mul(sub(x, y), clamp(mul(x, sub(1, x)), BCE_EPS).reciprocal()),
    // the target's gradient takes the logs unclamped (PyTorch's): +-inf at x = 0 or 1
    () => sub(log(sub(1, x)), log(x)),
  ]);
}

/**
 * Binary cross entropy on logits, in the stable form (1 - y) x + lw softplus(-x) with
 * lw = 1 + (posWeight - 1) y, softplus(-x) = max(-x, 0) + log1p(e^-|x|) (finite for any x).
 * Gradients: x: w (sigmoid(x) lw - posWeight y); target: w (posWeight softplus(-x) - softplus(x)).
 * weight and posWeight are constants.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
  checkOptions("F.binaryCrossEntropyWithLogits()", opts, { reduction: "any", weight: "tensor?", posWeight: "tensor?", ...LEGACY }, { index: 3, positional: "weight" });
  const r = legacyReduction(opts);
  checkFloatInput(input, "binary_cross_entropy_with_logits");
  Tensor.check(target, "target");
  if (!sameShape(input.shape, target.shape)) {
    throw new ShapeError(`Target size (${fmtShape(target.shape)}) must be the same as input size (${fmtShape(input.shape)})`);
  }
  // PyTorch writes the loss into the target's dtype first: an integer target cannot take it
  if (!isFloating(target.dtype) && target.dtype !== "bool") {
    throw new DTypeError(`result type ${scalarTypeName(input.dtype)} can't be cast to the desired output type ${scalarTypeName(target.dtype)}`);
  }
  const w = checkWeightBroadcast(opts.weight, input, "weight");
  const pw = checkWeightBroadcast(opts.posWeight, input, "pos_weight");
  return kernelLoss("BinaryCrossEntropyWithLogitsBackward0", input, target, r, w, (x, y) => {
    const spNeg = add(clamp(neg(x), 0), log1p(exp(neg(abs(x)))));
    const lw = pw ? add(mul(sub(pw, 1), y), 1) : null;
    return [
      add(mul(sub(1, y), x), lw ? mul(lw, spNeg) : spNeg),
      () => (lw ? sub(mul(sigmoid(x), lw), mul(pw!, y)) : sub(sigmoid(x), y)),
      () => sub(pw ? mul(pw, spNeg) : spNeg, add(spNeg, x)),
    ];
  });
}
