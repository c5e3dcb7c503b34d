import { isGradEnabled, noGrad } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { castValue, isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { normDim } from "../tensor/shape.ts";
import { rand } from "../tensor/creation.ts";
import type { Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { hardtanh } from "./activation_extra.ts";
import { hardtanh_ } from "./activation_inplace.ts";
import { add, clamp, div, exp, expm1, ge, gt, le, logicalAnd, lt, mul, sigmoid, sub } from "./elementwise.ts";
import { applyInPlace } from "./inplace.ts";
import { where } from "./indexing.ts";
import { narrow } from "./views.ts";

/**
 * More activations of `torch.nn.functional` (relu6, hardswish, hardsigmoid, selu, celu, softshrink,
 * hardshrink, threshold, glu, rrelu) and their in-place forms. As in activation_extra.ts, a forward is composed
 * without recording and one node carries PyTorch's backward formula (which differs from the
 * composition's at the kinks: hardswish's slope is (2x + 3) / 6 on both ends of [-3, 3]). The in-place
 * forms run the op on a copy of the old input, which their gradients read.
 */

function checkFloat(x: Tensor, fn: string): void {
  Tensor.check(x, "input");
  if (!isFloating(x.dtype)) throw new DTypeError(`"${fn}" not implemented for '${scalarTypeName(x.dtype)}'`);
}

function pointwise(x: Tensor, name: string, forward: (x: Tensor) => Tensor, backward: (g: Tensor, x: Tensor) => Tensor): Tensor {
  const xd = x.detach();
  const out = noGrad(() => forward(xd));
  // createGraph: the formula over x itself, so it is recorded and differentiable again.
  return record(out, name, [x], (g) => [backward(g, isGradEnabled() ? x : xd)], [x]);
}

/** op written into x (its gradient reads the old x, kept as a copy). */
function writeInto(x: Tensor, op: (x: Tensor) => Tensor, self: "copy" | "unread" = "copy"): Tensor {
  Tensor.check(x, "input");
  return applyInPlace(x, op, { self });
}

const inPlace = (op: (x: Tensor) => Tensor) => (x: Tensor): Tensor => writeInto(x, op);

/** min(max(x, 0), 6): hardtanh with bounds 0 and 6 (integers clamp, without a gradient; bool is refused). */
export function relu6(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.dtype === "bool") throw new DTypeError("Bool inputs not supported for hardtanh");
  return isFloating(x.dtype) ? hardtanh(x, { minVal: 0, maxVal: 6 }) : clamp(x, 0, 6);
}

export function relu6_(x: Tensor): Tensor {
  Tensor.check(x, "input");
  if (x.dtype === "bool") throw new DTypeError("Bool inputs not supported for hardtanh");
  return isFloating(x.dtype) ? hardtanh_(x, 0, 6) : writeInto(x, (s) => clamp(s, 0, 6));
}

/** x * relu6(x + 3) / 6. */
export function hardswish(input: Tensor): Tensor {
  checkFloat(input, "hardswish_cpu");
  return pointwise(
    input,
    "HardswishBackward0",
    (x) => div(mul(x, clamp(add(x, 3), 0, 6)), 6),
    (g, x) => where(lt(x, -3), 0, where(le(x, 3), mul(g, add(div(x, 3), 0.5)), g)),
  );
}

/** relu6(x + 3) / 6; the slope 1/6 strictly inside (-3, 3). */
const ONE_SIXTH_F = Math.fround(1 / 6);

export function hardsigmoid(input: Tensor): Tensor {
  checkFloat(input, "hardsigmoid_cpu");
  return pointwise(
    input,
    "HardsigmoidBackward0",
    (x) => div(clamp(add(x, 3), 0, 6), 6),
    // PyTorch's kernel multiplies by one_sixth = 1.0f / 6.0f, a float constant even for float64
    (g, x) => where(logicalAnd(gt(x, -3), lt(x, 3)), mul(g, ONE_SIXTH_F), 0),
  );
}

/** PyTorch's ELU family: scale * (x > 0 ? x : alpha * (exp(x * inputScale) - 1)), with elu's gradient. */
function eluFamily(input: Tensor, alpha: number, scale: number, inputScale: number): Tensor {
  checkFloat(input, "elu_cpu");
  return pointwise(
    input,
    "EluBackward0",
    (x) => where(gt(x, 0), mul(x, scale), mul(expm1(mul(x, inputScale)), alpha * scale)),
    (g, x) => where(le(x, 0), mul(g, mul(exp(mul(x, inputScale)), inputScale * alpha * scale)), mul(g, scale)),
  );
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** scale * elu(x, alpha) with the self-normalising constants of Klambauer et al. */
export function selu(x: Tensor): Tensor {
  return eluFamily(x, SELU_ALPHA, SELU_SCALE, 1);
}

/** max(0, x) + min(0, alpha * (exp(x / alpha) - 1)). */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new ArgumentError("ZeroDivisionError: alpha cannot be 0 for CELU");
  return eluFamily(x, alpha, 1, 1 / alpha);
}

/** x - lambd above lambd, x + lambd below -lambd, 0 between (and for NaN, as PyTorch 1.13). */
export function softshrink(input: Tensor, lambd = 0.5): Tensor {
  checkFloat(input, "softshrink_cpu");
  if (!(lambd >= 0)) throw new ArgumentError(`lambda must be greater or equal to 0, but found to be ${lambd}.`);
  return pointwise(
    input,
    "SoftshrinkBackward0",
    (x) => where(gt(x, lambd), sub(x, lambd), where(lt(x, -lambd), add(x, lambd), 0)),
    (g, x) => where(logicalAnd(ge(x, -lambd), le(x, lambd)), 0, g),
  );
}

/** x where |x| > lambd, else 0 (NaN stays NaN). */
export function hardshrink(input: Tensor, lambd = 0.5): Tensor {
  checkFloat(input, "hardshrink_cpu");
  const inside = (x: Tensor) => logicalAnd(ge(x, -lambd), le(x, lambd));
  return pointwise(input, "HardshrinkBackward0", (x) => where(inside(x), 0, x), (g, x) => where(inside(x), 0, g));
}

/** x where x > threshold, else value (NaN stays NaN); integers too, value cast to their dtype. */
export function threshold(input: Tensor, th: number, value: number): Tensor {
  Tensor.check(input, "input");
  if (input.dtype === "bool") throw new DTypeError(`"threshold_cpu" not implemented for 'Bool'`);
  const v = castValue(input.dtype, value);
  const below = (x: Tensor) => le(x, th);
  return pointwise(input, "ThresholdBackward0", (x) => where(below(x), v, x), (g, x) => where(below(x), 0, g));
}

export const hardswish_ = /* @__PURE__ */ inPlace(hardswish);
export const hardsigmoid_ = /* @__PURE__ */ inPlace(hardsigmoid);
export const selu_ = /* @__PURE__ */ inPlace(selu);

export function celu_(x: Tensor, alpha = 1): Tensor {
  return writeInto(x, (s) => celu(s, alpha));
}

export function threshold_(x: Tensor, th: number, value: number): Tensor {
  return writeInto(x, (s) => threshold(s, th, value));
}

/** a * sigmoid(b) for the two halves a, b of `dim`. */
export function glu(input: Tensor, dim = -1): Tensor {
  Tensor.check(input, "input");
  if (input.ndim === 0) throw new ShapeError("glu does not support scalars because halving size must be even");
  const d = normDim(dim, input.ndim);
  const n = input.shape[d]!;
  if (n % 2 !== 0) throw new ShapeError(`Halving dimension must be even, but dimension ${d} is size ${n}`);
  checkFloat(input, "glu_cpu");
  return mul(narrow(input, d, 0, n / 2), sigmoid(narrow(input, d, n / 2, n / 2)));
}

/**
 * RReLU: x where x > 0, else x * a. Training draws a ~ U(lower, upper) for each element x <= 0; in eval
 * a is the mean (lower + upper) / 2. Either way the output is x times a noise tensor that does not depend
 * on x, so the gradient is that noise, as PyTorch's.
 */
export function rrelu(input: Tensor, lower: number, upper: number, training: boolean, generator?: Generator): Tensor {
  Tensor.check(input, "input");
  if (!isFloating(input.dtype)) throw new DTypeError(`"${training ? "rrelu_with_noise_out_cpu" : "leaky_relu_cpu"}" not implemented for '${scalarTypeName(input.dtype)}'`);
  if (!(lower <= upper)) throw new ArgumentError("Lower bound should be less than or equal to the upper bound");
  const x = input.detach();
  const noise = training
    ? where(le(x, 0), add(mul(rand(input.shape, { dtype: input.dtype, generator }), upper - lower), lower), 1)
    : where(gt(x, 0), 1, (lower + upper) / 2);
  return mul(input, noise);
}

export function rrelu_(x: Tensor, lower: number, upper: number, training: boolean, generator?: Generator): Tensor {
  return writeInto(x, (s) => rrelu(s, lower, upper, training, generator), "unread");
}
