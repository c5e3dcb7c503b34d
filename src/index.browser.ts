/**
 * The browser entry of kindling (package.json's "browser" export condition): the same API as the Node
 * entry, with Node-only features (native backend, file paths, DataLoader worker threads) failing with
 * an ArgumentError that names them, plus what a page needs: `await torch.ready()` before training
 * (the wasm backend's modules are fetched and compiled asynchronously; see platform/ready.ts), bytes
 * in and out of torch.save/load, and a Worker wrapper for training off the main thread.
 */
import { loadWasmAssets } from "./backend/wasm/assets.ts";

export * from "./index.ts";
export { exposeWorker, wrapWorker, type RemoteApi, type WorkerApi } from "./platform/worker_rpc.ts";

// Start fetching the wasm modules at once, so ready() usually finds them compiled.
void loadWasmAssets();
