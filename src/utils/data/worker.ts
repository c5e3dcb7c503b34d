/**
 * Entry point of a DataLoader worker thread: rebuilds the dataset once from its recipe, then answers
 * batch requests in the order they arrive.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { MapDataset } from "./dataset.ts";
import { type DatasetRecipe, datasetFromRecipe } from "./recipe.ts";
import { encode, fetchBatch, serializeError } from "./transport.ts";

export interface WorkerTask {
  id: number;
  indices: number[];
  baseSeed: number;
  /** Collate in the worker (default collate); otherwise the samples come back as a list. */
  collate: boolean;
}

export interface WorkerReply {
  id: number;
  value?: unknown;
  error?: ReturnType<typeof serializeError>;
}

const port = parentPort;
if (port === null) throw new Error("worker.ts is a DataLoader worker entry point, not a module to import");

const recipe = (workerData as { recipe: DatasetRecipe }).recipe;
const ready = datasetFromRecipe(recipe) as Promise<MapDataset<unknown>>;
// Reported with each task instead; this only keeps an early failure from counting as unhandled.
ready.catch(() => {});

function run(ds: MapDataset<unknown>, task: WorkerTask): void {
  const transfer: ArrayBuffer[] = [];
  let reply: WorkerReply;
  try {
    const out = fetchBatch(ds, task.indices, task.baseSeed, task.collate);
    reply = { id: task.id, value: encode(out.value, out.fresh ? transfer : null) };
  } catch (e) {
    reply = { id: task.id, error: serializeError(e) };
  }
  try {
    port!.postMessage(reply, transfer);
  } catch (e) {
    port!.postMessage({ id: task.id, error: serializeError(e) } satisfies WorkerReply);
  }
}

port.on("message", (task: WorkerTask) => {
  ready.then(
    (ds) => run(ds, task),
    (e: unknown) => port.postMessage({ id: task.id, error: serializeError(e) } satisfies WorkerReply),
  );
});
