import { ArgumentError } from "../errors.ts";
import { log } from "../log.ts";
import type { Backend } from "./backend.ts";
import { jsBackend } from "./js/index.ts";
import type { OptionalKernelName, OptionalKernels } from "./kernels.ts";

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
  if (numThreads !== null) b.setNumThreads?.(numThreads);
  current = b;
  log("debug", `backend ${b.name}${b.describe ? ` (${b.describe()})` : ""}`);
}

/** The preference order when nothing is asked for: fastest first. */
const PREFERENCE = ["native", "wasm", "js"];

/**
 * Picks the backend at start-up: `KINDLING_BACKEND` when set (falling back with a warning if it
 * cannot load), else the fastest one that loads here.
 */
export function selectDefaultBackend(): void {
  const env = typeof process !== "undefined" ? process.env?.["KINDLING_BACKEND"] : undefined;
  if (env) {
    try {
      setBackend(env);
      return;
    } catch (e) {
      log("warn", `KINDLING_BACKEND=${env}: ${(e as Error).message}; using the default`);
    }
  }
  for (const name of PREFERENCE) {
    if (registered.has(name) && registered.get(name)!() !== null) {
      setBackend(name);
      return;
    }
  }
}

/** Set by setNumThreads; until then each backend keeps its own default (all cores). */
let numThreads: number | null = null;

/** Threads the kernels may use (PyTorch's `torch.set_num_threads`); applies to every backend that threads. */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`set_num_threads expects a positive integer, got ${n}`);
  numThreads = n;
  for (const load of registered.values()) load()?.setNumThreads?.(n);
}

/**
 * The threads the current backend's kernels actually run on: 1 for js, 1 plus the started workers
 * for wasm (1 until they start, or where they cannot), the thread pool's size for native. A count
 * asked for with setNumThreads that the backend cannot (yet) use is not reported.
 */
export function getNumThreads(): number {
  return current.getNumThreads?.() ?? 1;
}

/** The current backend's optional kernel of that name (e.g. "convPasses"), or undefined when it has none. */
export function optionalKernel<K extends OptionalKernelName>(name: K): OptionalKernels[K] | undefined {
  return current.optionalKernel?.(name);
}

export function getBackend(): string {
  return current.name;
}

export function availableBackends(): string[] {
  return [...registered.entries()].filter(([, load]) => load() !== null).map(([n]) => n);
}
