/**
 * Shared plumbing for weightNorm and spectralNorm, which replace a module's parameter by a tensor
 * recomputed before each forward (PyTorch's forward pre-hooks on the module): which hooks a module
 * carries, per parameter name, and how a parameter or buffer is taken off a module.
 */
import type { RemovableHandle } from "../../autograd/hooks.ts";
import { ArgumentError } from "../../errors.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { AnyModule } from "../module.ts";
import { isParameter } from "../parameter.ts";
import { slots } from "../slots.ts";

export type ReparamKind = "weight_norm" | "spectral_norm";

interface Entry {
  handle: RemovableHandle;
  /** The dim the reparametrisation normalises over (as resolved at registration). */
  dim: number;
}

const HOOKS = new WeakMap<AnyModule, Map<string, Entry>>();

export function findReparam(m: AnyModule, name: string, kind: ReparamKind): Entry | undefined {
  return HOOKS.get(m)?.get(`${kind}:${name}`);
}

export function addReparam(m: AnyModule, name: string, kind: ReparamKind, handle: RemovableHandle, dim: number): void {
  let map = HOOKS.get(m);
  if (map === undefined) HOOKS.set(m, (map = new Map()));
  map.set(`${kind}:${name}`, { handle, dim });
}

export function dropReparam(m: AnyModule, name: string, kind: ReparamKind): void {
  HOOKS.get(m)?.delete(`${kind}:${name}`);
}

/** The module's parameter `name` (PyTorch's `module._parameters[name]`), or an error naming it. */
export function parameterOf(m: AnyModule, name: string, where: string): Tensor {
  const own = (m as unknown as Record<string, unknown>)[name];
  const registered = slots(m).params.get(name);
  const p = registered ?? own;
  if (!isParameter(p)) throw new ArgumentError(`${where}: module has no parameter '${name}'`);
  return p;
}

/** Removes attribute `name` (a parameter, buffer or plain tensor) from the module. */
export function deleteAttr(m: AnyModule, name: string): void {
  const s = slots(m);
  s.params.delete(name);
  s.buffers.delete(name);
  s.nonPersistent.delete(name);
  delete (m as unknown as Record<string, unknown>)[name];
}

/** Sets a plain (non-parameter) attribute, as PyTorch's setattr of a tensor that is not a Parameter. */
export function setAttr(m: AnyModule, name: string, value: Tensor): void {
  (m as unknown as Record<string, unknown>)[name] = value;
}

/** Registers `p` as parameter `name`, appended after the module's others (PyTorch's dict order). */
export function setParameter(m: AnyModule, name: string, p: Tensor): void {
  deleteAttr(m, name);
  (m as unknown as Record<string, unknown>)[name] = p;
}
