import { ArgumentError, IndexError } from "../errors.ts";
import { checkArity, describeValue } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { DType } from "../tensor/dtype.ts";
import { Module } from "./module.ts";
import { Parameter, isParameter } from "./parameter.ts";
import { slots } from "./slots.ts";

/**
 * ParameterList and ParameterDict: parameters held in a list or a map, registered in the module's
 * explicit parameter slots, so parameters(), namedParameters() and stateDict() see them under
 * PyTorch's keys ("0", "1", ... or the dict keys). A plain tensor is wrapped in a Parameter as it is
 * stored, as PyTorch's containers do; unlike PyTorch's, anything that is not a tensor is refused.
 */

const params = (m: Module): Map<string, Tensor | null> => slots(m).params;

function asParameter(v: unknown, where: string): Tensor {
  if (!(v instanceof Tensor)) throw new ArgumentError(`${where}: expected a Tensor or nn.Parameter, got ${describeValue(v)} (kindling's parameter containers hold tensors only)`);
  return isParameter(v) ? v : Parameter(v);
}

/** PyTorch's size string in a parameter container's repr: "3x4", "" for a 0-d tensor. */
const sizeStr = (t: Tensor): string => t.shape.join("x");

const LEGACY_TYPE: Partial<Record<DType, string>> = {
  float32: "FloatTensor", float64: "DoubleTensor", int64: "LongTensor", int32: "IntTensor", bool: "BoolTensor",
};

/** Accessors `list[i]` and `list[-1 - i]` for each new position (as container.ts's, for `plist[0]`). */
function indexAccessors(list: ParameterList): void {
  for (let i = 0; i < list.length; i++) {
    if (Object.prototype.hasOwnProperty.call(list, i)) continue;
    for (const at of [i, -1 - i]) {
      Object.defineProperty(list, at, {
        get(this: ParameterList) { return this.at(at); },
        set(this: ParameterList, v: Tensor) { this.set(at, v); },
        configurable: true,
        enumerable: false,
      });
    }
  }
}

/**
 * A list of parameters: `new nn.ParameterList([w1, w2])`, `list.append(w)`, `list[0]`, `list.at(-1)`,
 * `for (const p of list)`. Its repr lists each entry as PyTorch's does:
 * `ParameterList(  (0): Parameter containing: [torch.float32 of size 3x4])`.
 */
export class ParameterList extends Module {
  /** @internal */ static override readonly builtinName: string = "ParameterList";
  [index: number]: Tensor;

  constructor(values: Iterable<Tensor> = []) {
    super();
    checkArity("nn.ParameterList()", arguments, 1);
    if (typeof (values as Partial<Iterable<Tensor>> | null)?.[Symbol.iterator] !== "function") {
      throw new ArgumentError(`nn.ParameterList(): argument 1 (values) must be an iterable of tensors, got ${describeValue(values)}`);
    }
    this.extend(values);
  }

  private list(): Tensor[] {
    return [...params(this).values()] as Tensor[];
  }

  private index(i: number): number {
    const n = this.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new IndexError(`index ${i} is out of range`);
    return i < 0 ? i + n : i;
  }

  get length(): number {
    return params(this).size;
  }

  /** The parameter at i (negative counts from the end); `get` is the same. */
  at(i: number): Tensor {
    return this.list()[this.index(i)]!;
  }

  get(i: number): Tensor {
    return this.at(i);
  }

  /** Replaces the entry at i (a plain tensor becomes a Parameter). */
  set(i: number, value: Tensor): this {
    params(this).set(String(this.index(i)), asParameter(value, "ParameterList.set()"));
    return this;
  }

  append(value: Tensor): this {
    this.registerParameter(String(this.length), asParameter(value, "ParameterList.append()"));
    indexAccessors(this);
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  [Symbol.iterator](): Iterator<Tensor> {
    return this.list()[Symbol.iterator]();
  }

  override extraRepr(): string {
    return [...params(this)].map(([k, p]) => `  (${k}): Parameter containing: [torch.${p!.dtype} of size ${sizeStr(p!)}]`).join("\n");
  }
}

type ParameterEntries = ParameterDict | ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>> | Iterable<readonly [string, Tensor]>;

/**
 * Parameters by name, in insertion order: `new nn.ParameterDict({ a: w })`, `dict.set("b", v)`,
 * `dict.get("a")`; iterating yields the keys, as PyTorch's. As in PyTorch 1.13, a plain object's
 * entries are taken in sorted key order (a dict), a Map's or a pair list's in their own (an OrderedDict).
 */
export class ParameterDict extends Module {
  /** @internal */ static override readonly builtinName: string = "ParameterDict";

  constructor(parameters: ParameterEntries = []) {
    super();
    checkArity("nn.ParameterDict()", arguments, 1);
    this.update(parameters);
  }

  get length(): number {
    return params(this).size;
  }

  get size(): number {
    return this.length;
  }

  /** The parameter under key; a missing key is an error, as PyTorch's `dict[key]`. */
  get(key: string): Tensor {
    const p = params(this).get(key);
    if (p === undefined || p === null) throw new ArgumentError(`'ParameterDict' object has no attribute '${key}'`);
    return p;
  }

  has(key: string): boolean {
    return params(this).has(key);
  }

  set(key: string, value: Tensor): this {
    this.registerParameter(key, asParameter(value, "ParameterDict.set()"));
    return this;
  }

  /** Removes key and returns its parameter. */
  pop(key: string): Tensor {
    const p = this.get(key);
    params(this).delete(key);
    return p;
  }

  delete(key: string): boolean {
    return params(this).delete(key);
  }

  clear(): void {
    params(this).clear();
  }

  update(parameters: ParameterEntries): this {
    if (typeof parameters !== "object" || parameters === null) {
      throw new ArgumentError(`ParameterDict.update(): argument must be a Map, an object or an iterable of [key, tensor] pairs, got ${describeValue(parameters)}`);
    }
    const entries: Iterable<readonly [string, Tensor]> =
      parameters instanceof ParameterDict
        ? parameters.items()
        : parameters instanceof Map || Symbol.iterator in (parameters as object)
        ? (parameters as Iterable<readonly [string, Tensor]>)
        : Object.entries(parameters as Record<string, Tensor>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const e of entries) {
      if (!Array.isArray(e) || e.length !== 2) throw new ArgumentError(`ParameterDict.update(): each entry must be a [key, tensor] pair, got ${describeValue(e)}`);
      this.set(e[0] as string, e[1] as Tensor);
    }
    return this;
  }

  keys(): string[] {
    return [...params(this).keys()];
  }

  values(): Tensor[] {
    return [...params(this).values()] as Tensor[];
  }

  items(): [string, Tensor][] {
    return [...params(this)] as [string, Tensor][];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  override extraRepr(): string {
    // PyTorch 1.13's ParameterDict prints the legacy type name (torch.FloatTensor), its list the dtype.
    return this.items().map(([k, p]) => `  (${k}): Parameter containing: [torch.${LEGACY_TYPE[p.dtype] ?? p.dtype} of size ${sizeStr(p)}]`).join("\n");
  }
}
