import "../ops/methods.ts";
import { zeroGradOf } from "../autograd/zero_grad.ts";
import { ArgumentError, KindlingError } from "../errors.ts";
import type { RemovableHandle } from "../autograd/hooks.ts";
import { type DeviceLike, type ToOptions, parseTo, unavailable } from "../tensor/device.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { isParameter } from "./parameter.ts";
import { addIndent } from "./repr.ts";
import { type BackwardHookFn, type ForwardHookFn, type ForwardPreHookFn, addModuleHook } from "./hooks.ts";
import { castModules } from "./module_to.ts";
import { checkName, joinName, newSlots, slots } from "./slots.ts";
import { type LoadResult, type StateDict, type StateDictLike, collectState, loadInto } from "./state_dict.ts";

export type { LoadResult, StateDict, StateDictLike };

const MEMBER_OPTIONS = { prefix: "string", recurse: "boolean" } as const;

/** Any module, whatever its forward signature (containers, `apply`, `modules()` hold these). */
export type AnyModule = Module<unknown[], unknown>;

/**
 * PyTorch's `nn.Module`. Submodules and Parameters are registered by plain assignment: a module
 * finds them among its own enumerable properties, in assignment order (PyTorch's registration order),
 * whenever it walks its tree. Containers and `addModule`/`registerParameter` keep explicit ordered
 * registrations, listed after the assigned ones; buffers are registered with `registerBuffer`.
 *
 *     class Net extends nn.Module {
 *       fc1 = new nn.Linear(784, 128);
 *       fc2 = new nn.Linear(128, 10);
 *       override forward(x: Tensor) { return this.fc2.forward(F.relu(this.fc1.forward(x))); }
 *     }
 *
 * A TS object cannot be called like PyTorch's `model(x)`: use `model.forward(x)` (or `model.call(x)`).
 * `In`/`Out` type the forward signature; the default is one Tensor in, one out.
 */
export class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /**
   * @internal A built-in layer's PyTorch class name, which getName() prefers to `constructor.name`
   * (minifiers rename classes: a minified page printed `Xr(in_features=2, ...)`). Each class of torch.nn
   * declares its own, as a static field rather than in a table, so that a bundle can still drop the
   * classes a page never uses; a subclass without its own (a user's) is named by its constructor.
   */
  static readonly builtinName: string = "Module";

  /** Training mode (dropout active, batch statistics); switch with `train()` / `eval()`. */
  training = true;

  constructor() {
    checkArity("nn.Module()", arguments, 0);
    newSlots(this);
  }

  forward(..._args: In): Out {
    throw new KindlingError(`Module [${this.getName()}] is missing the required "forward" function`);
  }

  /** `model(x)` in PyTorch. */
  call(...args: In): Out {
    return this.forward(...args);
  }

  /** The class name, as PyTorch's `_get_name()` (a built-in's exported name: minifiers rename classes). */
  getName(): string {
    const ctor = this.constructor as typeof Module;
    return Object.hasOwn(ctor, "builtinName") ? ctor.builtinName : ctor.name;
  }

  /** The per-layer detail inside the parentheses of `toString()`, e.g. `in_features=3, out_features=4, bias=True`. */
  extraRepr(): string {
    return "";
  }

  // ---- registration ----------------------------------------------------------------------------

  /**
   * PyTorch's `register_buffer`: state that is not a parameter (running statistics), in `stateDict()`
   * unless `{ persistent: false }` (a positional boolean works too).
   */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } | boolean = {}): void {
    if (typeof opts !== "boolean") checkOptions("nn.Module.registerBuffer()", opts, { persistent: "boolean" }, { index: 3, positional: "persistent" });
    const persistent = typeof opts === "boolean" ? opts : (opts.persistent ?? true);
    checkName(name, "buffer");
    if (tensor !== null) Tensor.check(tensor, `buffer '${name}'`);
    const own = Object.hasOwn(this, name);
    const s = slots(this);
    if (own && !s.buffers.has(name)) throw new ArgumentError(`attribute '${name}' already exists`);
    s.buffers.set(name, tensor);
    if (persistent) s.nonPersistent.delete(name);
    else s.nonPersistent.add(name);
    if (!own) {
      // A non-enumerable accessor, so `module.running_mean` reads and writes the buffer as in PyTorch.
      Object.defineProperty(this, name, {
        get: () => s.buffers.get(name) ?? null,
        set: (v: Tensor | null) => s.buffers.set(name, v),
        enumerable: false,
        configurable: true,
      });
    }
  }

  getBuffer(name: string): Tensor | null {
    return slots(this).buffers.get(name) ?? null;
  }

  /** PyTorch's `register_parameter`; usually a plain assignment `this.weight = new Parameter(...)` does it. */
  registerParameter(name: string, param: Tensor | null): void {
    checkName(name, "parameter");
    if (param !== null && !isParameter(param)) {
      throw new ArgumentError(`cannot assign a plain Tensor as parameter '${name}' (nn.Parameter or null required)`);
    }
    exposeAttribute(this, name, (m) => slots(m).params.get(name) ?? null, (m, v) => m.registerParameter(name, v as Tensor | null));
    slots(this).params.set(name, param);
  }

  /** PyTorch's `add_module` / `register_module`: an explicitly named child, kept in insertion order. */
  addModule(name: string, module: AnyModule | null): void {
    checkName(name, "module");
    if (module !== null && !(module instanceof Module)) throw new ArgumentError(`${String(module)} is not a Module subclass`);
    exposeAttribute(this, name, (m) => slots(m).modules.get(name) ?? null, (m, v) => m.addModule(name, v as AnyModule | null));
    slots(this).modules.set(name, module);
  }

  registerModule(name: string, module: AnyModule | null): void {
    this.addModule(name, module);
  }

  /** Makes the property `prop` appear under `key` in `stateDict()` and parameter names (e.g. runningMean -> running_mean). */
  protected renameStateKey(prop: string, key: string): void {
    slots(this).aliases.set(prop, checkName(key, "state key"));
  }

  /** This module's own parameters (not its children's), with their state-dict names. */
  localParameters(): [string, Tensor][] {
    const s = slots(this);
    const out: [string, Tensor][] = [];
    for (const [k, v] of Object.entries(this)) if (isParameter(v)) out.push([s.aliases.get(k) ?? k, v]);
    for (const [k, v] of s.params) if (v !== null) out.push([k, v]);
    return out;
  }

  /** This module's own buffers; `persistentOnly` keeps those that go into the state dict. */
  localBuffers(persistentOnly = false): [string, Tensor][] {
    const s = slots(this);
    const out: [string, Tensor][] = [];
    for (const [k, v] of s.buffers) if (v !== null && !(persistentOnly && s.nonPersistent.has(k))) out.push([k, v]);
    return out;
  }

  // ---- traversal ---------------------------------------------------------------------------------

  /** Direct children, each once. */
  namedChildren(): [string, AnyModule][] {
    const seen = new Set<AnyModule>();
    return this.childEntries().filter(([, m]) => (seen.has(m) ? false : (seen.add(m), true)));
  }

  /** Direct children as registered, duplicates kept (PyTorch's `_modules.items()`): what stateDict and toString walk. */
  childEntries(): [string, AnyModule][] {
    const s = slots(this);
    const out: [string, AnyModule][] = [];
    for (const [k, v] of Object.entries(this)) if (v instanceof Module) out.push([s.aliases.get(k) ?? k, v as AnyModule]);
    for (const [k, v] of s.modules) if (v !== null) out.push([k, v]);
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and all below it, depth first, each once; names are dotted paths ("" for this one,
   * or `prefix`): `namedModules()`, `namedModules({ prefix: "model" })`.
   */
  namedModules(prefix: string | { prefix?: string } = "", memo: Set<AnyModule> = new Set()): [string, AnyModule][] {
    if (typeof prefix !== "string") {
      checkOptions("nn.Module.namedModules()", prefix, { prefix: "string" }, { index: 1, positional: "prefix" });
      prefix = prefix.prefix ?? "";
    }
    const self = this as AnyModule;
    if (memo.has(self)) return [];
    memo.add(self);
    const out: [string, AnyModule][] = [[prefix, self]];
    for (const [name, child] of this.childEntries()) out.push(...child.namedModules(joinName(prefix, name), memo));
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  namedParameters(opts: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    checkOptions("nn.Module.namedParameters()", opts, MEMBER_OPTIONS, { index: 1, positional: "prefix" });
    return namedMembers(this as AnyModule, (m) => m.localParameters(), opts);
  }

  parameters(recurse = true): Tensor[] {
    checkArg("nn.Module.parameters()", recurse, "boolean", 1, "recurse");
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  namedBuffers(opts: { prefix?: string; recurse?: boolean } = {}): [string, Tensor][] {
    checkOptions("nn.Module.namedBuffers()", opts, MEMBER_OPTIONS, { index: 1, positional: "prefix" });
    return namedMembers(this as AnyModule, (m) => m.localBuffers(), opts);
  }

  buffers(recurse = true): Tensor[] {
    checkArg("nn.Module.buffers()", recurse, "boolean", 1, "recurse");
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** The submodule at a dotted path ("" is this module), as `get_submodule`. */
  getSubmodule(target: string): AnyModule {
    let mod = this as AnyModule;
    if (target === "") return mod;
    for (const part of target.split(".")) {
      const next = mod.childEntries().find(([k]) => k === part);
      if (!next) throw new ArgumentError(`${mod.getName()} has no attribute \`${part}\``);
      mod = next[1];
    }
    return mod;
  }

  // ---- modes and gradients -----------------------------------------------------------------------

  /** Sets training mode here and in every submodule. Returns this. */
  train(mode = true): this {
    if (typeof mode !== "boolean") throw new ArgumentError("training mode is expected to be boolean");
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears parameter gradients: to zeros by default (PyTorch 1.13's default), or to null with setToNone. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    checkOptions("nn.Module.zeroGrad()", opts, { setToNone: "boolean" }, { index: 1, positional: "setToNone" });
    zeroGradOf(this.parameters(), opts.setToNone ?? false);
  }

  requiresGrad_(flag = true): this {
    checkArg("nn.Module.requiresGrad_()", flag, "boolean", 1, "requiresGrad");
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /** Calls fn on every submodule (children first) and then on this module. Returns this. */
  apply(fn: (m: AnyModule) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this as AnyModule);
    return this;
  }

  /**
   * PyTorch's `Module.to`: `to(dtype)`, `to(device)`, `to(device, dtype)`, `to(tensor)` or
   * `to({ device, dtype })`. The cpu is the only device (another is an error); a floating dtype casts
   * the floating parameters in place (the same Parameter objects, so an optimizer made before still
   * holds them) and replaces floating buffers by converted copies. Returns this.
   */
  to(device: DeviceLike, dtype?: DType, opts?: ToOptions): this;
  to(device: DeviceLike, opts?: ToOptions): this;
  to(dtype: DType, opts?: ToOptions): this;
  to(tensor: Tensor, opts?: ToOptions): this;
  to(opts: ToOptions): this;
  to(...args: unknown[]): this {
    const { dtype } = parseTo("nn.Module.to()", args);
    if (dtype === null) return this;
    if (!isFloating(dtype)) {
      throw new ArgumentError(`nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    }
    castModules(this.modules(), dtype);
    return this;
  }

  /** Every tensor is on the cpu already: returns this. */
  cpu(): this {
    return this;
  }

  /** There is no CUDA device: an error naming the devices that exist. */
  cuda(): never {
    throw unavailable("cuda");
  }

  double(): this {
    return this.to("float64");
  }

  float(): this {
    return this.to("float32");
  }

  // ---- hooks (see hooks.ts: they fire whenever forward runs) --------------------------------------

  /** `hook(module, args)` before each forward; returning an array (or one value) replaces the arguments. */
  registerForwardPreHook(hook: (module: this, args: In) => In | In[0] | null | undefined | void): RemovableHandle {
    return addModuleHook(this as AnyModule, "pre", hook as unknown as ForwardPreHookFn, "nn.Module.registerForwardPreHook()");
  }

  /** `hook(module, args, output)` after each forward; a returned value replaces the output. */
  registerForwardHook(hook: (module: this, args: In, output: Out) => Out | null | undefined | void): RemovableHandle {
    return addModuleHook(this as AnyModule, "forward", hook as unknown as ForwardHookFn, "nn.Module.registerForwardHook()");
  }

  /**
   * `hook(module, gradInput, gradOutput)` once the gradients w.r.t. the module's inputs are computed:
   * one entry per forward argument (null where none) and per output. Returning an array replaces
   * gradInput for everything upstream.
   */
  registerFullBackwardHook(
    hook: (module: this, gradInput: (Tensor | null)[], gradOutput: (Tensor | null)[]) => readonly (Tensor | null)[] | null | undefined | void,
  ): RemovableHandle {
    return addModuleHook(this as AnyModule, "backward", hook as unknown as BackwardHookFn, "nn.Module.registerFullBackwardHook()");
  }

  // ---- state dict ---------------------------------------------------------------------------------

  /**
   * Dotted keys -> tensors, with PyTorch's names and order: each module's parameters, then its
   * persistent buffers, then its children recursively. Values are detached views sharing storage
   * (`keepVars` returns the parameters themselves).
   */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    checkOptions("nn.Module.stateDict()", opts, { prefix: "string", keepVars: "boolean" }, { index: 1 });
    const out: StateDict = {};
    collectState(this as AnyModule, opts.prefix ?? "", opts.keepVars ?? false, out);
    return out;
  }

  /**
   * Copies a state dict's tensors into this module's parameters and buffers, in place. Everything is
   * checked before anything is copied: a failing load leaves the module unchanged. `strict` (default)
   * also refuses missing and unexpected keys. Size mismatches are always errors, as in PyTorch.
   */
  loadStateDict(sd: StateDictLike, opts: { strict?: boolean } = {}): LoadResult {
    checkOptions("nn.Module.loadStateDict()", opts, { strict: "boolean" }, { index: 2, positional: "strict" });
    return loadInto(this.getName(), this.stateDict({ keepVars: true }), sd, opts.strict ?? true);
  }

  // ---- printing -------------------------------------------------------------------------------

  /** The module tree exactly as PyTorch's `repr(model)` prints it. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split("\n") : [];
    const childLines = this.childEntries().map(([k, m]) => `(${k}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    // One line of extra repr and no children stays on the name's line.
    const body = lines.length === 1 && childLines.length === 0 ? lines[0] : lines.length > 0 ? `\n  ${lines.join("\n  ")}\n` : "";
    return `${this.getName()}(${body})`;
  }
}

/** Each tensor `get` finds in `self` (and, with `recurse`, below it) once, under its dotted name. */
function namedMembers(self: AnyModule, get: (m: AnyModule) => [string, Tensor][], opts: { prefix?: string; recurse?: boolean }): [string, Tensor][] {
  const prefix = opts.prefix ?? "";
  const mods: [string, AnyModule][] = opts.recurse === false ? [[prefix, self]] : self.namedModules(prefix);
  const seen = new Set<Tensor>();
  const out: [string, Tensor][] = [];
  for (const [mp, m] of mods) {
    for (const [k, t] of get(m)) {
      if (seen.has(t)) continue;
      seen.add(t);
      out.push([joinName(mp, k), t]);
    }
  }
  return out;
}

// console.log(model) prints the PyTorch-style tree (a string key keeps this file free of node: imports).
Object.defineProperty(Module.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: AnyModule) {
    return this.toString();
  },
});

/**
 * `module.name` for a child or parameter registered by name (PyTorch's `__getattr__` falls back to
 * `_modules` and `_parameters`); a name already assigned on the instance keeps its property. The accessor reads its
 * receiver, so a deep copy (attention/clone.ts) sees its own registrations. Numeric names are left to
 * Sequential and ModuleList, whose `seq[0]` is by position.
 */
function exposeAttribute(
  m: AnyModule,
  name: string,
  get: (m: AnyModule) => unknown,
  set: (m: AnyModule, v: unknown) => void,
): void {
  if (/^\d+$/.test(name) || Object.hasOwn(m, name)) return;
  // PyTorch's add_module / register_parameter refuse a name the class already uses (a method, a property).
  if (name in m) throw new ArgumentError(`attribute '${name}' already exists`);
  Object.defineProperty(m, name, {
    get(this: AnyModule) { return get(this); },
    set(this: AnyModule, v: unknown) { set(this, v); },
    enumerable: false,
    configurable: true,
  });
}
