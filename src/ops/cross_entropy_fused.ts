import { optionalKernel } from "../backend/registry.ts";
import type { CrossEntropyReduction } from "../backend/cross_entropy.ts";
import { passThrough } from "../autograd/fused.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { div, sub } from "./binary.ts";
import { mul } from "./op_functions.ts";
import { softmax } from "./softmax.ts";
import { reshape } from "./views.ts";
import { IndexError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { castRaw, denseData, fresh, freshOutput } from "./util.ts";

type F = Float32Array | Float64Array;
const CODES = { none: 0, sum: 1, mean: 2 } as const;

/**
 * Cross entropy of logits x [n, c] against class indices y [n] (checked by the caller: shapes and an
 * integer dtype; `unbatched`: x is the [1, C] view of a [C] input), without class weights or label smoothing, through the backend's optional kernel
 * "crossEntropy": one call forward (log-softmax, pick, reduction), one backward. Null when the
 * backend has no such kernel or declines the call; the caller then composes the loss.
 *
 * The graph is PyTorch's: NllLossBackward0 over LogSoftmaxBackward0 over the logits, the second a
 * pass-through (the first computes softmax - one-hot itself). Backward reads the log-probabilities
 * saved by the forward, as PyTorch's LogSoftmaxBackward0 reads its result.
 */
export function fusedCrossEntropy(
  x: Tensor, y: Tensor, ignoreIndex: number, reduction: "none" | "sum" | "mean", unbatched = false,
): Tensor | null {
  const k = optionalKernel("crossEntropy");
  const [n, c] = x.shape as [number, number];
  if (!k || c === 0 || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  const targets = denseData(y);
  if (!(targets instanceof Int32Array || targets instanceof Float64Array)) return null;
  const code: CrossEntropyReduction = CODES[reduction];
  const logp = freshOutput([n, c], x.dtype);
  // An unbatched input ([C] logits, x its [1, C] view) gives a 0-d loss under every reduction.
  const out = freshOutput(reduction === "none" && !unbatched ? [n] : [], x.dtype);
  const lp = logp.storage as F;
  const status = k.forward(denseData(x) as F, targets, n, c, ignoreIndex, code, lp, out.storage as F);
  if (status === -2) return null;
  if (status >= 0) throw new IndexError(`Target ${targets[status]} is out of bounds for ${c} classes`);
  return record(out, "NllLossBackward0", [passThrough("LogSoftmaxBackward0", x)], (g) => {
    if (isGradEnabled()) return [recordedGrad(x, targets, g, ignoreIndex, reduction)];
    const gx = freshOutput([n, c], x.dtype);
    const gd = denseData(castRaw(g, x.dtype)) as F;
    if (!k.backward(lp, targets, n, c, ignoreIndex, code, gd, gx.storage as F)) {
      throw new Error("crossEntropy: the backend declined the backward of its own forward");
    }
    return [gx];
  });
}

/**
 * createGraph's gradient, (softmax(x) - onehot(y)) scaled per row by the loss's gradient, as recorded ops
 * over x and g; ignored rows get none, and a mean divides by the count of the others.
 */
function recordedGrad(x: Tensor, targets: Int32Array | Float64Array, g: Tensor, ignoreIndex: number, reduction: "none" | "sum" | "mean"): Tensor {
  const [n, c] = x.shape as [number, number];
  const onehot = fresh([n, c], x.dtype);
  const valid = fresh([n, 1], x.dtype);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    if (t === ignoreIndex) continue;
    onehot.storage[i * c + t] = 1;
    valid.storage[i] = 1;
    count++;
  }
  const rowGrad = reduction === "none" ? mul(reshape(g, [n, 1]), valid) : mul(reduction === "mean" ? div(g, count) : g, valid);
  return mul(sub(softmax(x, 1), onehot), rowGrad);
}
