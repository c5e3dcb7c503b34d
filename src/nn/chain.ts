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

/** The class itself (not a user subclass: builtinName is its own), with no hook or patch on the instance. */
function keepsNothing(m: AnyModule): boolean {
  const ctor = m.constructor as { builtinName?: string };
  return Object.hasOwn(ctor, "builtinName") && KEEP_NOTHING.has(ctor.builtinName!) && !Object.hasOwn(m, "forward");
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
  const shared = new Set<ArrayBufferLike>();
  const share = (t: unknown): void => {
    if (t instanceof Tensor) shared.add(t.storage.buffer);
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
  share(y);
  if (inner.length > 0 && y instanceof Tensor) {
    const storages = [...new Set(inner)].filter((s) => !shared.has(s.buffer));
    releaseWhenFreed(y, since, storages);
  }
  return y;
}
