/**
 * torch.optim.RAdam (PyTorch 1.13 single-tensor update rule; 1.13 has no maximize):
 *
 *   t += 1;  if weightDecay: g += weightDecay * p
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
 *   mHat = m / (1 - beta1^t)
 *   rhoInf = 2 / (1 - beta2) - 1;   rho_t = rhoInf - 2 t beta2^t / (1 - beta2^t)
 *   rho_t > 5: rect = sqrt((rho_t - 4)(rho_t - 2) rhoInf / ((rhoInf - 4)(rhoInf - 2) rho_t))
 *              p -= mHat * lr * (sqrt(1 - beta2^t) / (sqrt(v) + eps)) * rect
 *   else:      p -= mHat * lr                          (the variance is not yet tractable)
 *
 * State per parameter: `step`, `exp_avg`, `exp_avg_sq`.
 */
import { type FloatArray, bufferData } from "../dense.ts";
import { byPrecision } from "../precision.ts";
import { type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions } from "../optimizer.ts";

export interface RAdamOptions extends GroupOptions {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

const RADAM_OPTIONS: OptionTypes<RAdamOptions> = { lr: "number", eps: "number", betas: "numbers", weightDecay: "number" };

export class RAdam extends Optimizer<RAdamOptions> {
  constructor(params: ParamsArg<RAdamOptions>, options: Partial<RAdamOptions> = {}) {
    super(params, {
      lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0,
      ...optimizerOptions("RAdam()", options, arguments, RADAM_OPTIONS),
    }, RADAM_OPTIONS, "RAdam");
  }

  protected updateGroup(group: ParamGroup<RAdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr } = group;
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      const step = nextStep(state);
      const m = bufferData(state, "exp_avg", param);
      const s = bufferData(state, "exp_avg_sq", param);
      const bc1 = 1 - beta1 ** step;
      const bc2 = 1 - beta2 ** step;
      const rhoInf = 2 / (1 - beta2) - 1;
      const rhoT = rhoInf - (2 * step * beta2 ** step) / bc2;
      const rect = rhoT > 5 ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : null;
      radamKernel(v.p, v.g, m, s, {
        wd: fr(group.weightDecay),
        b1: fr(beta1),
        omb1: fr(1 - beta1),
        b2: fr(beta2),
        omb2: fr(1 - beta2),
        bc1: fr(bc1),
        lr: fr(lr),
        eps: fr(group.eps),
        bc2Sqrt: fr(Math.sqrt(bc2)),
        rect: rect === null ? null : fr(rect),
      });
      v.commit();
    });
  }
}

interface RAdamScalars {
  wd: number;
  b1: number;
  omb1: number;
  b2: number;
  omb2: number;
  bc1: number;
  lr: number;
  eps: number;
  bc2Sqrt: number;
  /** The variance rectification term; null while rho_t <= 5 (un-adapted step). */
  rect: number | null;
}

/**
 * The update loop, once per precision so each stays monomorphic. float32 rounding as PyTorch's CPU
 * kernels, with its operation order: `scalar / tensor` is reciprocal then multiply, and the step is
 * the product mHat * lr * adaptive * rect taken left to right.
 */
const radamKernel = byPrecision(radam32, radam64);

function radam32(p: Float32Array, g: FloatArray, m: FloatArray, v: FloatArray, s: RAdamScalars): void {
  const f = Math.fround;
  const { wd, b1, omb1, b2, omb2, bc1, lr, eps, bc2Sqrt, rect } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const mi = f(f(m[i]! * b1) + omb1 * gi);
    m[i] = mi;
    const vi = f(f(v[i]! * b2) + f(omb2 * gi) * gi);
    v[i] = vi;
    const mHatLr = f(f(mi / bc1) * lr);
    if (rect === null) {
      p[i] = f(p[i]! - mHatLr);
    } else {
      const adaptive = f(f(1 / f(f(Math.sqrt(vi)) + eps)) * bc2Sqrt);
      p[i] = f(p[i]! - f(f(mHatLr * adaptive) * rect));
    }
  }
}

function radam64(p: Float64Array, g: FloatArray, m: FloatArray, v: FloatArray, s: RAdamScalars): void {
  const { wd, b1, omb1, b2, omb2, bc1, lr, eps, bc2Sqrt, rect } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const mi = m[i]! * b1 + omb1 * gi;
    m[i] = mi;
    const vi = v[i]! * b2 + omb2 * gi * gi;
    v[i] = vi;
    const mHatLr = (mi / bc1) * lr;
    p[i] = rect === null ? p[i]! - mHatLr : p[i]! - mHatLr * ((1 / (Math.sqrt(vi) + eps)) * bc2Sqrt) * rect;
  }
}
