import { ArgumentError, AutogradError, DTypeError, ShapeError } from "../errors.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { Node } from "./node.ts";

/**
 * Tensor gradient hooks, PyTorch's `Tensor.register_hook`. A hook sees the gradient with respect to
 * its tensor once per backward pass, summed over every use of the tensor, and may return a tensor to
 * use instead. A leaf's hooks are kept on the leaf (they run before `.grad` accumulates); a non-leaf's
 * on the node that made it (they run before that node's backward and before a retained `.grad` is
 * filled, as PyTorch 2 orders them).
 */
export type TensorHook = (grad: Tensor) => Tensor | null | undefined | void;

/** What `register*Hook` returns (PyTorch's `RemovableHandle`): `remove()` unregisters the hook. */
export class RemovableHandle {
  private static nextId = 0;
  readonly id = RemovableHandle.nextId++;
  readonly #remove: (id: number) => void;

  /** @internal */
  constructor(remove: (id: number) => void) {
    this.#remove = remove;
  }

  remove(): void {
    this.#remove(this.id);
  }
}

/** The hooks of each hooked leaf tensor and node, in registration order. */
const HOOKS = new WeakMap<Tensor | Node, Map<number, TensorHook>>();
/** How many tensors or nodes hold hooks: while 0 the engine looks nothing up. */
let hooked = 0;

export function hasTensorHooks(): boolean {
  return hooked > 0;
}

/** Whether this leaf or node has hooks (the engine sums a hooked leaf's gradients before calling them). */
export function hooksOf(key: Tensor | Node): ReadonlyMap<number, TensorHook> | undefined {
  return hooked > 0 ? HOOKS.get(key) : undefined;
}

function addHook(key: Tensor | Node, fn: TensorHook): RemovableHandle {
  let map = HOOKS.get(key);
  if (map === undefined) {
    map = new Map();
    HOOKS.set(key, map);
    hooked++;
  }
  const own = map;
  const handle = new RemovableHandle((id) => {
    if (!own.delete(id) || own.size > 0) return;
    if (HOOKS.get(key) === own) {
      HOOKS.delete(key);
      hooked--;
    }
  });
  map.set(handle.id, fn);
  return handle;
}

/** Runs the hooks of `key` over g, each seeing the previous one's replacement. */
export function runTensorHooks(key: Tensor | Node, g: Tensor): Tensor {
  const map = hooksOf(key);
  if (map === undefined) return g;
  for (const fn of [...map.values()]) {
    const r = fn(g);
    if (r === undefined || r === null) continue;
    if (!(r instanceof Tensor)) throw new ArgumentError(`a tensor hook must return a Tensor or nothing, got ${typeof r}`);
    if (!sameShape(r.shape, g.shape)) {
      throw new ShapeError(`hook '${fn.name || "hook"}' has changed the size of value (got ${fmtShape(r.shape)}, expected ${fmtShape(g.shape)})`);
    }
    if (r.dtype !== g.dtype) throw new DTypeError(`hook '${fn.name || "hook"}' has changed the type of value (got ${r.dtype}, expected ${g.dtype})`);
    g = r;
  }
  return g;
}

function registerHook(this: Tensor, fn: TensorHook): RemovableHandle {
  if (typeof fn !== "function") throw new ArgumentError(`registerHook(): expected a function, got ${fn === null ? "null" : typeof fn}`);
  if (!this.requiresGrad) throw new AutogradError("cannot register a hook on a tensor that doesn't require gradient");
  return addHook(this.gradFn ?? this, fn);
}

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /**
     * Calls `fn(grad)` with this tensor's gradient during every backward pass; a returned tensor
     * replaces the gradient (for the leaf's `.grad` and everything upstream). `handle.remove()` undoes it.
     */
    registerHook(fn: TensorHook): RemovableHandle;
  }
}

(Tensor.prototype as unknown as { registerHook: typeof registerHook }).registerHook = registerHook;
