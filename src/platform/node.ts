/**
 * The one door to Node's built-in modules for library code. Browser bundles never come through it:
 * package.json's "browser" field swaps this file for node.browser.ts (esbuild, Vite and webpack all honour
 * that map), whose stand-ins throw an ArgumentError naming the Node-only feature. Library files import
 * Node's modules from here, never `node:*` directly, so `import * as torch from "kindling"` bundles
 * for a page with no shims.
 */
export * as fs from "node:fs";
export * as fsp from "node:fs/promises";
import path from "node:path";
export * as zlib from "node:zlib";
export { createHash, randomBytes } from "node:crypto";
export { createRequire } from "node:module";
export { fileURLToPath } from "node:url";
export { AsyncLocalStorage } from "node:async_hooks";
export { Worker, parentPort, workerData } from "node:worker_threads";
export { constants as bufferConstants } from "node:buffer";

/** True here; false in the browser build. */
export { path };

/** True here; false in the browser build. */
export const isNode = true;

/** The process environment (an empty object in the browser build). */
export const env: Readonly<Record<string, string | undefined>> = process.env;

/** Process id and liveness, for atomic temp files. */
export const pid: number = process.pid;
