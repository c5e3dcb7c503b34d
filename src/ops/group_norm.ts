import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError, IndexError, ShapeError } from "../errors.ts";
import { fmtShape, numelOf } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, div, mul, sqrt, square, sub } from "./elementwise.ts";
import { batchNorm } from "./norm.ts";
import { mean } from "./reduce.ts";
import { expand, reshape, unsqueeze } from "./views.ts";

/**
 * Group and instance normalisation, as PyTorch composes them: both are batch normalisation of a
 * reshaped input ([1, N*G, ...] and [1, N*C, ...]), so they share batchNorm's fused node and its
 * closed-form backward, then (group norm) a per-channel affine.
 */

/** Normalises x [N, G, M] over its last dim without batchNorm (which refuses M = 1, where this gives 0). */
function normalizeRows(x: Tensor, eps: number): Tensor {
  const mu = mean(x, 2, true);
  const xc = sub(x, mu);
  return div(xc, sqrt(add(mean(square(xc), 2, true), eps)));
}

/**
 * `F.group_norm`: normalises each sample's channels in `numGroups` groups of C / numGroups channels
 * (over those channels and all spatial positions), then scales and shifts per channel.
 */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  Tensor.check(input, "input");
  if (input.ndim < 2) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(input.ndim, 1)}, ${Math.max(input.ndim, 1) - 1}], but got 1)`);
  }
  if (!Number.isInteger(numGroups) || numGroups <= 0) throw new ArgumentError(`group_norm: num_groups must be a positive integer, got ${numGroups}`);
  const [N, C] = input.shape as [number, number];
  const spatial = input.shape.slice(2);
  // PyTorch's _verify_batch_size on [N*C/G, G, *spatial].
  const verify = [Math.floor((N * C) / numGroups), numGroups, ...spatial];
  if (verify[0]! * numelOf(spatial) === 1) throw new ArgumentError(`Expected more than 1 value per channel when training, got input size ${fmtShape(verify)}`);
  if (C % numGroups !== 0) {
    throw new ShapeError(`Expected number of channels in input to be divisible by num_groups, but got input of shape ${fmtShape(input.shape)} and num_groups=${numGroups}`);
  }
  for (const [t, what] of [[weight, "weight"], [bias, "bias"]] as const) {
    if (t === null) continue;
    Tensor.check(t, what);
    if (t.ndim !== 1 || t.numel() !== C) {
      throw new ShapeError(`Expected ${what} to be a vector of size equal to the number of channels in input, but got ${what} of shape ${fmtShape(t.shape)} and input of shape ${fmtShape(input.shape)}`);
    }
  }
  const M = (C / numGroups) * numelOf(spatial);
  let y: Tensor;
  if (M > 1 && N * numGroups > 0) {
    y = batchNorm(reshape(input, [1, N * numGroups, M]), null, null, null, null, true, 0, eps);
  } else {
    y = normalizeRows(reshape(input, [N, numGroups, M]), eps);
  }
  y = reshape(y, input.shape);
  const pshape = [C, ...spatial.map(() => 1)];
  if (weight !== null) y = mul(y, reshape(weight, pshape));
  if (bias !== null) y = add(y, reshape(bias, pshape));
  return y;
}

/** [C] repeated for each of N samples as [N * C], differentiably (its gradient sums the copies). */
function repeatRows(t: Tensor | null, n: number): Tensor | null {
  if (t === null) return null;
  return reshape(expand(unsqueeze(t, 0), [n, t.numel()]), [n * t.numel()]);
}

/**
 * `F.instance_norm(input, runningMean, runningVar, weight, bias, useInputStats, momentum, eps)`:
 * normalises every (sample, channel) plane of x [N, C, ...] over its positions.
 * Running statistics, when given, are updated with the mean over the batch of each instance's
 * statistics, as PyTorch's.
 */
export function instanceNorm(
  input: Tensor,
  runningMean: Tensor | null = null,
  runningVar: Tensor | null = null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  useInputStats = true,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  Tensor.check(input, "input");
  if (input.ndim < 2) throw new ShapeError(`instance_norm: expected a 2D or higher input [N, C, ...], got input of size ${fmtShape(input.shape)}`);
  if (useInputStats && numelOf(input.shape.slice(2)) === 1) {
    throw new ArgumentError(`Expected more than 1 spatial element when training, got input size torch.Size(${fmtShape(input.shape)})`);
  }
  if (!useInputStats && (runningMean === null || runningVar === null)) {
    throw new ArgumentError("Expected running_mean and running_var to be defined when use_input_stats is false");
  }
  const [N, C] = input.shape as [number, number];
  const rm = noGrad(() => repeatRows(runningMean, N)?.contiguous() ?? null);
  const rv = noGrad(() => repeatRows(runningVar, N)?.contiguous() ?? null);
  const x = reshape(input.contiguous(), [1, N * C, ...input.shape.slice(2)]);
  const out = batchNorm(x, rm, rv, repeatRows(weight, N), repeatRows(bias, N), useInputStats, momentum, eps);
  noGrad(() => {
    if (runningMean && rm) runningMean.copy_(mean(reshape(rm, [N, C]), 0));
    if (runningVar && rv) runningVar.copy_(mean(reshape(rv, [N, C]), 0));
  });
  return reshape(out, input.shape);
}
