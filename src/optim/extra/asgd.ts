/**
 * torch.optim.ASGD, averaged SGD (PyTorch 1.13 single-tensor update rule):
 *
 *   t += 1;  g = grad (negated if maximize);  if weightDecay: g += weightDecay * p
 *   p *= 1 - lambd * eta;   p -= eta * g
 *   ax = p if mu == 1 else ax + mu * (p - ax)
 *   eta = lr / (1 + lambd * lr * t)^alpha;   mu = 1 / max(1, t - t0)
 *
 * State per parameter: `step`, `eta`, `mu` (numbers here; PyTorch keeps them as 0-d float32 tensors
 * whatever the parameters' dtype, so they are rounded to float32 here too) and `ax`, the average.
 */
import { ArgumentError } from "../../errors.ts";
import { type FloatArray, bufferData } from "../dense.ts";
import { byPrecision } from "../precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "../optimizer.ts";

export interface ASGDOptions extends GroupOptions {
  /** Decay term. */
  lambd: number;
  /** Power for the eta update. */
  alpha: number;
  /** The step at which averaging starts. */
  t0: number;
  weightDecay: number;
  maximize: boolean;
}

const ASGD_OPTIONS: OptionTypes<ASGDOptions> = {
  lr: "number", lambd: "number", alpha: "number", t0: "number", weightDecay: "number", maximize: "boolean",
};

const f32 = Math.fround;

export class ASGD extends Optimizer<ASGDOptions> {
  constructor(params: ParamsArg<ASGDOptions>, options: Partial<ASGDOptions> = {}) {
    super(params, {
      lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false,
      ...optimizerOptions("ASGD()", options, arguments, ASGD_OPTIONS),
    }, ASGD_OPTIONS, "ASGD");
  }

  /** PyTorch checks only lr and weight_decay (alpha here is not RMSprop's, which must be >= 0). */
  protected override validate(options: Partial<ASGDOptions>): void {
    const { lr, weightDecay } = options;
    if (lr !== undefined && !(lr >= 0)) throw new ArgumentError(`Invalid learning rate: ${lr}`);
    if (weightDecay !== undefined && !(weightDecay >= 0)) throw new ArgumentError(`Invalid weight_decay value: ${weightDecay}`);
  }

  protected updateGroup(group: ParamGroup<ASGDOptions>): void {
    const { lr, lambd, alpha, t0, maximize } = group;
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      if (typeof state.eta !== "number") state.eta = f32(lr);
      if (typeof state.mu !== "number") state.mu = 1;
      const step = nextStep(state);
      const eta = state.eta;
      const mu = state.mu;
      const ax = bufferData(state, "ax", param);
      asgdKernel(v.p, v.g, ax, {
        maximize,
        wd: fr(group.weightDecay),
        decay: fr(1 - lambd * eta),
        negEta: fr(-eta),
        mu,
      });
      v.commit();
      state.eta = f32(lr / (1 + lambd * lr * step) ** alpha);
      state.mu = f32(1 / Math.max(1, step - t0));
    });
  }
}

interface ASGDScalars {
  maximize: boolean;
  wd: number;
  decay: number;
  negEta: number;
  /** 1 means ax takes p itself (PyTorch's copy_). */
  mu: number;
}

/** float32 as PyTorch's CPU kernels: `add(alpha)` fused, mul and sub rounded per op. */
const asgdKernel = byPrecision(asgd32, asgd64);

function asgd32(p: Float32Array, g: FloatArray, ax: FloatArray, s: ASGDScalars): void {
  const f = Math.fround;
  const { maximize, wd, decay, negEta, mu } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const pi = f(f(p[i]! * decay) + negEta * gi);
    p[i] = pi;
    ax[i] = mu === 1 ? pi : f(ax[i]! + f(f(pi - ax[i]!) * mu));
  }
}

function asgd64(p: Float64Array, g: FloatArray, ax: FloatArray, s: ASGDScalars): void {
  const { maximize, wd, decay, negEta, mu } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const pi = p[i]! * decay + negEta * gi;
    p[i] = pi;
    ax[i] = mu === 1 ? pi : ax[i]! + (pi - ax[i]!) * mu;
  }
}
