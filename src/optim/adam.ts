/**
 * torch.optim.Adam and AdamW (PyTorch 1.13 single-tensor update rules):
 *
 *   t += 1;  g = grad (negated if maximize)
 *   Adam:  if weightDecay: g += weightDecay * p          (L2 penalty folded into the gradient)
 *   AdamW: p *= 1 - lr * weightDecay                      (decoupled weight decay)
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
 *   vmax = max(vmax, v) if amsgrad
 *   stepSize = lr / (1 - beta1^t);     denom = sqrt(v or vmax) / sqrt(1 - beta2^t) + eps
 *   p -= stepSize * m / denom
 *
 * Bias corrections are computed in double, as PyTorch does in Python; tensor arithmetic is float32 for
 * float32 parameters, with the same roundings as PyTorch's CPU kernels.
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq` and, with amsgrad, `max_exp_avg_sq`.
 */
import { type FloatArray, bufferData } from "./dense.ts";
import { byPrecision } from "./precision.ts";
import { type AdamScalars, adamBatch } from "./fused.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "./optimizer.ts";

export interface AdamOptions extends GroupOptions {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const ADAM_OPTIONS: OptionTypes<AdamOptions> = {
  lr: "number", eps: "number", betas: "numbers", weightDecay: "number", amsgrad: "boolean", maximize: "boolean",
};

export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false,
      ...optimizerOptions("Adam()", options, arguments, ADAM_OPTIONS),
    }, ADAM_OPTIONS, "Adam");
  }

  /** AdamW overrides this: weight decay applied to the parameter instead of the gradient. */
  protected get decoupled(): boolean {
    return false;
  }

  protected updateGroup(group: ParamGroup<AdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, weightDecay, amsgrad, maximize } = group;
    // Updates run through a batch: one fused call for the whole group when the backend has one.
    const batch = adamBatch((it) => adamKernel(it.p, it.g, it.m, it.v, it.vmax, it.s));
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      const step = nextStep(state);
      const m = bufferData(state, "exp_avg", param);
      const s = bufferData(state, "exp_avg_sq", param);
      const vmax = amsgrad ? bufferData(state, "max_exp_avg_sq", param) : null;
      const bc1 = 1 - beta1 ** step;
      const bc2 = 1 - beta2 ** step;
      batch.add({ p: v.p, g: v.g, m, v: s, vmax, s: {
        maximize,
        l2: this.decoupled ? 0 : fr(weightDecay),
        decay: this.decoupled ? fr(1 - lr * weightDecay) : 1,
        b1: fr(beta1),
        omb1: fr(1 - beta1),
        b2: fr(beta2),
        omb2: fr(1 - beta2),
        bc2Sqrt: fr(Math.sqrt(bc2)),
        eps: fr(group.eps),
        negStepSize: fr(-(lr / bc1)),
      } }, v.commit);
    });
    batch.flush();
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { weightDecay: 1e-2, ...optimizerOptions("AdamW()", options, arguments, ADAM_OPTIONS) });
  }

  protected override get typeName(): string {
    return "AdamW";
  }

  protected override get decoupled(): boolean {
    return true;
  }
}

/**
 * One Adam update over flat arrays, once per precision so each loop stays monomorphic. float32
 * rounding follows PyTorch's CPU kernels: `add_(x, alpha)` and `addcmul_` are fused multiply-adds
 * (product unrounded), `addcdiv_` and scalar mul/div are not.
 */
const adamKernel = byPrecision(adam32, adam64);

function adam32(p: Float32Array, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, s: AdamScalars): void {
  const f = Math.fround;
  const { maximize, l2, decay, b1, omb1, b2, omb2, bc2Sqrt, eps, negStepSize } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (decay !== 1) p[i] = f(p[i]! * decay);
    if (l2 !== 0) gi = f(gi + l2 * p[i]!);
    const mi = f(f(m[i]! * b1) + omb1 * gi);
    m[i] = mi;
    let vi = f(f(v[i]! * b2) + f(omb2 * gi) * gi);
    v[i] = vi;
    if (vmax !== null) {
      vi = Math.max(vmax[i]!, vi);
      vmax[i] = vi;
    }
    const denom = f(f(f(Math.sqrt(vi)) / bc2Sqrt) + eps);
    p[i] = f(p[i]! + f(f(negStepSize * mi) / denom));
  }
}

function adam64(p: Float64Array, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, s: AdamScalars): void {
  const { maximize, l2, decay, b1, omb1, b2, omb2, bc2Sqrt, eps, negStepSize } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (decay !== 1) p[i] = p[i]! * decay;
    if (l2 !== 0) gi += l2 * p[i]!;
    const mi = m[i]! * b1 + omb1 * gi;
    m[i] = mi;
    let vi = v[i]! * b2 + omb2 * gi * gi;
    v[i] = vi;
    if (vmax !== null) {
      vi = Math.max(vmax[i]!, vi);
      vmax[i] = vi;
    }
    const denom = Math.sqrt(vi) / bc2Sqrt + eps;
    p[i] = p[i]! + (negStepSize * mi) / denom;
  }
}
