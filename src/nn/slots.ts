import { ArgumentError } from "../errors.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { AnyModule } from "./module.ts";

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

/** `target` shares `source`'s registrations from now on (a lazy module becoming the module it built). */
export function adoptSlots(target: object, source: object): void {
  SLOTS.set(target, SLOTS.get(source)!);
}
