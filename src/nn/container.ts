import { ArgumentError, IndexError } from "../errors.ts";
import { checkArity, describeValue } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type AnyModule, Module } from "./module.ts";
import { runChain } from "./chain.ts";

/** Containers: Sequential, ModuleList and ModuleDict, registering their members under PyTorch's keys. */

function checkModule(m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new ArgumentError(`${where}: ${describeValue(m)} is not a Module subclass`);
  return m as AnyModule;
}

/** The list behaviour shared by Sequential and ModuleList: members keyed "0", "1", ... */
export class IndexedModules extends Module {
  /** @internal */ static override readonly builtinName: string = "IndexedModules";
  protected constructor(modules: Iterable<AnyModule>) {
    super();
    this.extend(modules);
  }

  private list(): AnyModule[] {
    return this.registeredModules().map(([, m]) => m!);
  }

  private renumber(list: readonly AnyModule[]): void {
    this.setRegisteredModules(list.map((m, i) => [String(i), m] as const));
  }

  protected index(i: number, forInsert = false): number {
    const n = this.length;
    const lo = -n;
    const hi = forInsert ? n : n - 1;
    if (!Number.isInteger(i) || i < lo || i > hi) throw new IndexError(`index ${i} is out of range`);
    return i < 0 ? i + n : i;
  }

  get length(): number {
    return this.registeredModules().length;
  }

  /** The member at i (negative counts from the end). */
  at(i: number): AnyModule {
    return this.list()[this.index(i)]!;
  }

  set(i: number, module: AnyModule): void {
    const entries = this.registeredModules();
    entries[this.index(i)]![1] = checkModule(module, "set()");
    this.setRegisteredModules(entries);
  }

  append(module: AnyModule): this {
    this.addModule(String(this.length), checkModule(module, "append()"));
    return this;
  }

  extend(modules: Iterable<AnyModule>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(i: number, module: AnyModule): this {
    const list = this.list();
    list.splice(this.index(i, true), 0, checkModule(module, "insert()"));
    this.renumber(list);
    return this;
  }

  /** Removes and returns the member at i (default the last); the rest are renumbered. */
  pop(i = -1): AnyModule {
    const list = this.list();
    const [m] = list.splice(this.index(i), 1);
    this.renumber(list);
    return m!;
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.list()[Symbol.iterator]();
  }
}

/**
 * Runs its modules in order, each output feeding the next. `new Sequential(a, b, c)` keys them
 * "0", "1", "2"; `new Sequential(new Map([["fc", a], ["act", b]]))` keeps the given names, as
 * PyTorch's `Sequential(OrderedDict(...))`.
 */
export class Sequential extends IndexedModules {
  /** @internal */ static override readonly builtinName: string = "Sequential";
  constructor(...modules: AnyModule[] | [ReadonlyMap<string, AnyModule>]) {
    const first = modules[0];
    const named = modules.length === 1 && first instanceof Map;
    if (!named) modules.forEach((m) => checkModule(m, "nn.Sequential()"));
    super(named ? [] : (modules as AnyModule[]));
    if (named) {
      for (const [k, m] of first as ReadonlyMap<string, AnyModule>) this.addModule(k, checkModule(m, "nn.Sequential()"));
    }
  }

  override forward(x: Tensor): Tensor {
    return runChain(this, x) as Tensor;
  }
}

/** A list of modules, registered so their parameters are found; it has no forward of its own. */
export class ModuleList extends IndexedModules {
  /** @internal */ static override readonly builtinName: string = "ModuleList";
  constructor(modules: Iterable<AnyModule> = []) {
    checkArity("nn.ModuleList()", arguments, 1); // before super: `ModuleList(a, b)` must not iterate `a`
    if (typeof (modules as Partial<Iterable<AnyModule>> | null)?.[Symbol.iterator] !== "function") {
      throw new ArgumentError(`nn.ModuleList(): argument 1 (modules) must be an iterable of Modules, got ${describeValue(modules)}`);
    }
    super(modules);
  }
}

/**
 * Modules by name, in insertion order. Iterating yields the keys, as PyTorch's; `items()` gives
 * [key, module] pairs.
 */
export class ModuleDict extends Module {
  /** @internal */ static override readonly builtinName: string = "ModuleDict";
  constructor(modules: ReadonlyMap<string, AnyModule> | Readonly<Record<string, AnyModule>> | Iterable<readonly [string, AnyModule]> = []) {
    super();
    checkArity("nn.ModuleDict()", arguments, 1);
    if (typeof modules !== "object" || modules === null) {
      throw new ArgumentError(`nn.ModuleDict(): argument 1 (modules) must be a Map, an object or an iterable of [key, module] pairs, got ${describeValue(modules)}`);
    }
    this.update(modules);
  }

  get length(): number {
    return this.registeredModules().length;
  }

  get size(): number {
    return this.length;
  }

  get(key: string): AnyModule | undefined {
    return this.registeredModules().find(([k]) => k === key)?.[1] ?? undefined;
  }

  has(key: string): boolean {
    return this.registeredModules().some(([k]) => k === key);
  }

  set(key: string, module: AnyModule): this {
    this.addModule(key, checkModule(module, "ModuleDict.set()"));
    return this;
  }

  /** Removes key and returns its module (PyTorch's `pop`). */
  pop(key: string): AnyModule {
    const entries = this.registeredModules();
    const i = entries.findIndex(([k]) => k === key);
    if (i < 0) throw new ArgumentError(`ModuleDict has no key '${key}'`);
    const [[, m]] = entries.splice(i, 1);
    this.setRegisteredModules(entries);
    return m!;
  }

  delete(key: string): boolean {
    if (!this.has(key)) return false;
    this.pop(key);
    return true;
  }

  clear(): void {
    this.setRegisteredModules([]);
  }

  update(modules: ReadonlyMap<string, AnyModule> | Readonly<Record<string, AnyModule>> | Iterable<readonly [string, AnyModule]>): this {
    const entries: Iterable<readonly [string, AnyModule]> =
      modules instanceof Map || Symbol.iterator in (modules as object)
        ? (modules as Iterable<readonly [string, AnyModule]>)
        : Object.entries(modules as Record<string, AnyModule>);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  keys(): string[] {
    return this.registeredModules().map(([k]) => k);
  }

  values(): AnyModule[] {
    return this.registeredModules().map(([, m]) => m!);
  }

  items(): [string, AnyModule][] {
    return this.registeredModules().map(([k, m]) => [k, m!]);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}
