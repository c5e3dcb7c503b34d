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
import { type FloatArray, bufferData } from "./dense.ts";
import { byPrecision } from "./precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "./optimizer.ts";

export interface RMSpropOptions extends GroupOptions {
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

const RMSPROP_OPTIONS: OptionTypes<RMSpropOptions> = {
  lr: "number", eps: "number", momentum: "number", weightDecay: "number", alpha: "number", centered: "boolean", maximize: "boolean",
};

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    super(params, {
      lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false,
      ...optimizerOptions("RMSprop()", options, arguments, RMSPROP_OPTIONS),
    }, RMSPROP_OPTIONS, "RMSprop");
  }

  protected updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { alpha, momentum, centered, maximize } = group;
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      nextStep(state);
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
      });
      v.commit();
    });
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

/**
 * The update loop, once per precision so each stays monomorphic. float32 rounding as PyTorch's CPU
 * kernels: add(alpha)/addcmul fused multiply-adds, addcdiv and scalar ops not (see dense.ts).
 */
const rmspropKernel = byPrecision(rmsprop32, rmsprop64);

function rmsprop32(p: Float32Array, g: FloatArray, sq: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, s: RMSpropScalars): void {
  const f = Math.fround;
  const { maximize, wd, alpha, oma, eps, mom, negLr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const si = f(f(sq[i]! * alpha) + f(oma * gi) * gi);
    sq[i] = si;
    let avg: number;
    if (gAvg !== null) {
      const ai = f(f(gAvg[i]! * alpha) + oma * gi);
      gAvg[i] = ai;
      avg = f(Math.sqrt(f(si - ai * ai)));
    } else {
      avg = f(Math.sqrt(si));
    }
    avg = f(avg + eps);
    if (buf !== null) {
      const b = f(f(buf[i]! * mom) + f(gi / avg));
      buf[i] = b;
      p[i] = f(p[i]! + negLr * b);
    } else {
      p[i] = f(p[i]! + f(f(negLr * gi) / avg));
    }
  }
}

function rmsprop64(p: Float64Array, g: FloatArray, sq: FloatArray, gAvg: FloatArray | null, buf: FloatArray | null, s: RMSpropScalars): void {
  const { maximize, wd, alpha, oma, eps, mom, negLr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const si = sq[i]! * alpha + oma * gi * gi;
    sq[i] = si;
    let avg: number;
    if (gAvg !== null) {
      const ai = gAvg[i]! * alpha + oma * gi;
      gAvg[i] = ai;
      avg = Math.sqrt(si - ai * ai);
    } else {
      avg = Math.sqrt(si);
    }
    avg += eps;
    if (buf !== null) {
      const b = buf[i]! * mom + gi / avg;
      buf[i] = b;
      p[i] = p[i]! + negLr * b;
    } else {
      p[i] = p[i]! + (negLr * gi) / avg;
    }
  }
}
