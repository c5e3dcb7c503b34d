/**
 * Module.zeroGrad and Optimizer.zeroGrad, which PyTorch implements alike: each parameter's gradient
 * is detached from any graph and zeroed in place, keeping its identity (PyTorch 1.13's default), or
 * becomes null with setToNone. A gradient no code outside kindling holds is zeroed lazily: its buffer
 * is reused (src/tensor/pool.ts) and zeros are made only if `.grad` is read before the next backward.
 */
import { Tensor } from "../tensor/tensor.ts";
import "../ops/methods.ts";
import { withoutGrad } from "./grad_mode.ts";

export function zeroGradOf(params: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of params) {
    if (setToNone) {
      Tensor.releaseGrad(p);
      continue;
    }
    if (Tensor.zeroGradLazily(p)) continue;
    // Null: no gradient, or zeros already pending.
    const g = Tensor.peekAccumulated(p);
    if (g === null) continue;
    if (g.gradFn !== null) g.detach_();
    else g.requiresGrad = false;
    withoutGrad(() => g.zero_());
  }
}
