/**
 * Module.zeroGrad and Optimizer.zeroGrad, which PyTorch implements alike: each parameter's gradient
 * becomes null (the default; kindling may then reuse its buffer, see src/tensor/pool.ts), or is
 * detached from any graph in place and zeroed, keeping its identity.
 */
import { Tensor } from "../tensor/tensor.ts";
import "../ops/methods.ts";
import { withoutGrad } from "./grad_mode.ts";

export function zeroGradOf(params: Iterable<Tensor>, setToNone: boolean): void {
  for (const p of params) {
    const g = Tensor.peekGrad(p);
    if (g === null) continue;
    if (setToNone) {
      Tensor.releaseGrad(p);
      continue;
    }
    if (g.gradFn !== null) g.detach_();
    else g.requiresGrad = false;
    withoutGrad(() => g.zero_());
  }
}
