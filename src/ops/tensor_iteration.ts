import { ArgumentError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { unbind } from "./shape_ops.ts";

/**
 * `for (const row of x)` and `[...x]`: PyTorch's Tensor.__iter__, the slices along dim 0 (x.unbind(0),
 * views that carry gradients), so `for i, w in enumerate(W)` ports as `for (const [i, w] of [...W].entries())`.
 * A 0-d tensor has nothing to iterate over, as in PyTorch.
 */
declare module "../tensor/tensor.ts" {
  interface Tensor {
    [Symbol.iterator](): IterableIterator<Tensor>;
  }
}

Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  configurable: true,
  writable: true,
  value: function (this: Tensor): IterableIterator<Tensor> {
    if (this.ndim === 0) throw new ArgumentError("iteration over a 0-d tensor");
    return unbind(this, 0)[Symbol.iterator]();
  },
});
