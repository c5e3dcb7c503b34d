/**
 * torch.optim.Rprop, resilient backpropagation (PyTorch 1.13 single-tensor update rule). Per element:
 *
 *   g = grad (negated if maximize);  s = sign(g * prev)
 *   stepSize = clamp(stepSize * (etaplus if s > 0, etaminus if s < 0, else 1), stepSizeMin, stepSizeMax)
 *   where s < 0: g = 0   (the sign flipped: no move, and no flip counted next time)
 *   p -= sign(g) * stepSize;   prev = g
 *
 * lr is only the initial step size. State per parameter: `step` (a plain int in PyTorch 1.13),
 * `prev`, `step_size`.
 */
import { ArgumentError } from "../../errors.ts";
import { type FloatArray, bufferData } from "../dense.ts";
import { byPrecision } from "../precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "../optimizer.ts";

export interface RpropOptions extends GroupOptions {
  /** (etaminus, etaplus): the step size's factors after a sign flip and after no flip. */
  etas: readonly [number, number];
  /** (min, max) step size. */
  stepSizes: readonly [number, number];
  maximize: boolean;
}

const RPROP_OPTIONS: OptionTypes<RpropOptions> = {
  lr: "number", etas: "numbers", stepSizes: "numbers", maximize: "boolean",
};

function pair(v: unknown, name: string): void {
  if (!Array.isArray(v) || v.length !== 2) throw new ArgumentError(`${name} must be a pair of numbers, got ${JSON.stringify(v)}`);
}

export class Rprop extends Optimizer<RpropOptions> {
  constructor(params: ParamsArg<RpropOptions>, options: Partial<RpropOptions> = {}) {
    super(params, {
      lr: 1e-2, etas: [0.5, 1.2], stepSizes: [1e-6, 50], maximize: false,
      ...optimizerOptions("Rprop()", options, arguments, RPROP_OPTIONS),
    }, RPROP_OPTIONS, "Rprop");
  }

  protected override validate(options: Partial<RpropOptions>): void {
    const { lr, etas, stepSizes } = options;
    if (lr !== undefined && !(lr >= 0)) throw new ArgumentError(`Invalid learning rate: ${lr}`);
    if (etas !== undefined) {
      pair(etas, "etas");
      if (!(etas[0] > 0 && etas[0] < 1 && etas[1] > 1)) throw new ArgumentError(`Invalid eta values: ${etas[0]}, ${etas[1]}`);
    }
    if (stepSizes !== undefined) pair(stepSizes, "step_sizes");
  }

  protected updateGroup(group: ParamGroup<RpropOptions>): void {
    const [etaminus, etaplus] = group.etas;
    const [min, max] = group.stepSizes;
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      const prev = bufferData(state, "prev", param);
      // A new step_size buffer starts at lr; one already there (or loaded) keeps its values.
      const stepSize = bufferData(state, "step_size", param, fr(group.lr));
      nextStep(state);
      rpropKernel(v.p, v.g, prev, stepSize, {
        maximize: group.maximize,
        etaminus: fr(etaminus),
        etaplus: fr(etaplus),
        min: fr(min),
        max: fr(max),
      });
      v.commit();
    });
  }
}

interface RpropScalars {
  maximize: boolean;
  etaminus: number;
  etaplus: number;
  min: number;
  max: number;
}

/**
 * float32: the product g * prev is rounded before its sign is taken (it can underflow to 0, as in
 * PyTorch). clamp is min(max(x, lo), hi), which keeps a NaN as PyTorch's does.
 */
const rpropKernel = byPrecision(rprop32, rprop64);

function rprop32(p: Float32Array, g: FloatArray, prev: FloatArray, stepSize: FloatArray, s: RpropScalars): void {
  const f = Math.fround;
  const { maximize, etaminus, etaplus, min, max } = s;
  for (let i = 0; i < p.length; i++) {
    const gi = maximize ? -g[i]! : g[i]!;
    const d = f(gi * prev[i]!);
    const st = Math.min(Math.max(f(stepSize[i]! * (d > 0 ? etaplus : d < 0 ? etaminus : 1)), min), max);
    stepSize[i] = st;
    const ge = d < 0 ? 0 : gi;
    p[i] = f(p[i]! - Math.sign(ge) * st);
    prev[i] = ge;
  }
}

function rprop64(p: Float64Array, g: FloatArray, prev: FloatArray, stepSize: FloatArray, s: RpropScalars): void {
  const { maximize, etaminus, etaplus, min, max } = s;
  for (let i = 0; i < p.length; i++) {
    const gi = maximize ? -g[i]! : g[i]!;
    const d = gi * prev[i]!;
    const st = Math.min(Math.max(stepSize[i]! * (d > 0 ? etaplus : d < 0 ? etaminus : 1), min), max);
    stepSize[i] = st;
    const ge = d < 0 ? 0 : gi;
    p[i] = p[i]! - Math.sign(ge) * st;
    prev[i] = ge;
  }
}
