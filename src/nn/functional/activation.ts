import { checkArg, checkOptions } from "../../options.ts";
import "../../ops/methods.ts";
import { ArgumentError, DTypeError } from "../../errors.ts";
import { add, eq, gelu as geluErf, gt, mul, relu, sigmoid, tanh } from "../../ops/elementwise.ts";
import { fusedDropout } from "../../ops/dropout.ts";
import { where } from "../../ops/indexing.ts";
import { type SoftmaxOptions, logSoftmax as logSoftmaxOp, softmax as softmaxOp } from "../../ops/softmax.ts";
import { scalarTypeName } from "../../ops/promotion.ts";
import { flatten, unsqueeze } from "../../ops/views.ts";
import { arange } from "../../tensor/creation.ts";
import { isFloating } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { pyFloat } from "../repr.ts";

/** Activations and layers as functions (`torch.nn.functional`), composed from differentiable core ops. */

export { relu, sigmoid, tanh, flatten };
export { linear } from "../../ops/linear.ts";

/** max(0, x) + negativeSlope * min(0, x); the gradient at 0 is negativeSlope, as PyTorch's. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (!isFloating(x.dtype)) throw new DTypeError(`"leaky_relu_cpu" not implemented for '${scalarTypeName(x.dtype)}'`);
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

export type GeluApproximate = "none" | "tanh";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** x * Phi(x) (`approximate: 'none'`) or PyTorch's tanh approximation. */
export function gelu(x: Tensor, opts: { approximate?: GeluApproximate } = {}): Tensor {
  checkOptions("F.gelu()", opts, { approximate: "string" }, { index: 2, positional: "approximate" });
  const approx = opts.approximate ?? "none";
  if (approx === "none") return geluErf(x);
  if (approx !== "tanh") throw new ArgumentError(`approximate argument must be either none or tanh (got '${String(approx)}')`);
  if (!isFloating(x.dtype)) throw new DTypeError(`"GeluKernelImpl" not implemented for '${scalarTypeName(x.dtype)}'`);
  // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
  const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}

/** PyTorch's legacy choice when softmax gets no dim: 0 for 0-, 1- and 3-d inputs, else 1. */
export function implicitSoftmaxDim(ndim: number): number {
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

type SoftmaxFn = (x: Tensor, dim?: number | null, opts?: SoftmaxOptions) => Tensor;

/** F.softmax / F.logSoftmax (input, dim=None, dtype=None) over the op; dim defaults as implicitSoftmaxDim. */
function softmaxFn(where: string, op: (x: Tensor, dim: number, opts: SoftmaxOptions) => Tensor): SoftmaxFn {
  return (x, dim, opts = {}) => {
    checkArg(where, dim, "int?", 2, "dim");
    checkOptions(where, opts, { dtype: "string" }, { index: 3, positional: "dtype" });
    return op(x, dim ?? implicitSoftmaxDim(x.ndim), opts);
  };
}

export const softmax: SoftmaxFn = /* @__PURE__ */ softmaxFn("F.softmax()", softmaxOp);

export const logSoftmax: SoftmaxFn = /* @__PURE__ */ softmaxFn("F.logSoftmax()", logSoftmaxOp);

export function checkDropoutP(p: number): number {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new ArgumentError(`dropout probability has to be between 0 and 1, but got ${typeof p === "number" ? pyFloat(p) : String(p)}`);
  }
  return p;
}

export interface DropoutOptions {
  training?: boolean;
  generator?: Generator;
}

/**
 * Inverted dropout: zeroes each element with probability p (drawn from the default generator, or
 * `generator`) and scales the rest by 1/(1-p), so evaluation needs no rescaling. Identity when not
 * training or when p is 0. kindling's callers (F.dropout in activation_inplace.ts, attention, the
 * recurrent layers) have checked p with checkDropoutP and built the options themselves.
 */
export function dropout(x: Tensor, p: number, opts: DropoutOptions = {}): Tensor {
  if (opts.training === false || p === 0) return x;
  if (!isFloating(x.dtype)) throw new DTypeError(`dropout expects a floating point input, got ${x.dtype}`);
  if (p === 1) return mul(x, 0);
  return fusedDropout(x, p, opts.generator);
}

/** Class indices -> one-hot rows (int64), `numClasses` -1 meaning max + 1. */
export function oneHot(target: Tensor, numClasses = -1): Tensor {
  if (target.dtype !== "int64" && target.dtype !== "int32") {
    throw new DTypeError(`one_hot is only applicable to index tensor (got ${target.dtype}).`);
  }
  const data = target.toTypedArray();
  let max = -1;
  for (const v of data) {
    if (v < 0) throw new ArgumentError("Class values must be non-negative.");
    if (v > max) max = v;
  }
  const n = numClasses === -1 ? max + 1 : numClasses;
  if (max >= n) throw new ArgumentError("Class values must be smaller than num_classes.");
  if (data.length === 0 && numClasses === -1) throw new ArgumentError("Can not infer total number of classes from empty tensor.");
  return noGrad(() => eq(unsqueeze(target, -1), arange(n)).to("int64"));
}
