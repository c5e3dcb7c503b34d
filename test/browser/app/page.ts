/** The test page: the browser build, the shared training run, and a Worker serving the same. */
import * as torch from "../../../src/index.browser.ts";
import { wasmSimd } from "./backends.ts";
import { probe, trainSteps } from "../train_steps.ts";
import type { workerApi } from "./worker.ts";
import { decodeImage } from "../../../src/io/image/index.ts";

// The DOM's Worker (this project's typings are Node's, which have none).
type WorkerCtor = new (url: URL, opts: { type: "module" }) => Parameters<typeof torch.wrapWorker>[0];
const worker = new (globalThis as unknown as { Worker: WorkerCtor }).Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const remote = torch.wrapWorker<typeof workerApi>(worker);

/** "Name: message" of what fn throws (or rejects with), "no error" if nothing. */
async function errorOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return "no error";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** trainSteps on a named backend. */
function trainOn(backend: string, steps: number): number[] {
  torch.setBackend(backend);
  return trainSteps(torch, steps);
}

(globalThis as Record<string, unknown>)["kt"] = { torch, trainSteps, trainOn, errorOf, probe, remote, wasmSimd, decodeImage };
(globalThis as Record<string, unknown>)["ktLoaded"] = true;
