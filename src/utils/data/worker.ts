/**
 * Entry point of a DataLoader worker thread: rebuilds the dataset once from its recipe, then answers
 * batch requests in the order they arrive.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { MapDataset } from "./dataset.ts";
import { type DatasetRecipe, datasetFromRecipe } from "./recipe.ts";
import { IDLE, encode, fetchBatch, serializeError } from "./transport.ts";

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

const data = workerData as { recipe: DatasetRecipe; progress: SharedArrayBuffer };
const recipe = data.recipe;
// Read by the main thread only to say where a timed-out batch got stuck; plain (non-atomic) stores of
// aligned doubles are enough for a diagnostic.
const progress = new Float64Array(data.progress);
const ready = datasetFromRecipe(recipe) as Promise<MapDataset<unknown>>;
// A failure is reported with each task instead; the catch only keeps it from counting as unhandled.
ready.then(() => (progress[0] = IDLE)).catch(() => {});

function run(ds: MapDataset<unknown>, task: WorkerTask): void {
  const transfer: ArrayBuffer[] = [];
  let reply: WorkerReply;
  progress[0] = task.id;
  progress[1] = -1;
  try {
    const out = fetchBatch(ds, task.indices, task.baseSeed, task.collate, (i) => (progress[1] = i));
    reply = { id: task.id, value: encode(out.value, out.fresh ? transfer : null) };
  } catch (e) {
    reply = { id: task.id, error: serializeError(e) };
  }
  progress[0] = IDLE;
  progress[1] = -1;
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
