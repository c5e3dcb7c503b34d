import { isGradEnabled } from "../autograd/grad_mode.ts";
import { RemovableHandle } from "../autograd/hooks.ts";
import { MultiNode, Node, OutputEdge } from "../autograd/node.ts";
import { ArgumentError, AutogradError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { AnyModule } from "./module.ts";

/**
 * Module hooks, PyTorch's forward pre-hooks, forward hooks and full backward hooks. kindling has no
 * `__call__`, so they fire whenever the module's `forward` runs, however it is reached
 * (`model.forward(x)`, `model.call(x)`, a container's loop): registering the first hook puts a
 * wrapper on the instance's own `forward` property (shadowing the class's method, so any subclass's
 * forward is intercepted), and removing the last one takes it off. A module without hooks runs its
 * forward untouched.
 */
export type ForwardPreHookFn = (module: AnyModule, args: unknown[]) => unknown;
export type ForwardHookFn = (module: AnyModule, args: unknown[], output: unknown) => unknown;
export type BackwardHookFn = (module: AnyModule, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => unknown;

interface ModuleHooks {
  readonly pre: Map<number, ForwardPreHookFn>;
  readonly forward: Map<number, ForwardHookFn>;
  readonly backward: Map<number, BackwardHookFn>;
  /** The instance's own `forward` property before the wrapper went on (usually none: the class's method). */
  readonly ownForward: PropertyDescriptor | undefined;
}

const HOOKS = new WeakMap<AnyModule, ModuleHooks>();

type Kind = "pre" | "forward" | "backward";

export function addModuleHook(m: AnyModule, kind: Kind, fn: ForwardPreHookFn | ForwardHookFn | BackwardHookFn, where: string): RemovableHandle {
  if (typeof fn !== "function") throw new ArgumentError(`${where}: expected a function, got ${fn === null ? "null" : typeof fn}`);
  const own = HOOKS.get(m) ?? install(m);
  const handle = new RemovableHandle((id) => {
    if (!own[kind].delete(id)) return;
    if (own.pre.size + own.forward.size + own.backward.size === 0 && HOOKS.get(m) === own) uninstall(m, own);
  });
  (own[kind] as Map<number, typeof fn>).set(handle.id, fn);
  return handle;
}

function install(m: AnyModule): ModuleHooks {
  const hooks: ModuleHooks = { pre: new Map(), forward: new Map(), backward: new Map(), ownForward: Object.getOwnPropertyDescriptor(m, "forward") };
  const original = m.forward;
  HOOKS.set(m, hooks);
  Object.defineProperty(m, "forward", {
    value: function forward(...args: unknown[]): unknown {
      return callWithHooks(m, hooks, original, args);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return hooks;
}

function uninstall(m: AnyModule, hooks: ModuleHooks): void {
  HOOKS.delete(m);
  if (hooks.ownForward !== undefined) Object.defineProperty(m, "forward", hooks.ownForward);
  else delete (m as { forward?: unknown }).forward;
}

/** PyTorch's `_call_impl`: pre-hooks, backward-hook wiring of the inputs, forward, forward hooks, wiring of the outputs. */
function callWithHooks(m: AnyModule, hooks: ModuleHooks, forward: (...args: unknown[]) => unknown, args: unknown[]): unknown {
  for (const fn of [...hooks.pre.values()]) {
    const r = fn(m, args);
    // A single value stands for a one-argument call, as PyTorch wraps a non-tuple result.
    if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
  }
  const bw = hooks.backward.size > 0 && isGradEnabled() ? backwardHooks(m, hooks.backward, args.length) : null;
  if (bw !== null) args = bw.inputs(args);
  let out = forward.apply(m, args);
  for (const fn of [...hooks.forward.values()]) {
    const r = fn(m, args, out);
    if (r !== undefined && r !== null) out = r;
  }
  return bw !== null ? bw.outputs(out) : out;
}

/**
 * One forward call's full backward hooks (PyTorch's `BackwardHook`): the inputs and the outputs pass
 * through identity nodes. The outputs' node sees the gradients w.r.t. the outputs first (gradOutput);
 * the inputs' node then sees those w.r.t. the inputs (gradInput), calls the hooks, and passes on what
 * they return instead. When no input requires grad, the hooks run from the outputs' node with
 * gradInput all null.
 */
function backwardHooks(module: AnyModule, hooks: ReadonlyMap<number, BackwardHookFn>, nInputs: number) {
  let gradOutputs: (Tensor | null)[] | null = null;
  let inputsWired = false;
  return {
    inputs(args: unknown[]): unknown[] {
      const wrapped = wrap(args, true, (at, grads) => {
        const gradOut = gradOutputs;
        // No gradOutput: the gradient reached the inputs without passing through the outputs.
        if (gradOut === null) return [...grads];
        let res = pack(at, grads, nInputs);
        for (const fn of [...hooks.values()]) {
          const r = fn(module, res, gradOut);
          if (r === undefined || r === null) continue;
          if (!Array.isArray(r) || r.length !== res.length) {
            throw new AutogradError(
              `Backward hook returned an invalid number of grad_input, got ${Array.isArray(r) ? r.length : 1}, but expected ${res.length}`,
            );
          }
          res = r.map((g: unknown) => (g instanceof Tensor ? g : null));
        }
        gradOutputs = null;
        return at.map((i) => res[i] ?? null);
      });
      inputsWired = wrapped !== args;
      return wrapped;
    },
    outputs(out: unknown): unknown {
      const list = Array.isArray(out) ? out : [out];
      const wrapped = wrap(list, false, (at, grads) => {
        const gradOut = pack(at, grads, list.length);
        gradOutputs = gradOut;
        if (!inputsWired) {
          for (const fn of [...hooks.values()]) {
            const r = fn(module, new Array<Tensor | null>(nInputs).fill(null), gradOut);
            if (r !== undefined && r !== null && !(Array.isArray(r) && r.every((g) => g === null || g === undefined))) {
              throw new AutogradError("Backward hook for Modules where no input requires gradient should always return None or None for all gradients.");
            }
          }
          gradOutputs = null;
        }
        return [...grads];
      });
      return Array.isArray(out) ? wrapped : wrapped[0];
    },
  };
}

/**
 * `values` with each tensor that requires grad replaced by an alias from one identity node (see
 * identity), whose backward gets their positions and gradients; `values` itself when there is none.
 */
function wrap(values: unknown[], materialize: boolean, backward: (at: number[], grads: readonly (Tensor | null)[]) => (Tensor | null)[]): unknown[] {
  const at: number[] = [];
  values.forEach((v, i) => {
    if (v instanceof Tensor && v.requiresGrad) at.push(i);
  });
  if (at.length === 0) return values;
  const aliases = identity(at.map((i) => values[i] as Tensor), materialize, (grads) => backward(at, grads));
  const out = [...values];
  at.forEach((i, k) => (out[i] = aliases[k]));
  return out;
}

/** An array of n entries: grads at the given positions, null elsewhere. */
function pack(at: readonly number[], grads: readonly (Tensor | null)[], n: number): (Tensor | null)[] {
  const out = new Array<Tensor | null>(n).fill(null);
  at.forEach((i, k) => (out[i] = grads[k] ?? null));
  return out;
}

/**
 * New tensors over the same memory as `ts` (all requiring grad), whose gradients reach `ts` through
 * one node that runs `backward` on all of them at once. With `materialize`, one that got no gradient
 * gets zeros, as PyTorch's BackwardHookFunction does before the inputs' hook.
 */
function identity(ts: readonly Tensor[], materialize: boolean, backward: (grads: readonly (Tensor | null)[]) => (Tensor | null)[]): Tensor[] {
  const name = "BackwardHookFunctionBackward";
  const next = ts.map((t) => t.gradFn ?? t);
  const metas = ts.map((t) => [t.shape, t.dtype] as const);
  const full = (grads: readonly (Tensor | null)[]) =>
    backward(materialize ? grads.map((g, i) => g ?? Tensor.empty(metas[i]![0], metas[i]![1])) : grads);
  const aliases = ts.map((t) => t.detach());
  let node: Node;
  if (ts.length === 1) {
    node = new Node(name, next, (g) => full([g]), false);
    aliases[0]!.gradFn = node;
  } else {
    const multi = new MultiNode(name, next, full, ts.length, false);
    node = multi;
    aliases.forEach((a, i) => (a.gradFn = new OutputEdge(multi, i)));
  }
  node.foreignGrads = true;
  for (const a of aliases) a.requiresGrad = true;
  return aliases;
}
