/**
 * torch.optim.RMSprop (PyTorch 1.13 update rule):
 *
 *   g = grad (negated if maximize);  if weightDecay: g += weightDecay * p
 *   v = alpha * v + (1 - alpha) * g * g
 *   centered: gAvg = alpha * gAvg + (1 - alpha) * g;  avg = sqrt(v - gAvg^2) + eps
 *   else:     avg = sqrt(v) + eps
 *   momentum > 0: b = momentum * b + g / avg;  p -= lr * b
 *   else:         p -= lr * g / avg
 *
 * State per parameter: `step` (a count), `square_avg`, and `momentum_buffer` / `grad_avg` when used.
 */
import { ArgumentError } from "../errors.ts";
import { type FloatArray, type Rounder, bufferData, paramView } from "./dense.ts";
import { type GroupOptions, Optimizer, type ParamGroup, type ParamsArg } from "./optimizer.ts";

export interface RMSpropOptions extends GroupOptions {
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options });
  }

  protected override validate(o: Partial<RMSpropOptions>): void {
    if (o.lr !== undefined && !(o.lr >= 0)) throw new ArgumentError(`Invalid learning rate: ${o.lr}`);
    if (o.eps !== undefined && !(o.eps >= 0)) throw new ArgumentError(`Invalid epsilon value: ${o.eps}`);
    if (o.momentum !== undefined && !(o.momentum >= 0)) throw new ArgumentError(`Invalid momentum value: ${o.momentum}`);
    if (o.weightDecay !== undefined && !(o.weightDecay >= 0)) throw new ArgumentError(`Invalid weight_decay value: ${o.weightDecay}`);
    if (o.alpha !== undefined && !(o.alpha >= 0)) throw new ArgumentError(`Invalid alpha value: ${o.alpha}`);
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { alpha, momentum, centered, maximize } = group;
    for (const param of group.params) {
      const grad = param.grad;
      if (grad === null) continue;
      const state = this.paramState(param);
      const v = paramView(param, grad, "RMSprop");
      const fr = v.fr;
      state.step = (typeof state.step === "number" ? state.step : 0) + 1;
      const sq = bufferData(state, "square_avg", param);
      const buf = momentum > 0 ? bufferData(state, "momentum_buffer", param) : null;
      const gAvg = centered ? bufferData(state, "grad_avg", param) : null;
      rmspropKernel(v.p, v.g, sq, gAvg, buf, {
        maximize,
        wd: fr(group.weightDecay),
        alpha: fr(alpha),
        oma: fr(1 - alpha),
        eps: fr(group.eps),
        mom: fr(momentum),
        negLr: fr(-group.lr),
      }, fr);
      v.commit();
    }
  }
}

interface RMSpropScalars {
  maximize: boolean;
  wd: number;
  alpha: number;
  oma: number;
  eps: number;
  mom: number;
  negLr: number;
}

/** Roundings as PyTorch's CPU kernels: add(alpha)/addcmul fused, addcdiv and scalar ops not (dense.ts). */
function rmspropKernel(
  p: FloatArray, g: FloatArray, sq: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, s: RMSpropScalars, fr: Rounder,
): void {
  const { maximize, wd, alpha, oma, eps, mom, negLr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi = fr(gi + wd * p[i]!);
    const si = fr(fr(sq[i]! * alpha) + fr(oma * gi) * gi);
    sq[i] = si;
    let avg: number;
    if (gAvg !== null) {
      const ai = fr(fr(gAvg[i]! * alpha) + oma * gi);
      gAvg[i] = ai;
      avg = fr(Math.sqrt(fr(si - ai * ai)));
    } else {
      avg = fr(Math.sqrt(si));
    }
    avg = fr(avg + eps);
    if (buf !== null) {
      const b = fr(fr(buf[i]! * mom) + fr(gi / avg));
      buf[i] = b;
      p[i] = fr(p[i]! + negLr * b);
    } else {
      p[i] = fr(p[i]! + fr(fr(negLr * gi) / avg));
    }
  }
}
