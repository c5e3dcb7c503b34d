/**
 * torch.optim.Adagrad (PyTorch 1.13 update rule):
 *
 *   t += 1;  g = grad (negated if maximize);  if weightDecay: g += weightDecay * p
 *   clr = lr / (1 + (t - 1) * lrDecay)
 *   sum += g * g;   p -= clr * g / (sqrt(sum) + eps)
 *
 * As in PyTorch, state (`step` = 0, `sum` = initialAccumulatorValue) exists from construction, so a
 * state dict lists every parameter even before the first step.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { type FloatArray, bufferData, bufferLike } from "./dense.ts";
import { byPrecision } from "./precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamGroupSpec, type ParamsArg, nextStep, optimizerOptions,
} from "./optimizer.ts";

export interface AdagradOptions extends GroupOptions {
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

const ADAGRAD_OPTIONS: OptionTypes<AdagradOptions> = {
  lr: "number", lrDecay: "number", weightDecay: "number", initialAccumulatorValue: "number", eps: "number", maximize: "boolean",
};

export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    super(params, {
      lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false,
      ...optimizerOptions("Adagrad()", options, arguments, ADAGRAD_OPTIONS),
    }, ADAGRAD_OPTIONS, "Adagrad");
  }

  override addParamGroup(spec: ParamGroupSpec<AdagradOptions>): void {
    super.addParamGroup(spec);
    const group = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of group.params) this.initState(p, group.initialAccumulatorValue);
  }

  private initState(p: Tensor, init: number): void {
    const state = this.paramState(p);
    state.step = 0;
    state.sum = bufferLike(p, init);
  }

  protected updateGroup(group: ParamGroup<AdagradOptions>): void {
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      const step = nextStep(state);
      const sum = bufferData(state, "sum", param, group.initialAccumulatorValue);
      const clr = group.lr / (1 + (step - 1) * group.lrDecay);
      adagradKernel(v.p, v.g, sum, { maximize: group.maximize, wd: fr(group.weightDecay), eps: fr(group.eps), negClr: fr(-clr) });
      v.commit();
    });
  }
}

/**
 * The update loop, once per precision so each stays monomorphic. float32 rounding as PyTorch's CPU
 * kernels: addcmul fused, addcdiv and scalar ops not (see dense.ts).
 */
const adagradKernel = byPrecision(adagrad32, adagrad64);

interface AdagradScalars {
  maximize: boolean;
  wd: number;
  eps: number;
  negClr: number;
}

function adagrad32(p: Float32Array, g: FloatArray, sum: FloatArray, s: AdagradScalars): void {
  const f = Math.fround;
  const { maximize, wd, eps, negClr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const si = f(sum[i]! + gi * gi);
    sum[i] = si;
    const std = f(f(Math.sqrt(si)) + eps);
    p[i] = f(p[i]! + f(f(negClr * gi) / std));
  }
}

function adagrad64(p: Float64Array, g: FloatArray, sum: FloatArray, s: AdagradScalars): void {
  const { maximize, wd, eps, negClr } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i]! : g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const si = sum[i]! + gi * gi;
    sum[i] = si;
    p[i] = p[i]! + (negClr * gi) / (Math.sqrt(si) + eps);
  }
}
