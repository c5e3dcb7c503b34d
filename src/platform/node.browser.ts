/**
 * node.ts for browser bundles (swapped in by package.json's "browser" field). Every Node module is a
 * stand-in whose functions throw an ArgumentError that names the Node-only feature and the browser's way
 * instead; nothing here runs at import time beyond building those stand-ins.
 */
import type * as NodeSide from "./node.ts";
import { ArgumentError } from "../errors.ts";

/** Why a Node module is missing and what to use in a page, by module. */
const PATHS = "file paths are Node-only (in the browser pass bytes, a Blob/File or a Response instead)";
const HINTS: Record<string, string> = {
  fs: PATHS,
  fsp: PATHS,
  path: PATHS,
  zlib: "synchronous zlib is Node-only (in the browser use the async forms, which use DecompressionStream: datasets.MNIST.fromBytes/fromUrl, datasets.decodeImageAsync, datasets.ImageFolder.fromFiles)",
  crypto: "node:crypto is Node-only",
  module: "loading Node packages from disk is Node-only",
  url: "file: URLs are Node-only",
  worker_threads: "worker_threads are Node-only (DataLoader numWorkers > 0 needs Node; in the browser use numWorkers: 0, or train inside a Web Worker)",
};

export function nodeOnly(module: string, what?: string): never {
  throw new ArgumentError(`${what ? `${what}: ` : ""}${HINTS[module] ?? `node:${module} is Node-only`}; this is the browser build of kindling`);
}

/**
 * A stand-in namespace: any member is a function that throws (a property read alone does not). The
 * stand-ins are built by calls marked pure, so a bundle drops those its page never imports.
 */
function standIn<T>(module: string): T {
  return new Proxy({}, {
    get: (_t, key) => (typeof key === "symbol" ? undefined : () => nodeOnly(module, `${module}.${key}`)),
  }) as T;
}

function standInFn<T>(module: string, name: string): T {
  return (() => nodeOnly(module, name)) as T;
}

export const fs = /* @__PURE__ */ standIn<typeof NodeSide.fs>("fs");
export const fsp = /* @__PURE__ */ standIn<typeof NodeSide.fsp>("fsp");
export const path = /* @__PURE__ */ standIn<typeof NodeSide.path>("path");
export const zlib = /* @__PURE__ */ standIn<typeof NodeSide.zlib>("zlib");
export const createHash = /* @__PURE__ */ standInFn<typeof NodeSide.createHash>("crypto", "createHash");
export const randomBytes = /* @__PURE__ */ standInFn<typeof NodeSide.randomBytes>("crypto", "randomBytes");
export const createRequire = /* @__PURE__ */ standInFn<typeof NodeSide.createRequire>("module", "createRequire");
export const fileURLToPath = /* @__PURE__ */ standInFn<typeof NodeSide.fileURLToPath>("url", "fileURLToPath");
export const Worker = class {
  constructor() {
    nodeOnly("worker_threads", "Worker");
  }
} as unknown as typeof NodeSide.Worker;
export const parentPort: typeof NodeSide.parentPort = null;
export const workerData: unknown = undefined;
export const bufferConstants: typeof NodeSide.bufferConstants = { MAX_LENGTH: 2 ** 31 - 1, MAX_STRING_LENGTH: 2 ** 29 - 24 };

/**
 * AsyncLocalStorage's synchronous half: run() scopes a store over fn's synchronous part (and, for an
 * async fn, until its promise settles in the sense that the store is restored when run returns). Browsers
 * have no async context propagation yet; grad-mode callbacks are synchronous in practice.
 */
export class AsyncLocalStorage<T> {
  #store: T | undefined;
  getStore(): T | undefined {
    return this.#store;
  }
  run<R>(store: T, fn: (...args: unknown[]) => R, ...args: unknown[]): R {
    const prev = this.#store;
    this.#store = store;
    try {
      return fn(...args);
    } finally {
      this.#store = prev;
    }
  }
}

export const isNode = false;
export const env: Readonly<Record<string, string | undefined>> = {};
export const pid = 0;

// Compile-time check that this file offers every name node.ts offers (tsc never sees the swap; the
// stand-ins above are typed as Node's, so each one also matches in type).
type Missing = Exclude<keyof typeof NodeSide, keyof typeof import("./node.browser.ts")>;
const _complete: [Missing] extends [never] ? true : Missing = true;
void _complete;
