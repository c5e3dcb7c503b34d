import { releaseWhenFreed } from "../autograd/activations.ts";
import { nodesMade } from "../autograd/node.ts";
import type { Storage } from "../tensor/dtype.ts";
import { linearRelu } from "../ops/linear.ts";
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

const builtinName = (m: AnyModule): string => (m.constructor as unknown as { builtinName: string }).builtinName;

function keepsNothing(m: AnyModule): boolean {
  return isUnhookedBuiltin(m) && KEEP_NOTHING.has(builtinName(m));
}

/** The parameters of an unhooked builtin Linear directly followed by an unhooked builtin ReLU, else null. */
function linearThenRelu(m: AnyModule, next: AnyModule | undefined): { weight: Tensor; bias: Tensor | null } | null {
  if (next === undefined || builtinName(m) !== "Linear" || builtinName(next) !== "ReLU") return null;
  if (!isUnhookedBuiltin(m) || !isUnhookedBuiltin(next)) return null;
  const { weight, bias } = m as unknown as { weight: unknown; bias: unknown };
  return weight instanceof Tensor && (bias === null || bias instanceof Tensor) ? { weight, bias } : null;
}

/** What bench/profiler.ts wraps around each step of a chain: one module, or a fused Linear + ReLU. */
export type ChainObserver = (modules: readonly AnyModule[], run: () => unknown) => unknown;
let observer: ChainObserver | null = null;

/** @internal Sets (or clears) the profiler's observer of chain steps; hooks would turn fusion off. */
export function observeChain(fn: ChainObserver | null): void {
  observer = fn;
}

/**
 * Runs `modules` in turn (Sequential's forward); a Linear followed by a ReLU, both unhooked builtins,
 * runs as one op (ops/linear.ts, linearRelu). A tensor passed between two adjacent KEEP_NOTHING
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
  const list = [...modules];
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    const ok = keepsNothing(m);
    if (prevOk && ok && y instanceof Tensor) inner.push(y.storage);
    else share(y);
    // A Linear's output that only a ReLU reads is never seen: both run as one op (bias and ReLU in the
    // GEMM's epilogue), with the same graph nodes as the two layers.
    const lr = y instanceof Tensor ? linearThenRelu(m, list[i + 1]) : null;
    const xi = y;
    const run = lr ? () => linearRelu(xi as Tensor, lr.weight, lr.bias) : () => m.forward(xi);
    y = observer ? observer(lr ? [m, list[i + 1]!] : [m], run) : run();
    if (lr) i++;
    prevOk = ok;
  }
  if (inner.length > 0 && y instanceof Tensor) releaseWhenFreed(y, since, inner, shared);
  return y;
}
