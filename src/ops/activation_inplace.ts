/**
 * The in-place activations behind PyTorch's `inplace=True` (nn.ReLU(inplace=True), F.elu_, ...): the
 * result is written into the input's memory through applyInPlace (inplace.ts), which bumps the version
 * counter and rebases the input's history, so PyTorch's autograd checks hold (a leaf that requires grad
 * is refused; a backward that saved the old values refuses to run).
 *
 * Like PyTorch, leaky_relu_, elu_ and hardtanh_ compute their gradient from the result (PyTorch's
 * `LeakyReluBackward1`, `EluBackward1`: the overload that takes the result); a negative slope or alpha
 * cannot be inverted from the result and is refused at backward, with PyTorch's message. silu_ and mish_
 * read the old input, so they run on a copy of it, as PyTorch 1.13's gradients show.
 */
import { noGrad } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { AutogradError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { elu, hardtanh, mish } from "./activation_extra.ts";
import { add, ge, gt, le, logicalOr, mul } from "./elementwise.ts";
import { applyInPlace } from "./inplace.ts";
import { where } from "./indexing.ts";
import { silu } from "./op_functional.ts";
import "./inplace_methods.ts";

/** Writes forward(x) into x and records `name`, whose backward reads only the result. */
function fromResult(x: Tensor, name: string, forward: (x: Tensor) => Tensor, backward: (g: Tensor, result: Tensor) => Tensor): Tensor {
  return applyInPlace(
    x,
    (self) => {
      const out = noGrad(() => forward(self.detach()));
      // `out` is private: the version check that matters is self's, added by applyInPlace ("result").
      return record(out, name, [self], (g) => [backward(g, out)], [out]);
    },
    { self: "result" },
  );
}

const negativeSlopeError = (op: string): AutogradError =>
  new AutogradError(
    `In-place ${op} backward calculation is triggered with a negative slope which is not supported. ` +
      "This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead.",
  );

/** max(0, x), in place (Tensor.relu_). */
export function relu_(x: Tensor): Tensor {
  return x.relu_();
}

/** leaky_relu_: x where x > 0, else x * negativeSlope, written into x. */
export function leakyRelu_(x: Tensor, negativeSlope = 0.01): Tensor {
  return fromResult(
    x,
    "LeakyReluBackward1",
    (v) => where(gt(v, 0), v, mul(v, negativeSlope)),
    (g, result) => {
      if (negativeSlope < 0) throw negativeSlopeError("leakyReLu");
      return where(gt(result, 0), g, mul(g, negativeSlope));
    },
  );
}

/** elu_: x where x > 0, else alpha * (exp(x) - 1), written into x; gradient g * (result + alpha) below 0. */
export function elu_(x: Tensor, alpha = 1): Tensor {
  return fromResult(
    x,
    "EluBackward1",
    (v) => elu(v, { alpha }),
    (g, result) => {
      if (alpha < 0) throw negativeSlopeError("elu");
      return where(le(result, 0), mul(g, add(result, alpha)), g);
    },
  );
}

/** hardtanh_: x clamped to [minVal, maxVal], written into x; no gradient on or beyond the bounds. */
export function hardtanh_(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return fromResult(
    x,
    "HardtanhBackward0",
    (v) => hardtanh(v, { minVal, maxVal }),
    (g, result) => where(logicalOr(le(result, minVal), ge(result, maxVal)), 0, g),
  );
}

/** silu_: x * sigmoid(x) written into x (its gradient reads the old x, kept as a copy). */
export function silu_(x: Tensor): Tensor {
  return applyInPlace(x, (self) => silu(self), { self: "copy" });
}

/** mish_: x * tanh(softplus(x)) written into x (its gradient reads the old x, kept as a copy). */
export function mish_(x: Tensor): Tensor {
  return applyInPlace(x, (self) => mish(self), { self: "copy" });
}

/**
 * Writes a dropout result into x: `drop` multiplies by a mask that does not depend on x's values, so
 * the backward needs nothing of self (PyTorch records the in-place mul: MulBackward0).
 */
export function dropoutInPlace(x: Tensor, drop: (self: Tensor) => Tensor): Tensor {
  return applyInPlace(x, drop, { self: "unread" });
}
