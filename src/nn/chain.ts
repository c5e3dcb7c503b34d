import { releaseWhenFreed } from "../autograd/activations.ts";
import { nodesMade } from "../autograd/node.ts";
import type { Storage } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { AnyModule } from "./module.ts";

/**
 * kindling's layers that neither keep their input or output nor hand them to user code: a tensor
 * passed between two of them inside a Sequential is reachable only from their graph nodes.
 */
const KEEP_NOTHING = new Set([
  "Linear", "Conv1d", "Conv2d", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "GELU", "SiLU", "ELU",
  "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Flatten", "Dropout", "BatchNorm1d", "BatchNorm2d",
  "LayerNorm", "Softmax", "LogSoftmax", "Identity",
]);

/**
 * Whether m is an instance of one of kindling's module classes itself (not a user subclass, whose
 * builtinName is inherited, not its own), with no hook or patch on its `forward`.
 */
export function isUnhookedBuiltin(m: AnyModule): boolean {
  return Object.hasOwn(m.constructor, "builtinName") && !Object.hasOwn(m, "forward");
}

function keepsNothing(m: AnyModule): boolean {
  return isUnhookedBuiltin(m) && KEEP_NOTHING.has((m.constructor as unknown as { builtinName: string }).builtinName);
}

/**
 * Runs `modules` in turn (Sequential's forward). A tensor passed between two adjacent KEEP_NOTHING
 * layers is private, unless its memory is also that of a tensor some other code sees (the input, the
 * output, what another layer takes or returns, even through a view): the memory of private tensors goes
 * back to the storage pool when the graph that saved them is released (autograd/activations.ts), or at
 * once under noGrad.
 */
export function runChain(modules: Iterable<AnyModule>, x: unknown): unknown {
  const since = nodesMade();
  const inner: Storage[] = [];
  const shared: Tensor[] = [];
  const share = (t: unknown): void => {
    if (t instanceof Tensor) shared.push(t);
  };
  share(x);
  let y = x;
  let prevOk = false;
  for (const m of modules) {
    const ok = keepsNothing(m);
    if (prevOk && ok && y instanceof Tensor) inner.push(y.storage);
    else share(y);
    y = m.forward(y);
    prevOk = ok;
  }
  if (inner.length > 0 && y instanceof Tensor) releaseWhenFreed(y, since, inner, shared);
  return y;
}
