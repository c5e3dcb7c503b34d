import { releaseWhenFreed } from "../autograd/activations.ts";
import { nodesMade } from "../autograd/node.ts";
import type { Storage } from "../tensor/dtype.ts";
import type { ConvOptions } from "../ops/conv.ts";
import { conv2dRelu } from "../ops/conv_relu.ts";
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

/**
 * An unhooked builtin Linear, or Conv2d with zero padding over a batch, directly followed by an
 * unhooked builtin ReLU, as one op on `x`; else null.
 */
function withRelu(m: AnyModule, next: AnyModule | undefined, x: Tensor): (() => Tensor) | null {
  if (next === undefined || builtinName(next) !== "ReLU" || !isUnhookedBuiltin(m) || !isUnhookedBuiltin(next)) return null;
  const c = m as unknown as ConvOptions & { weight: unknown; bias: unknown; paddingMode: string };
  const { weight, bias } = c;
  if (!(weight instanceof Tensor) || !(bias === null || bias instanceof Tensor)) return null;
  if (builtinName(m) === "Linear") return () => linearRelu(x, weight, bias);
  return builtinName(m) === "Conv2d" && c.paddingMode === "zeros" && x.ndim === 4 ? () => conv2dRelu(x, weight, bias, c) : null;
}

/** What bench/profiler.ts wraps around each step of a chain: one module, or a fused Linear/Conv2d + ReLU. */
export type ChainObserver = (modules: readonly AnyModule[], run: () => unknown) => unknown;
let observer: ChainObserver | null = null;

/** @internal Sets (or clears) the profiler's observer of chain steps; hooks would turn fusion off. */
export function observeChain(fn: ChainObserver | null): void {
  observer = fn;
}

/**
 * Runs `modules` in turn (Sequential's forward); a Linear or Conv2d followed by a ReLU, all unhooked
 * builtins, runs as one op (linearRelu, conv2dRelu). A tensor passed between two adjacent KEEP_NOTHING
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
    // A Linear's or Conv2d's output that only a ReLU reads is never seen: both run as one op (the ReLU
    // in the GEMM's epilogue or the conv pass), with the same graph nodes as the two layers.
    const xi = y;
    const lr = y instanceof Tensor ? withRelu(m, list[i + 1], y) : null;
    const run = lr ?? (() => m.forward(xi));
    y = observer ? observer(lr ? [m, list[i + 1]!] : [m], run) : run();
    if (lr) i++;
    prevOk = ok;
  }
  if (inner.length > 0 && y instanceof Tensor) releaseWhenFreed(y, since, inner, shared);
  return y;
}
