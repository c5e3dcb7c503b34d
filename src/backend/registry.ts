import { ArgumentError } from "../errors.ts";
import type { Backend } from "./backend.ts";
import { jsBackend } from "./js/index.ts";

/**
 * Which backend runs the kernels. Ops read `backend()` at every call, so switching takes effect at
 * once and a new backend plugs in by registering here, without touching any op.
 */
const registered = new Map<string, () => Backend | null>([["js", () => jsBackend]]);
let current: Backend = jsBackend;

export function backend(): Backend {
  return current;
}

/** Makes a backend selectable by name; `load` returns null when it cannot run on this machine. */
export function registerBackend(name: string, load: () => Backend | null): void {
  registered.set(name, load);
}

export function setBackend(name: string): void {
  const load = registered.get(name);
  if (!load) throw new ArgumentError(`unknown backend '${name}' (known: ${[...registered.keys()].join(", ")})`);
  const b = load();
  if (!b) throw new ArgumentError(`backend '${name}' is not available on this machine`);
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function availableBackends(): string[] {
  return [...registered.entries()].filter(([, load]) => load() !== null).map(([n]) => n);
}
