/**
 * torch.optim.Adadelta (PyTorch 1.13 single-tensor update rule):
 *
 *   g = grad (negated if maximize);  if weightDecay: g += weightDecay * p
 *   v = rho * v + (1 - rho) * g * g                       (square_avg)
 *   delta = sqrt(u + eps) / sqrt(v + eps) * g
 *   u = rho * u + (1 - rho) * delta * delta               (acc_delta)
 *   p -= lr * delta
 *
 * State per parameter: `step` (a count), `square_avg`, `acc_delta`.
 */
import { type FloatArray, bufferData } from "../dense.ts";
import { byPrecision } from "../precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "../optimizer.ts";

export interface AdadeltaOptions extends GroupOptions {
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

const ADADELTA_OPTIONS: OptionTypes<AdadeltaOptions> = {
  lr: "number", rho: "number", eps: "number", weightDecay: "number", maximize: "boolean",
};

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsArg<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    super(params, {
      lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false,
      ...optimizerOptions("Adadelta()", options, arguments, ADADELTA_OPTIONS),
    }, ADADELTA_OPTIONS, "Adadelta");
  }

  protected updateGroup(group: ParamGroup<AdadeltaOptions>): void {
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      nextStep(state);
      const sq = bufferData(state, "square_avg", param);
      const acc = bufferData(state, "acc_delta", param);
      adadeltaKernel(v.p, v.g, sq, acc, {
        maximize: group.maximize,
        wd: fr(group.weightDecay),
        rho: fr(group.rho),
        omr: fr(1 - group.rho),
        eps: fr(group.eps),
        negLr: fr(-group.lr),
      });
      v.commit();
    });
  }
}

interface AdadeltaScalars {
  maximize: boolean;
  wd: number;
  rho: number;
  omr: number;
  eps: number;
  negLr: number;
}

/**
 * The update loop, once per precision so each stays monomorphic. float32 rounding as PyTorch's CPU
 * kernels: add(alpha)/addcmul fused multiply-adds, the rest rounded per op (see ../dense.ts).
 */
const adadeltaKernel = byPrecision(adadelta32, adadelta64);

function adadelta32(p: Float32Array, g: FloatArray, sq: FloatArray, acc: FloatArray, s: AdadeltaScalars): void {
  const f = Math.fround;
  const { maximize, wd, rho, omr, eps, negLr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const si = f(f(sq[i]! * rho) + f(omr * gi) * gi);
    sq[i] = si;
    const std = f(Math.sqrt(f(si + eps)));
    const delta = f(f(f(Math.sqrt(f(acc[i]! + eps))) / std) * gi);
    acc[i] = f(f(acc[i]! * rho) + f(omr * delta) * delta);
    p[i] = f(p[i]! + negLr * delta);
  }
}

function adadelta64(p: Float64Array, g: FloatArray, sq: FloatArray, acc: FloatArray, s: AdadeltaScalars): void {
  const { maximize, wd, rho, omr, eps, negLr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const si = sq[i]! * rho + omr * gi * gi;
    sq[i] = si;
    const delta = (Math.sqrt(acc[i]! + eps) / Math.sqrt(si + eps)) * gi;
    acc[i] = acc[i]! * rho + omr * delta * delta;
    p[i] = p[i]! + negLr * delta;
  }
}
