/**
 * torch.nn.utils.stateless.functional_call (PyTorch 1.13): calls a module with some of its parameters
 * and buffers replaced, by dotted name, by the given tensors, for the call only. The module itself is
 * left as it was afterwards (even when forward throws), so one module can be evaluated at many points
 * of parameter space (meta-learning, per-sample gradients) with gradients flowing to the given
 * tensors rather than to its own parameters.
 */
import { ArgumentError } from "../../errors.ts";
import { checkArity } from "../../options.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { slots } from "../slots.ts";

/** Undoes one swap. */
type Restore = () => void;

/** Makes `m.<name>` read `value` until the returned function runs. */
function swap(m: AnyModule, name: string, value: Tensor): Restore {
  const s = slots(m);
  if (s.buffers.has(name)) {
    const old = s.buffers.get(name)!;
    s.buffers.set(name, value);
    return () => void s.buffers.set(name, old);
  }
  if (s.params.has(name)) {
    const old = s.params.get(name)!;
    // A registered parameter slot holds Parameters only: the tensor goes on the instance for the call.
    s.params.delete(name);
    const desc = Object.getOwnPropertyDescriptor(m, name);
    Object.defineProperty(m, name, { value, writable: true, configurable: true, enumerable: false });
    return () => {
      if (desc !== undefined) Object.defineProperty(m, name, desc);
      else delete (m as unknown as Record<string, unknown>)[name];
      s.params.set(name, old);
    };
  }
  const desc = Object.getOwnPropertyDescriptor(m, name);
  // As PyTorch, a name the module does not have yet is still set for the call.
  Object.defineProperty(m, name, { value, writable: true, configurable: true, enumerable: desc?.enumerable ?? false });
  return () => {
    if (desc !== undefined) Object.defineProperty(m, name, desc);
    else delete (m as unknown as Record<string, unknown>)[name];
  };
}

/**
 * `module.forward(...args)` with `parametersAndBuffers` (name -> tensor, a plain object or a Map) in
 * place of the module's own. `args` is the argument list, or one argument that is not an array.
 */
export function functionalCall<R = unknown>(
  module: AnyModule,
  parametersAndBuffers: Readonly<Record<string, Tensor>> | ReadonlyMap<string, Tensor>,
  args: unknown,
): R {
  checkArity("nn.utils.stateless.functionalCall()", arguments, 3);
  if (!(module instanceof Module)) throw new ArgumentError("nn.utils.stateless.functionalCall(): module must be an nn.Module");
  if (parametersAndBuffers === null || typeof parametersAndBuffers !== "object") {
    throw new ArgumentError("nn.utils.stateless.functionalCall(): parametersAndBuffers must be an object of name -> Tensor");
  }
  const entries = parametersAndBuffers instanceof Map ? [...parametersAndBuffers.entries()] : Object.entries(parametersAndBuffers);
  const restores: Restore[] = [];
  try {
    for (const [name, t] of entries) {
      if (!(t instanceof Tensor)) throw new ArgumentError(`nn.utils.stateless.functionalCall(): parametersAndBuffers['${name}'] is not a Tensor`);
      const path = name.split(".");
      const leaf = path.pop()!;
      const owner = path.length === 0 ? module : module.getSubmodule(path.join("."));
      restores.push(swap(owner, leaf, t));
    }
    const list = Array.isArray(args) ? args : [args];
    return (module.forward as (...a: unknown[]) => R)(...list);
  } finally {
    for (const r of restores.reverse()) r();
  }
}
