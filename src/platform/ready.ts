/**
 * `await torch.ready()`: the point after which the fastest backend of this platform is the current one.
 * Node has it at import (the wasm modules are read synchronously), so there it resolves at once and
 * changes nothing. A browser fetches and compiles the wasm modules asynchronously: until ready()
 * settles a page runs on js, and ready() then picks the default backend as Node does at import (wasm
 * when it loaded, else js). Call setBackend after it to choose another.
 */
import { loadWasmAssets, setWasmPaths } from "../backend/wasm/assets.ts";
import { selectDefaultBackend } from "../backend/registry.ts";
import { isNode } from "./node.ts";

let picked: Promise<void> | null = null;

export function ready(): Promise<void> {
  if (isNode) return Promise.resolve();
  picked ??= loadWasmAssets().then(() => selectDefaultBackend());
  return picked;
}

export { setWasmPaths };
