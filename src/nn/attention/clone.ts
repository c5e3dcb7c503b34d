import { noGrad } from "../../autograd/grad_mode.ts";
import { clone } from "../../ops/views.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { Parameter, isParameter } from "../parameter.ts";
import { newSlots, slots } from "../slots.ts";

/**
 * A deep copy of a module, as Python's `copy.deepcopy` makes for PyTorch's `_get_clones`: the same class,
 * the same settings, and parameters and buffers with their own storage holding the same values. A
 * tensor or module reached twice is copied once (weight tying survives). Functions (an activation) and
 * other class instances (a Generator) are shared, not copied.
 */
export function deepCopyModule<M extends AnyModule>(m: M): M {
  return copyValue(m, new Map()) as M;
}

function copyTensor(t: Tensor): Tensor {
  const data = noGrad(() => clone(t.detach()));
  const grad = t.requiresGrad;
  if (isParameter(t)) return Parameter(data, grad);
  return grad ? data.requiresGrad_(true) : data;
}

function copyValue(v: unknown, memo: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) return v;
  const seen = memo.get(v);
  if (seen !== undefined) return seen;
  if (v instanceof Tensor) {
    const t = copyTensor(v);
    memo.set(v, t);
    return t;
  }
  if (v instanceof Module) return copyModule(v as AnyModule, memo);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    memo.set(v, out);
    for (const x of v) out.push(copyValue(x, memo));
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = Object.create(proto as object | null) as Record<string, unknown>;
    memo.set(v, out);
    for (const [k, x] of Object.entries(v)) out[k] = copyValue(x, memo);
    return out;
  }
  return v;
}

function copyModule(m: AnyModule, memo: Map<object, unknown>): AnyModule {
  const out = Object.create(Object.getPrototypeOf(m) as object) as AnyModule;
  memo.set(m, out);
  newSlots(out);
  const from = slots(m);
  const to = slots(out);
  for (const key of Reflect.ownKeys(m)) {
    const desc = Object.getOwnPropertyDescriptor(m, key)!;
    // Buffers are accessors closed over the original's registry: registered afresh below.
    if (typeof key === "string" && from.buffers.has(key) && desc.get !== undefined) continue;
    if ("value" in desc) desc.value = copyValue(desc.value, memo);
    Object.defineProperty(out, key, desc);
  }
  for (const [k, p] of from.params) to.params.set(k, p === null ? null : (copyValue(p, memo) as Tensor));
  for (const [k, c] of from.modules) to.modules.set(k, c === null ? null : (copyValue(c, memo) as AnyModule));
  for (const [k, a] of from.aliases) to.aliases.set(k, a);
  for (const [k, b] of from.buffers) {
    out.registerBuffer(k, b === null ? null : (copyValue(b, memo) as Tensor), { persistent: !from.nonPersistent.has(k) });
  }
  return out;
}
