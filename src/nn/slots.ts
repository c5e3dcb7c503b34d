import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError } from "../errors.ts";
import { type DType, isFloating } from "../tensor/dtype.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { AnyModule } from "./module.ts";
import { Parameter, isParameter } from "./parameter.ts";

/**
 * A module's explicit registrations (buffers, `addModule`/`registerParameter` entries, key aliases),
 * kept in a WeakMap rather than on the instance, so they never show up among its properties.
 */
export interface Slots {
  params: Map<string, Tensor | null>;
  modules: Map<string, AnyModule | null>;
  buffers: Map<string, Tensor | null>;
  nonPersistent: Set<string>;
  /** Property name -> state-dict key, for properties whose PyTorch name differs (camelCase vs snake_case). */
  aliases: Map<string, string>;
}

const SLOTS = new WeakMap<object, Slots>();

export function newSlots(m: object): void {
  SLOTS.set(m, { params: new Map(), modules: new Map(), buffers: new Map(), nonPersistent: new Set(), aliases: new Map() });
}

export function slots(m: object): Slots {
  return SLOTS.get(m)!;
}

export function checkName(name: unknown, what: string): string {
  if (typeof name !== "string") throw new ArgumentError(`${what} name should be a string. Got ${typeof name}`);
  if (name.includes(".")) throw new ArgumentError(`${what} name can't contain ".", got: ${name}`);
  if (name === "") throw new ArgumentError(`${what} name can't be empty string ""`);
  return name;
}

export const joinName = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/**
 * Module.to(dtype): replaces every floating parameter (assigned or registered) and buffer of these
 * modules by a converted copy. A tensor shared by several modules maps to one new tensor.
 */
export function castTensors(modules: readonly AnyModule[], dtype: DType): void {
  const memo = new Map<Tensor, Tensor>();
  const cast = (t: Tensor): Tensor => {
    if (!isFloating(t.dtype) || t.dtype === dtype) return t;
    let out = memo.get(t);
    if (!out) {
      const data = noGrad(() => t.detach().to(dtype));
      out = isParameter(t) ? Parameter(data, t.requiresGrad) : data;
      if (t.grad) out.grad = noGrad(() => t.grad!.to(dtype));
      memo.set(t, out);
    }
    return out;
  };
  for (const m of modules) {
    const rec = m as unknown as Record<string, unknown>;
    for (const k of Object.keys(m)) if (isParameter(rec[k])) rec[k] = cast(rec[k] as Tensor);
    const s = slots(m);
    for (const [k, v] of s.params) if (v) s.params.set(k, cast(v));
    for (const [k, v] of s.buffers) if (v) s.buffers.set(k, cast(v));
  }
}
