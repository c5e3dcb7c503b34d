/**
 * torch.nn.utils.prune (PyTorch 1.13): pruning a parameter `name` moves it to `name_orig` (the same
 * tensor, so optimizers keep it), adds a buffer `name_mask`, and before each forward sets `name` to
 * name_orig * name_mask. Pruning the same parameter again combines the methods (PyTorch's
 * PruningContainer): the new method only sees what is still unpruned (the surviving entries, or the
 * surviving channels for a structured method). `remove` makes the pruning permanent.
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import type { RemovableHandle } from "../../autograd/hooks.ts";
import { ArgumentError } from "../../errors.ts";
import { checkArity } from "../../options.ts";
import { onesLike } from "../../tensor/creation.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { parametersToVector } from "./convert_parameters.ts";
import {
  BasePruningMethod, CustomFromMask, Identity, L1Unstructured, LnStructured, PruningContainer, RandomStructured, RandomUnstructured,
} from "./prune_methods.ts";
import { deleteAttr, setAttr, setParameter } from "./reparam.ts";

export {
  BasePruningMethod, CustomFromMask, Identity, L1Unstructured, LnStructured, PruningContainer, RandomStructured, RandomUnstructured,
  type PruningType,
} from "./prune_methods.ts";

// ---- wiring to modules ---------------------------------------------------------------------------

interface Hooked {
  method: BasePruningMethod;
  handle: RemovableHandle;
}

const HOOKS = new WeakMap<AnyModule, Map<string, Hooked>>();

function checkModule(m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new ArgumentError(`${where}: expected an nn.Module`);
  return m as AnyModule;
}

/** PyTorch's BasePruningMethod.apply: prunes module[name] by `method`, combining with earlier pruning. */
export function applyPruning(module: AnyModule, name: string, method: BasePruningMethod, importanceScores: Tensor | null = null): BasePruningMethod {
  const m = checkModule(module, "prune");
  let hooks = HOOKS.get(m);
  if (hooks === undefined) HOOKS.set(m, (hooks = new Map()));
  const old = hooks.get(name);
  method.tensorName = name;
  let combined = method;
  if (old !== undefined) {
    old.handle.remove();
    hooks.delete(name);
    if (old.method instanceof PruningContainer) {
      old.method.addPruningMethod(method);
      combined = old.method;
    } else {
      const c = new PruningContainer(old.method);
      c.addPruningMethod(method);
      combined = c;
    }
  }
  const own = m as unknown as Record<string, Tensor>;
  const orig = own[name];
  if (!(orig instanceof Tensor)) throw new ArgumentError(`module has no parameter or buffer '${name}'`);
  if (importanceScores !== null && fmtShape(importanceScores.shape) !== fmtShape(orig.shape)) {
    throw new ArgumentError(`importance_scores should have the same shape as parameter ${name} of ${m.toString()}`);
  }
  const scores = importanceScores ?? orig;
  const fresh = !(combined instanceof PruningContainer);
  let defaultMask: Tensor;
  if (fresh) {
    setParameter(m, `${name}_orig`, orig);
    deleteAttr(m, name);
    defaultMask = onesLike(orig);
  } else defaultMask = own[`${name}_mask`]!.detach().clone();
  try {
    const mask = noGrad(() => combined.computeMask(scores.detach(), defaultMask));
    m.registerBuffer(`${name}_mask`, mask);
    setAttr(m, name, combined.applyMask(m));
    hooks.set(name, { method: combined, handle: m.registerForwardPreHook(() => void setAttr(m, name, combined.applyMask(m))) });
  } catch (e) {
    if (fresh) {
      deleteAttr(m, `${name}_orig`);
      setParameter(m, name, orig);
    }
    throw e;
  }
  return combined;
}

export function identity<M extends AnyModule>(module: M, name: string): M {
  checkArity("prune.identity()", arguments, 2);
  applyPruning(module, name, new Identity());
  return module;
}

export function randomUnstructured<M extends AnyModule>(module: M, name: string, amount: number): M {
  checkArity("prune.randomUnstructured()", arguments, 3);
  applyPruning(module, name, new RandomUnstructured(amount));
  return module;
}

export function l1Unstructured<M extends AnyModule>(module: M, name: string, amount: number, opts: { importanceScores?: Tensor | null } = {}): M {
  checkArity("prune.l1Unstructured()", arguments, 4);
  applyPruning(module, name, new L1Unstructured(amount), opts.importanceScores ?? null);
  return module;
}

export function randomStructured<M extends AnyModule>(module: M, name: string, amount: number, dim: number): M {
  checkArity("prune.randomStructured()", arguments, 4);
  applyPruning(module, name, new RandomStructured(amount, dim));
  return module;
}

export function lnStructured<M extends AnyModule>(module: M, name: string, amount: number, n: number | "fro", dim: number, opts: { importanceScores?: Tensor | null } = {}): M {
  checkArity("prune.lnStructured()", arguments, 6);
  applyPruning(module, name, new LnStructured(amount, n, dim), opts.importanceScores ?? null);
  return module;
}

export function customFromMask<M extends AnyModule>(module: M, name: string, mask: Tensor): M {
  checkArity("prune.customFromMask()", arguments, 3);
  applyPruning(module, name, new CustomFromMask(mask));
  return module;
}

/**
 * Prunes several parameters together: the method (unstructured) ranks all their entries at once,
 * e.g. the globally smallest 20% by magnitude. `parameters` are [module, name] pairs.
 */
export function globalUnstructured(
  parameters: Iterable<readonly [AnyModule, string]>,
  pruningMethod: new (amount: number) => BasePruningMethod,
  opts: { amount: number; importanceScores?: ReadonlyMap<AnyModule, Readonly<Record<string, Tensor>>> },
): void {
  checkArity("prune.globalUnstructured()", arguments, 3);
  const list = [...parameters];
  const get = (m: AnyModule, n: string): Tensor => (m as unknown as Record<string, Tensor>)[n]!;
  const scores = parametersToVector(list.map(([m, n]) => opts.importanceScores?.get(m)?.[n] ?? get(m, n)));
  const defaultMask = parametersToVector(list.map(([m, n]) => (m as unknown as Record<string, Tensor | undefined>)[`${n}_mask`] ?? onesLike(get(m, n))));
  const method = new pruningMethod(opts.amount);
  if (method.pruningType !== "unstructured") {
    throw new ArgumentError(`Only "unstructured" PRUNING_TYPE supported for the \`pruning_method\`. Found method ${pruningMethod.name} of type ${method.pruningType}`);
  }
  method.tensorName = "temp";
  const container = new PruningContainer();
  container.tensorName = "temp";
  container.addPruningMethod(method);
  const finalMask = noGrad(() => container.computeMask(scores.detach(), defaultMask.detach()));
  let pointer = 0;
  for (const [m, n] of list) {
    const p = get(m, n);
    customFromMask(m, n, finalMask.narrow(0, pointer, p.numel()).reshape([...p.shape]));
    pointer += p.numel();
  }
}

/** Makes the pruning of module[name] permanent: name is a parameter again, holding the pruned values. */
export function remove<M extends AnyModule>(module: M, name: string): M {
  checkArity("prune.remove()", arguments, 2);
  const m = checkModule(module, "prune.remove()");
  const hooked = HOOKS.get(m)?.get(name);
  if (hooked === undefined) throw new ArgumentError(`Parameter '${name}' of module ${m.toString()} has to be pruned before pruning can be removed`);
  const weight = noGrad(() => hooked.method.applyMask(m));
  hooked.handle.remove();
  HOOKS.get(m)!.delete(name);
  const orig = (m as unknown as Record<string, Tensor>)[`${name}_orig`]!;
  noGrad(() => orig.copy_(weight));
  deleteAttr(m, name);
  deleteAttr(m, `${name}_orig`);
  deleteAttr(m, `${name}_mask`);
  setParameter(m, name, orig);
  return module;
}

/** Whether any submodule of `module` has a pruned parameter. */
export function isPruned(module: AnyModule): boolean {
  checkArity("prune.isPruned()", arguments, 1);
  return checkModule(module, "prune.isPruned()").modules().some((s) => (HOOKS.get(s)?.size ?? 0) > 0);
}
