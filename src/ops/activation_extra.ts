import { isGradEnabled, noGrad } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import {
  abs, add, clamp, div, exp, expm1, ge, gt, le, log1p, logicalOr, mul, neg, rsub, sigmoid, square, sub, tanh,
} from "./elementwise.ts";
import { where } from "./indexing.ts";
import { softplus as softplusTable } from "./op_functional.ts";
import { reshape } from "./views.ts";

/**
 * Activations of `torch.nn.functional` with parameters (elu's alpha, softplus's beta and threshold,
 * hardtanh's bounds, prelu's weight) or with a gradient that differs from their composition's
 * (hardtanh is 0 on its bounds where clamp passes it; logsigmoid's is sigmoid(-x) at 0 too). Each
 * forward is composed from table ops without recording; one node carries PyTorch's backward formula,
 * written with ops so it is itself differentiable.
 */

function checkFloat(x: Tensor, fn: string): void {
  Tensor.check(x, "input");
  if (!isFloating(x.dtype)) throw new DTypeError(`"${fn}" not implemented for '${x.dtype}'`);
}

/** Runs `forward` on the detached input and records one node with `backward` (the gradient w.r.t. x). */
function pointwise(x: Tensor, name: string, forward: (x: Tensor) => Tensor, backward: (g: Tensor, x: Tensor) => Tensor): Tensor {
  const xd = x.detach();
  const out = noGrad(() => forward(xd));
  // createGraph: the formula over x itself, so it is recorded and differentiable again.
  return record(out, name, [x], (g) => [backward(g, isGradEnabled() ? x : xd)], [x]);
}

/** ELU: x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(input: Tensor, opts: { alpha?: number } = {}): Tensor {
  checkOptions("F.elu()", opts, { alpha: "number" }, { index: 2, positional: "alpha" });
  checkFloat(input, "elu");
  const alpha = opts.alpha ?? 1;
  return pointwise(
    input,
    "EluBackward0",
    (x) => where(gt(x, 0), x, mul(expm1(x), alpha)),
    (g, x) => where(le(x, 0), mul(g, mul(exp(x), alpha)), g),
  );
}

/** Softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold. */
export function softplus(input: Tensor, opts: { beta?: number; threshold?: number } = {}): Tensor {
  checkOptions("F.softplus()", opts, { beta: "number", threshold: "number" }, { index: 2, positional: "beta" });
  const beta = opts.beta ?? 1;
  const threshold = opts.threshold ?? 20;
  if (beta === 1 && threshold === 20) return softplusTable(input);
  checkFloat(input, "softplus");
  return pointwise(
    input,
    "SoftplusBackward0",
    (x) => {
      const bx = mul(x, beta);
      return where(gt(bx, threshold), x, div(log1p(exp(bx)), beta));
    },
    (g, x) => {
      const bx = mul(x, beta);
      return where(gt(bx, threshold), g, mul(g, sigmoid(bx)));
    },
  );
}

/** Mish: x tanh(softplus(x)); PyTorch's gradient tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2). */
export function mish(input: Tensor): Tensor {
  checkFloat(input, "mish");
  return pointwise(
    input,
    "MishBackward0",
    (x) => mul(x, tanh(log1p(exp(x)))),
    (g, x) => {
      const t = tanh(log1p(exp(x)));
      return mul(g, add(t, mul(mul(x, sigmoid(x)), rsub(1, square(t)))));
    },
  );
}

/** Hardtanh: x clamped to [minVal, maxVal]; the gradient is 0 on and beyond the bounds. */
export function hardtanh(input: Tensor, opts: { minVal?: number; maxVal?: number } = {}): Tensor {
  checkOptions("F.hardtanh()", opts, { minVal: "number", maxVal: "number" }, { index: 2, positional: "minVal" });
  const lo = opts.minVal ?? -1;
  const hi = opts.maxVal ?? 1;
  Tensor.check(input, "input");
  if (input.dtype === "bool") throw new DTypeError("Bool inputs not supported for hardtanh");
  // integers are clamped too, by the bounds cast to the integer type (PyTorch's kernel: -0.5 is 0)
  if (!isFloating(input.dtype)) return clamp(clamp(input, Math.trunc(lo)), null, Math.trunc(hi));
  return pointwise(
    input,
    "HardtanhBackward0",
    // PyTorch's clamp order, min then max: with lo > hi every element is hi.
    (x) => clamp(clamp(x, lo), null, hi),
    (g, x) => where(logicalOr(le(x, lo), ge(x, hi)), 0, g),
  );
}

/** log(sigmoid(x)) in the stable form min(x, 0) - log1p(exp(-|x|)); gradient sigmoid(-x). */
export function logsigmoid(input: Tensor): Tensor {
  checkFloat(input, "log_sigmoid_forward");
  return pointwise(
    input,
    "LogSigmoidBackward0",
    (x) => sub(clamp(x, null, 0), log1p(exp(neg(abs(x))))),
    (g, x) => mul(g, sigmoid(neg(x))),
  );
}

/**
 * PReLU: x for x > 0, weight * x otherwise; weight has one element, or one per channel (dim 1 of the
 * input). Composed from where/mul, whose gradients are PyTorch's for input and weight.
 */
export function prelu(input: Tensor, weight: Tensor): Tensor {
  checkFloat(input, "prelu_cpu");
  Tensor.check(weight, "weight");
  if (weight.dtype !== input.dtype) throw new DTypeError(`expected scalar type ${input.dtype} but found ${weight.dtype} (weight)`);
  const n = weight.numel();
  let w: Tensor;
  if (n === 1) w = reshape(weight, []);
  else {
    if (input.ndim === 0) throw new ShapeError("Not allow zero-dim input tensor.");
    const channels = input.ndim > 1 ? input.shape[1]! : 1;
    if (channels !== n) {
      throw new ShapeError(`Mismatch of parameter numbers and input channel size. Found parameter numbers = ${n} and channel size = ${channels}.`);
    }
    w = reshape(weight, [n, ...new Array<number>(input.ndim - 2).fill(1)]);
  }
  if (weight.ndim > 1) throw new ArgumentError(`prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${weight.ndim}`);
  return where(gt(input, 0), input, mul(w, input));
}
