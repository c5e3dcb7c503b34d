/**
 * Registers every backend this build has and picks the default (native, then wasm, then js).
 * Imported once by the package face; ops only ever ask `registry.backend()`.
 */
import { loadNativeBackend } from "./native/backend.ts";
import { registerBackend, selectDefaultBackend } from "./registry.ts";
import { loadWasmBackend } from "./wasm/index.ts";

registerBackend("native", loadNativeBackend);
registerBackend("wasm", loadWasmBackend);
selectDefaultBackend();

export { setBackend, getBackend, availableBackends, registerBackend, setNumThreads, getNumThreads, backend, optionalKernel } from "./registry.ts";
export type { Backend } from "./backend.ts";
