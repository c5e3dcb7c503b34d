/**
 * torch.optim.NAdam (PyTorch 1.13 single-tensor update rule; 1.13 has no maximize):
 *
 *   t += 1;  if weightDecay: g += weightDecay * p
 *   mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentumDecay)),  mu_{t+1} likewise
 *   muProduct *= mu_t                                    (a float32 scalar, as PyTorch's tensor(1.))
 *   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g * g
 *   denom = sqrt(v / (1 - beta2^t)) + eps
 *   p -= lr * (1 - mu_t) / (1 - muProduct) * g / denom
 *   p -= lr * mu_{t+1} / (1 - muProduct * mu_{t+1}) * m / denom
 *
 * State per parameter: `step`, `mu_product` (numbers here; 0-d tensors in PyTorch, accepted on load),
 * `exp_avg`, `exp_avg_sq`.
 */
import { type FloatArray, bufferData } from "../dense.ts";
import { byPrecision } from "../precision.ts";
import {
  type GroupOptions, Optimizer, type OptionTypes, type ParamGroup, type ParamsArg, nextStep, optimizerOptions,
} from "../optimizer.ts";

export interface NAdamOptions extends GroupOptions {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
}

const NADAM_OPTIONS: OptionTypes<NAdamOptions> = {
  lr: "number", eps: "number", betas: "numbers", weightDecay: "number", momentumDecay: "number",
};

const f32 = Math.fround;

export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: ParamsArg<NAdamOptions>, options: Partial<NAdamOptions> = {}) {
    super(params, {
      lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3,
      ...optimizerOptions("NAdam()", options, arguments, NADAM_OPTIONS),
    }, NADAM_OPTIONS, "NAdam");
  }

  protected updateGroup(group: ParamGroup<NAdamOptions>): void {
    const [beta1, beta2] = group.betas;
    const { lr, momentumDecay } = group;
    this.eachGrad(group, (v, state, param) => {
      const fr = v.fr;
      const step = nextStep(state);
      const m = bufferData(state, "exp_avg", param);
      const s = bufferData(state, "exp_avg_sq", param);
      const bc2 = 1 - beta2 ** step;
      const mu = beta1 * (1 - 0.5 * 0.96 ** (step * momentumDecay));
      const muNext = beta1 * (1 - 0.5 * 0.96 ** ((step + 1) * momentumDecay));
      // PyTorch's mu_product is a float32 tensor whatever the parameters' dtype: float32 arithmetic.
      const muProduct = f32((typeof state.mu_product === "number" ? state.mu_product : 1) * f32(mu));
      state.mu_product = muProduct;
      const muProductNext = f32(f32(muProduct * f32(mu)) * f32(muNext));
      nadamKernel(v.p, v.g, m, s, {
        wd: fr(group.weightDecay),
        b1: fr(beta1),
        omb1: fr(1 - beta1),
        b2: fr(beta2),
        omb2: fr(1 - beta2),
        bc2: fr(bc2),
        eps: fr(group.eps),
        cGrad: fr((-lr * (1 - mu)) / (1 - muProduct)),
        cAvg: fr((-lr * muNext) / (1 - muProductNext)),
      });
      v.commit();
    });
  }
}

interface NAdamScalars {
  wd: number;
  b1: number;
  omb1: number;
  b2: number;
  omb2: number;
  bc2: number;
  eps: number;
  cGrad: number;
  cAvg: number;
}

/**
 * The update loop, once per precision so each stays monomorphic. float32 rounding as PyTorch's CPU
 * kernels: add(alpha)/addcmul fused multiply-adds, addcdiv and the rest rounded per op (see ../dense.ts).
 */
const nadamKernel = byPrecision(nadam32, nadam64);

function nadam32(p: Float32Array, g: FloatArray, m: FloatArray, v: FloatArray, s: NAdamScalars): void {
  const f = Math.fround;
  const { wd, b1, omb1, b2, omb2, bc2, eps, cGrad, cAvg } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (wd !== 0) gi = f(gi + wd * p[i]!);
    const mi = f(f(m[i]! * b1) + omb1 * gi);
    m[i] = mi;
    const vi = f(f(v[i]! * b2) + f(omb2 * gi) * gi);
    v[i] = vi;
    const denom = f(f(Math.sqrt(f(vi / bc2))) + eps);
    const pi = f(p[i]! + f(f(cGrad * gi) / denom));
    p[i] = f(pi + f(f(cAvg * mi) / denom));
  }
}

function nadam64(p: Float64Array, g: FloatArray, m: FloatArray, v: FloatArray, s: NAdamScalars): void {
  const { wd, b1, omb1, b2, omb2, bc2, eps, cGrad, cAvg } = s;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (wd !== 0) gi += wd * p[i]!;
    const mi = m[i]! * b1 + omb1 * gi;
    m[i] = mi;
    const vi = v[i]! * b2 + omb2 * gi * gi;
    v[i] = vi;
    const denom = Math.sqrt(vi / bc2) + eps;
    p[i] = p[i]! + (cGrad * gi) / denom + (cAvg * mi) / denom;
  }
}
