import { withoutGrad } from "../autograd/grad_mode.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { AnyModule } from "./module.ts";
import { slots } from "./slots.ts";

/**
 * Module.to(dtype), as PyTorch's `Module._apply`: every floating parameter is converted in place (the
 * same Parameter object over new memory, as `param.data = param.data.to(dtype)`), and its `.grad`
 * with it, so optimizers and tied layers holding it see the change; floating buffers are replaced by
 * converted copies. Integer and bool tensors keep their dtype.
 */
export function castModules(modules: readonly AnyModule[], dtype: DType): void {
  const done = new Set<Tensor>();
  const bufferCopies = new Map<Tensor, Tensor>();
  withoutGrad(() => {
    for (const m of modules) {
      for (const [, p] of m.localParameters()) {
        if (done.has(p) || !isFloating(p.dtype) || p.dtype === dtype) continue;
        done.add(p);
        const g = p.grad;
        Tensor.setData(p, p.detach().to(dtype));
        if (g !== null) p.grad = g.to(dtype);
      }
      const buffers = slots(m).buffers;
      for (const [name, b] of buffers) {
        if (b === null || !isFloating(b.dtype) || b.dtype === dtype) continue;
        let copy = bufferCopies.get(b);
        if (copy === undefined) bufferCopies.set(b, (copy = b.to(dtype)));
        buffers.set(name, copy);
      }
    }
  });
}
