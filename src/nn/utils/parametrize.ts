/**
 * torch.nn.utils.parametrize (PyTorch 1.13): `registerParametrization(module, "weight", P)` makes
 * `module.weight` a computed value, P(original), where `original` is the former parameter, kept (the
 * same tensor, so optimizers holding it keep working) at `module.parametrizations.weight.original`
 * (its state-dict key too). Parametrizations on one tensor chain in registration order; assigning to
 * `module.weight` goes through their `rightInverse`s. `cached(fn)` computes each parametrized tensor
 * once while fn runs (a parametrization used many times in one forward).
 *
 * PyTorch swaps the module's class to add a property; here the property is put on the instance
 * (not enumerable, so it is neither a parameter nor in the state dict).
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { ModuleDict, ModuleList } from "../container.ts";
import { type AnyModule, Module } from "../module.ts";
import { Parameter, isParameter } from "../parameter.ts";
import { slots } from "../slots.ts";
import { fmtShape } from "../../tensor/shape.ts";

/**
 * What a rightInverse throws when it has none for this configuration (PyTorch's NotImplementedError):
 * registration then takes the identity, as PyTorch does; assignment fails with it.
 */
export class RightInverseNotImplemented extends ArgumentError {}

/** A parametrization may define its right inverse: original = rightInverse(value). */
interface WithRightInverse {
  rightInverse?: (value: Tensor) => Tensor | readonly Tensor[];
}

let cacheDepth = 0;
let cache = new Map<AnyModule, Map<string, Tensor>>();

/** Runs fn with parametrized tensors computed once each (PyTorch's `with parametrize.cached():`). */
export function cached<T>(fn: () => T): T {
  checkArity("parametrize.cached()", arguments, 1);
  cacheDepth++;
  try {
    return fn();
  } finally {
    if (--cacheDepth === 0) cache = new Map();
  }
}

const call = (m: AnyModule, ...args: Tensor[]): unknown => (m.forward as (...a: Tensor[]) => unknown)(...args);
const typeName = (v: unknown): string => (v instanceof Tensor ? "Tensor" : v === null ? "NoneType" : Array.isArray(v) ? "list" : typeof v);

/** Registers `t` on `m` as a parameter when it is one, else as a buffer (PyTorch's helper). */
function registerTensor(m: AnyModule, name: string, t: Tensor): void {
  const own = m as unknown as Record<string, unknown>;
  delete own[name];
  slots(m).params.delete(name);
  slots(m).buffers.delete(name);
  if (isParameter(t)) own[name] = t;
  else m.registerBuffer(name, t);
}

/** Writes `value` into `original`, keeping the tensor (PyTorch's original.set_(value)). */
function assign(original: Tensor, value: Tensor): void {
  if (value === original) return;
  if (fmtShape(value.shape) !== fmtShape(original.shape)) {
    throw new ArgumentError(`right_inverse returned shape ${fmtShape(value.shape)} for an original of shape ${fmtShape(original.shape)}: kindling cannot resize a tensor in place (PyTorch's set_)`);
  }
  noGrad(() => original.copy_(value));
}

/** The chain of parametrizations on one tensor, and its original(s). */
export class ParametrizationList extends ModuleList {
  /** @internal */ static override readonly builtinName: string = "ParametrizationList";
  unsafe: boolean;
  /** One original tensor, or `original0`, `original1`, ... when rightInverse returns several. */
  readonly isTensor: boolean;
  readonly ntensors: number;
  declare original: Tensor;

  constructor(modules: readonly AnyModule[], original: Tensor, unsafe = false) {
    if (modules.length === 0) throw new ArgumentError("ParametrizationList requires one or more modules.");
    super(modules);
    this.unsafe = unsafe;
    const shape = fmtShape(original.shape);
    const dtype = original.dtype;
    let next: unknown = original;
    noGrad(() => {
      for (const m of [...modules].reverse()) {
        const ri = (m as WithRightInverse).rightInverse;
        if (typeof ri !== "function") continue;
        try {
          next = ri.call(m, next as Tensor);
        } catch (e) {
          if (!(e instanceof RightInverseNotImplemented)) throw e;
        }
      }
    });
    if (!(next instanceof Tensor) && !Array.isArray(next)) {
      throw new ArgumentError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got ${typeName(next)}`);
    }
    this.isTensor = next instanceof Tensor;
    this.ntensors = next instanceof Tensor ? 1 : (next as unknown[]).length;
    if (next instanceof Tensor) {
      if (next.dtype !== dtype) {
        throw new ArgumentError(`When \`right_inverse\` outputs one tensor, it may not change the dtype.\noriginal.dtype: ${dtype}\nright_inverse(original).dtype: ${next.dtype}`);
      }
      assign(original, next);
      registerTensor(this, "original", original);
    } else {
      (next as unknown[]).forEach((t, i) => {
        if (!(t instanceof Tensor)) {
          throw new ArgumentError(`'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got element ${i} of the sequence with type ${typeName(t)}.`);
        }
        const grad = original.requiresGrad;
        const ti = isParameter(original) ? Parameter(t.detach(), grad) : t.detach().requiresGrad_(grad);
        registerTensor(this, `original${i}`, ti);
      });
    }
    if (!unsafe) {
      const z: unknown = this.forward();
      if (!(z instanceof Tensor)) throw new ArgumentError(`A parametrization must return a tensor. Got ${typeName(z)}.`);
      if (z.dtype !== dtype) {
        throw new ArgumentError(`Registering a parametrization may not change the dtype of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized dtype: ${dtype}\nparametrized dtype: ${z.dtype}`);
      }
      if (fmtShape(z.shape) !== shape) {
        throw new ArgumentError(`Registering a parametrization may not change the shape of the tensor, unless \`unsafe\` flag is enabled.\nunparametrized shape: ${shape}\nparametrized shape: ${fmtShape(z.shape)}`);
      }
    }
  }

  /** The original tensor(s) the chain starts from. */
  originals(): Tensor[] {
    const own = this as unknown as Record<string, Tensor>;
    return this.isTensor ? [own.original!] : Array.from({ length: this.ntensors }, (_, i) => own[`original${i}`]!);
  }

  /** Sets the originals so that the chain gives `value` (every parametrization needs a rightInverse). */
  rightInverse(value: Tensor): void {
    let v: unknown = value;
    noGrad(() => {
      for (const m of [...this].reverse()) {
        const ri = (m as WithRightInverse).rightInverse;
        if (typeof ri !== "function") throw new ArgumentError(`parametrization ${m.getName()} does not implement right_inverse.`);
        v = ri.call(m, v as Tensor);
      }
    });
    const originals = this.originals();
    if (this.isTensor) {
      if (!(v instanceof Tensor)) throw new ArgumentError(`\`right_inverse\` should return a tensor. Got ${typeName(v)}`);
      if (v.dtype !== originals[0]!.dtype) throw new ArgumentError(`The tensor returned by \`right_inverse\` has dtype ${v.dtype} while \`original\` has dtype ${originals[0]!.dtype}`);
      assign(originals[0]!, v);
      return;
    }
    if (!Array.isArray(v)) throw new ArgumentError(`'right_inverse' must return a sequence of tensors. Got ${typeName(v)}.`);
    if (v.length !== this.ntensors) throw new ArgumentError(`'right_inverse' must return a sequence of tensors of length ${this.ntensors}. Got a sequence of lenght ${v.length}.`);
    (v as unknown[]).forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ArgumentError(`\`right_inverse\` must return a sequence of tensors. Got element ${i} of type ${typeName(t)}`);
      if (t.dtype !== originals[i]!.dtype) throw new ArgumentError(`Tensor ${i} returned by \`right_inverse\` has dtype ${t.dtype} while \`original${i}\` has dtype ${originals[i]!.dtype}`);
      assign(originals[i]!, t);
    });
  }

  /** The parametrized tensor: the chain applied to the original(s). */
  override forward(): Tensor {
    const mods = [...this];
    let x = call(mods[0]!, ...this.originals()) as Tensor;
    for (const m of mods.slice(1)) x = call(m, x) as Tensor;
    return x;
  }
}

function parametrizationsOf(m: AnyModule): ModuleDict | null {
  const p = (m as unknown as Record<string, unknown>).parametrizations;
  return p instanceof ModuleDict ? p : null;
}

/** Whether `module` has a parametrization (on `tensorName`, or on anything when it is omitted). */
export function isParametrized(module: AnyModule, tensorName?: string): boolean {
  checkArity("parametrize.isParametrized()", arguments, 2);
  const p = parametrizationsOf(module);
  if (p === null) return false;
  return tensorName === undefined ? p.length > 0 : p.has(tensorName);
}

function listOf(m: AnyModule, name: string): ParametrizationList {
  return parametrizationsOf(m)!.get(name) as ParametrizationList;
}

/** The property `name` on the instance: reads compute the chain, writes go through rightInverse. */
function injectProperty(m: AnyModule, name: string): void {
  Object.defineProperty(m, name, {
    get: () => {
      const list = listOf(m, name);
      if (cacheDepth === 0) return list.forward();
      let own = cache.get(m);
      if (own === undefined) cache.set(m, (own = new Map()));
      let t = own.get(name);
      if (t === undefined) own.set(name, (t = list.forward()));
      return t;
    },
    set: (v: Tensor) => listOf(m, name).rightInverse(v),
    enumerable: false,
    configurable: true,
  });
}

/** PyTorch's checks that a parametrization added to a chain keeps module.<name>'s dtype and shape. */
function checkAdded(name: string, y: Tensor, p: AnyModule): void {
  const x = call(p, y);
  if (!(x instanceof Tensor)) throw new ArgumentError(`A parametrization must return a tensor. Got ${typeName(x)}.`);
  const lead = (k: string): string => `Registering a parametrization may not change the ${k} of the tensor, unless the \`unsafe\` flag is enabled.`;
  if (x.dtype !== y.dtype) throw new ArgumentError(`${lead("dtype")}\nmodule.${name}.dtype: ${y.dtype}\nparametrization(module.${name}).dtype: ${x.dtype}`);
  if (fmtShape(x.shape) !== fmtShape(y.shape)) {
    throw new ArgumentError(`${lead("shape")}\nmodule.${name}.shape: ${fmtShape(y.shape)}\nparametrization(module.${name}).shape: ${fmtShape(x.shape)}`);
  }
  const ri = (p as WithRightInverse).rightInverse;
  if (typeof ri !== "function") return;
  const z = ri.call(p, x);
  if (!(z instanceof Tensor)) throw new ArgumentError(`parametrization.right_inverse must return a tensor. Got: ${typeName(z)}`);
  const same = (k: string): string => `The tensor returned by parametrization.right_inverse must have the same ${k} as module.${name}, unless the \`unsafe\` flag is enabled.`;
  if (z.dtype !== y.dtype) throw new ArgumentError(`${same("dtype")}\nmodule.${name}.dtype: ${y.dtype}\nreturned dtype: ${z.dtype}`);
  if (fmtShape(z.shape) !== fmtShape(y.shape)) throw new ArgumentError(`${same("shape")}\nmodule.${name}.shape: ${fmtShape(y.shape)}\nreturned shape: ${fmtShape(z.shape)}`);
}

/**
 * Parametrizes `module[tensorName]` (a parameter or buffer, or an already parametrized tensor, whose
 * chain `parametrization` then extends) by the module `parametrization`. Returns the module.
 */
export function registerParametrization<M extends AnyModule>(module: M, tensorName: string, parametrization: AnyModule, opts: { unsafe?: boolean } = {}): M {
  const where = "parametrize.registerParametrization()";
  checkOptions(where, opts, { unsafe: "boolean" }, { index: 4 });
  checkArity(where, arguments, 4);
  if (!(module instanceof Module) || !(parametrization instanceof Module)) throw new ArgumentError(`${where}: module and parametrization must be nn.Modules`);
  const unsafe = opts.unsafe ?? false;
  parametrization.train(module.training);
  const s = slots(module);
  const own = module as unknown as Record<string, unknown>;
  if (isParametrized(module, tensorName)) {
    if (!unsafe) checkAdded(tensorName, own[tensorName] as Tensor, parametrization);
    const list = listOf(module, tensorName);
    list.append(parametrization);
    list.unsafe ||= unsafe;
    return module;
  }
  const original = s.buffers.get(tensorName) ?? s.params.get(tensorName) ?? (isParameter(own[tensorName]) ? (own[tensorName] as Tensor) : null);
  if (!(original instanceof Tensor)) {
    throw new ArgumentError(`Module '${module.toString()}' does not have a parameter, a buffer, or a parametrized element with name '${tensorName}'`);
  }
  const list = new ParametrizationList([parametrization], original, unsafe);
  delete own[tensorName];
  s.params.delete(tensorName);
  s.buffers.delete(tensorName);
  s.nonPersistent.delete(tensorName);
  if (parametrizationsOf(module) === null) own.parametrizations = new ModuleDict();
  injectProperty(module, tensorName);
  parametrizationsOf(module)!.set(tensorName, list);
  return module;
}

/**
 * Undoes registerParametrization on `tensorName`: it becomes a parameter (or buffer) again, the
 * original tensor, holding the parametrized value (leaveParametrized, default) or the original's.
 */
export function removeParametrizations<M extends AnyModule>(module: M, tensorName: string, leaveParametrized = true): M {
  checkArity("parametrize.removeParametrizations()", arguments, 3);
  if (!isParametrized(module, tensorName)) throw new ArgumentError(`Module ${module.toString()} does not have a parametrization on ${tensorName}`);
  const list = listOf(module, tensorName);
  const own = module as unknown as Record<string, unknown>;
  let original: Tensor;
  if (list.isTensor) {
    original = list.original;
    if (leaveParametrized) assign(original, noGrad(() => own[tensorName] as Tensor));
  } else {
    if (!leaveParametrized) throw new ArgumentError("Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.");
    const t = noGrad(() => own[tensorName] as Tensor);
    original = list.originals().some((o) => o.requiresGrad) ? Parameter(t) : t;
  }
  delete own[tensorName];
  const dict = parametrizationsOf(module)!;
  dict.delete(tensorName);
  registerTensor(module, tensorName, original);
  if (dict.length === 0) delete own.parametrizations;
  return module;
}

/** The module's class as it was before parametrization: its own, as kindling does not swap classes. */
export function typeBeforeParametrizations(module: AnyModule): new (...args: never[]) => AnyModule {
  checkArity("parametrize.typeBeforeParametrizations()", arguments, 1);
  return module.constructor as new (...args: never[]) => AnyModule;
}

/**
 * Registers on `toModule` the parametrizations `fromModule` has on `tensorName` (or on all its
 * parametrized tensors), sharing the parametrization modules and the originals, as PyTorch's.
 */
export function transferParametrizationsAndParams<M extends AnyModule>(fromModule: AnyModule, toModule: M, tensorName?: string): M {
  checkArity("parametrize.transferParametrizationsAndParams()", arguments, 3);
  const from = parametrizationsOf(fromModule);
  if (from === null || from.length === 0) return toModule;
  const to = toModule as unknown as Record<string, unknown>;
  for (const name of tensorName === undefined ? from.keys() : [tensorName]) {
    if (!(name in to)) to[name] = Parameter((fromModule as unknown as Record<string, Tensor>)[name]!.detach());
    const list = listOf(fromModule, name);
    for (const p of list) registerParametrization(toModule, name, p);
    const target = listOf(toModule, name);
    const originals = list.originals();
    if (list.isTensor) registerTensor(target, "original", originals[0]!);
    else originals.forEach((o, i) => registerTensor(target, `original${i}`, o));
  }
  return toModule;
}
