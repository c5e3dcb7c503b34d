import { ArgumentError, IndexError } from "../errors.ts";
import { checkArity, describeValue } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { type AnyModule, Module } from "./module.ts";
import { runChain } from "./chain.ts";
import { slots } from "./slots.ts";

/**
 * Containers: Sequential, ModuleList and ModuleDict, registering their members under PyTorch's keys.
 * Members live in the module's explicit registrations (slots.ts), in order.
 */

/** The explicitly registered children of m, by key, in order. */
const members = (m: Module): Map<string, AnyModule | null> => slots(m).modules;

function checkModule(m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new ArgumentError(`${where}: ${describeValue(m)} is not a Module subclass`);
  return m as AnyModule;
}

const hasOwn = (o: object, k: number): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Keeps one accessor per position, and per negative position (`seq[-1]`, the last): JS has no indexing
 * hook short of a Proxy, which the modules' private state would not survive. The accessors read their
 * receiver, not a captured instance, so a deep copy (attention/clone.ts copies own properties) indexes itself.
 */
function syncAccessors(m: IndexedModules): void {
  const n = m.length;
  for (let i = 0; i < n; i++) {
    if (hasOwn(m, i)) continue;
    for (const at of [i, -1 - i]) {
      Object.defineProperty(m, at, {
        get(this: IndexedModules) { return this.at(at); },
        set(this: IndexedModules, module: AnyModule) { this.set(at, module); },
        configurable: true,
        enumerable: false,
      });
    }
  }
  const own = m as unknown as Record<number, unknown>;
  for (let i = n; hasOwn(m, i); i++) {
    delete own[i];
    delete own[-1 - i];
  }
}

/**
 * The list behaviour shared by Sequential and ModuleList: members keyed "0", "1", ..., read and replaced
 * by position as `seq[0]` (PyTorch's `model[0]`) as well as `seq.at(0)`.
 */
export class IndexedModules extends Module {
  /** @internal */ static override readonly builtinName: string = "IndexedModules";
  [index: number]: AnyModule;

  protected constructor(modules: Iterable<AnyModule>) {
    super();
    this.extend(modules);
  }

  override addModule(name: string, module: AnyModule | null): void {
    super.addModule(name, module);
    syncAccessors(this);
  }

  private list(): AnyModule[] {
    return [...members(this).values()] as AnyModule[];
  }

  private renumber(list: readonly AnyModule[]): void {
    slots(this).modules = new Map(list.map((m, i) => [String(i), m]));
    syncAccessors(this);
  }

  protected index(i: number, forInsert = false): number {
    const n = this.length;
    const lo = -n;
    const hi = forInsert ? n : n - 1;
    if (!Number.isInteger(i) || i < lo || i > hi) throw new IndexError(`index ${i} is out of range`);
    return i < 0 ? i + n : i;
  }

  get length(): number {
    return members(this).size;
  }

  /** The member at i (negative counts from the end). */
  at(i: number): AnyModule {
    return this.list()[this.index(i)]!;
  }

  /** Replaces the member at i under its key. */
  set(i: number, module: AnyModule): void {
    const m = members(this);
    m.set([...m.keys()][this.index(i)]!, checkModule(module, "set()"));
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
    return members(this).size;
  }

  get size(): number {
    return this.length;
  }

  get(key: string): AnyModule | undefined {
    return members(this).get(key) ?? undefined;
  }

  has(key: string): boolean {
    return members(this).has(key);
  }

  set(key: string, module: AnyModule): this {
    this.addModule(key, checkModule(module, "ModuleDict.set()"));
    return this;
  }

  /** Removes key and returns its module (PyTorch's `pop`). */
  pop(key: string): AnyModule {
    const m = members(this).get(key);
    if (!this.delete(key)) throw new ArgumentError(`ModuleDict has no key '${key}'`);
    return m!;
  }

  delete(key: string): boolean {
    return members(this).delete(key);
  }

  clear(): void {
    members(this).clear();
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
    return [...members(this).keys()];
  }

  values(): AnyModule[] {
    return [...members(this).values()] as AnyModule[];
  }

  items(): [string, AnyModule][] {
    return [...members(this)] as [string, AnyModule][];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}
