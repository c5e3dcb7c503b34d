/**
 * torch.optim.Adamax (PyTorch 1.13 single-tensor update rule): Adam with an infinity norm in place
 * of the second moment.
 *
 *   t += 1;  g = grad (negated if maximize);  if weightDecay: g += weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g
 *   u = max(beta2 * u, |g| + eps)
 *   p -= lr / (1 - beta1^t) * m / u
 *
 * State per parameter: `step` (a number here; PyTorch's 0-d tensor), `exp_avg`, `exp_inf`.
 */
import { type FloatArray, bufferData } from "../dense.ts";
import { byPrecision } from "../precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "../optimizer.ts";

export interface AdamaxOptions extends GroupOptions {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const ADAMAX_OPTIONS: OptionTypes<AdamaxOptions> = {
  lr: "number", eps: "number", betas: "numbers", weightDecay: "number", maximize: "boolean",
};

export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: ParamsArg<AdamaxOptions>, options: Partial<AdamaxOptions> = {}) {
    super(params, {
      lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false,
      ...optimizerOptions("Adamax()", options, arguments, ADAMAX_OPTIONS),
    }, ADAMAX_OPTIONS, "Adamax");
  }

  protected updateGroup(group: ParamGroup<AdamaxOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, maximize } = group;
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      const step = nextStep(state);
      const m = bufferData(state, "exp_avg", param);
      const u = bufferData(state, "exp_inf", param);
      adamaxKernel(v.p, v.g, m, u, {
        maximize,
        wd: fr(group.weightDecay),
        b1: fr(beta1),
        omb1: fr(1 - beta1),
        b2: fr(beta2),
        eps: fr(group.eps),
        negClr: fr(-(lr / (1 - beta1 ** step))),
      });
      v.commit();
    });
  }
}

interface AdamaxScalars {
  maximize: boolean;
  wd: number;
  b1: number;
  omb1: number;
  b2: number;
  eps: number;
  negClr: number;
}

/**
 * float32 as PyTorch's CPU kernels round it: `add(alpha)` fused (product unrounded), mul, abs+eps and
 * addcdiv's value * m / u rounded per op. max keeps the first operand on a tie, as amax does.
 */
const adamaxKernel = byPrecision(adamax32, adamax64);

function adamax32(p: Float32Array, g: FloatArray, m: FloatArray, u: FloatArray, s: AdamaxScalars): void {
  const f = Math.fround;
  const { maximize, wd, b1, omb1, b2, eps, negClr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const mi = f(f(m[i]! * b1) + omb1 * gi);
    m[i] = mi;
    const ui = Math.max(f(u[i]! * b2), f(Math.abs(gi) + eps));
    u[i] = ui;
    p[i] = f(p[i]! + f(f(negClr * mi) / ui));
  }
}

function adamax64(p: Float64Array, g: FloatArray, m: FloatArray, u: FloatArray, s: AdamaxScalars): void {
  const { maximize, wd, b1, omb1, b2, eps, negClr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const mi = m[i]! * b1 + omb1 * gi;
    m[i] = mi;
    const ui = Math.max(u[i]! * b2, Math.abs(gi) + eps);
    u[i] = ui;
    p[i] = p[i]! + (negClr * mi) / ui;
  }
}
