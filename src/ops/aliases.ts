import { DTypeError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { clamp } from "./binary.ts";
import { abs, acos, acosh, asin, asinh, atan, atan2, atanh, div, ge, gt, le, lt, mul, ne, neg, sub, trunc } from "./op_functions.ts";

/**
 * PyTorch's other names for elementwise ops (torch.absolute is torch.abs, torch.clip is torch.clamp):
 * the same functions, so the same checks, errors, gradients and node names; the Tensor methods and
 * their in-place forms are the originals' under the new names.
 */
export const absolute = abs;
export const arccos = acos;
export const arcsin = asin;
export const arctan = atan;
export const arctan2 = atan2;
export const arccosh = acosh;
export const arcsinh = asinh;
export const arctanh = atanh;
export const negative = neg;
export const fix = trunc;
export const multiply = mul;
export const divide = div;
export const subtract = sub;
/** torch.true_divide: div without a rounding mode. */
export const trueDivide = (input: Parameters<typeof div>[0], other: Parameters<typeof div>[1]): Tensor => div(input, other);
export const greater = gt;
export const greaterEqual = ge;
export const less = lt;
export const lessEqual = le;
export const notEqual = ne;
export const clip = clamp;

/** torch.positive: the input itself (not a copy); refused for bool like unary `+`. */
export function positive(input: Tensor): Tensor {
  Tensor.check(input, "input");
  if (input.dtype === "bool") throw new DTypeError("The `+` operator, on a bool tensor is not supported.");
  return input;
}

const ALIASES = {
  absolute: "abs", arccos: "acos", arcsin: "asin", arctan: "atan", arctan2: "atan2", arccosh: "acosh", arcsinh: "asinh",
  arctanh: "atanh", negative: "neg", fix: "trunc", multiply: "mul", divide: "div", subtract: "sub", trueDivide: "div",
  greater: "gt", greaterEqual: "ge", less: "lt", lessEqual: "le", notEqual: "ne", clip: "clamp",
} as const;

declare module "../tensor/tensor.ts" {
  interface Tensor {
    absolute: Tensor["abs"]; absolute_: Tensor["abs_"];
    arccos: Tensor["acos"]; arccos_: Tensor["acos_"];
    arcsin: Tensor["asin"]; arcsin_: Tensor["asin_"];
    arctan: Tensor["atan"]; arctan_: Tensor["atan_"];
    arctan2: Tensor["atan2"]; arctan2_: Tensor["atan2_"];
    arccosh: Tensor["acosh"]; arccosh_: Tensor["acosh_"];
    arcsinh: Tensor["asinh"]; arcsinh_: Tensor["asinh_"];
    arctanh: Tensor["atanh"]; arctanh_: Tensor["atanh_"];
    negative: Tensor["neg"]; negative_: Tensor["neg_"];
    fix: Tensor["trunc"]; fix_: Tensor["trunc_"];
    multiply: Tensor["mul"]; multiply_: Tensor["mul_"];
    divide: Tensor["div"]; divide_: Tensor["div_"];
    subtract: Tensor["sub"]; subtract_: Tensor["sub_"];
    trueDivide(other: Tensor | number): Tensor; trueDivide_(other: Tensor | number): Tensor;
    greater: Tensor["gt"]; greater_: Tensor["gt_"];
    greaterEqual: Tensor["ge"]; greaterEqual_: Tensor["ge_"];
    less: Tensor["lt"]; less_: Tensor["lt_"];
    lessEqual: Tensor["le"]; lessEqual_: Tensor["le_"];
    notEqual: Tensor["ne"]; notEqual_: Tensor["ne_"];
    clip: Tensor["clamp"]; clip_: Tensor["clamp_"];
    positive(): Tensor;
  }
}

const P = Tensor.prototype as unknown as Record<string, (this: Tensor, ...args: unknown[]) => Tensor>;
for (const [alias, name] of Object.entries(ALIASES)) {
  for (const suffix of ["", "_"]) {
    // Looked up on each call: the originals are installed by other modules, in an order this one does not fix.
    P[alias + suffix] = function (this: Tensor, ...args: unknown[]) { return P[name + suffix]!.apply(this, args); };
  }
}
P.trueDivide = function (this: Tensor, other: unknown) { return trueDivide(this, other as Tensor); };
P.trueDivide_ = function (this: Tensor, other: unknown) { return P.div_!.call(this, other); };
P.positive = function (this: Tensor) { return positive(this); };
