/**
 * The training Worker: fetches MNIST (datasets.MNIST.fromUrl), trains a preset with kindling's wasm backend (threads over
 * shared memory when the page is cross-origin isolated; a Worker may wait on them, a page may not) and
 * streams progress and weight snapshots to the page through exposeWorker.
 */
import * as torch from "../src/index.browser.ts";
import type { WorkerCallContext } from "../src/platform/worker_rpc.ts";
import { PRESETS, describeSpec, saveModel } from "./models.ts";
import { Trainer, mnistArrays, type MnistArrays } from "./train.ts";

export interface Env {
  backend: string;
  threads: number;
  isolated: boolean;
  cores: number;
}

export type Report =
  | { kind: "data"; loaded: number; total: number }
  | { kind: "progress"; step: number; totalSteps: number; epoch: number; loss: number; accuracy: number; seconds: number; threads: number }
  | { kind: "eval"; step: number; epoch: number; accuracy: number; loss: number; weights: Uint8Array };

export interface TrainResult {
  accuracy: number;
  seconds: number;
  steps: number;
  stopped: boolean;
  threads: number;
  weights: Uint8Array;
}

let data: { train: MnistArrays; test: MnistArrays } | null = null;
let stopping = false;
const yieldToMessages = () => new Promise<void>((r) => setTimeout(r, 0));

const api = {
  async init(): Promise<Env> {
    await torch.ready();
    return {
      backend: torch.getBackend(),
      threads: torch.getNumThreads(),
      isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
      cores: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
    };
  },

  /** Loads MNIST from `base`, a folder URL with torchvision's file names (gzipped IDX), via datasets.MNIST.fromUrl. */
  async loadData(this: WorkerCallContext, base: string): Promise<{ train: number; test: number }> {
    if (!data) {
      let loaded = 0;
      const split = async (train: boolean) => {
        const ds = await torch.datasets.MNIST.fromUrl(base, { train });
        this.report({ kind: "data", loaded: ++loaded, total: 2 } satisfies Report);
        return mnistArrays(ds);
      };
      const [train, test] = await Promise.all([split(true), split(false)]);
      data = { train, test };
    }
    return { train: data.train.count, test: data.test.count };
  },

  /** Trains a preset from scratch; reports progress about 6 times a second and each evaluation. */
  async train(this: WorkerCallContext, presetId: string, opts: { epochs?: number; seed?: number } = {}): Promise<TrainResult> {
    if (!data) throw new torch.ArgumentError("train(): call loadData() first");
    const base = PRESETS.find((p) => p.id === presetId);
    if (!base) throw new torch.ArgumentError(`train(): no preset '${presetId}' (presets: ${PRESETS.map((p) => p.id).join(", ")})`);
    const preset = { ...base, epochs: opts.epochs ?? base.epochs };
    stopping = false;
    const trainer = new Trainer(preset, data.train, data.test, opts.seed ?? 0);
    const t0 = performance.now();
    let lastReport = t0, lossSum = 0, correct = 0, seen = 0, batches = 0;
    let accuracy = 0;
    while (!trainer.done && !stopping) {
      const r = trainer.trainStep();
      lossSum += r.loss;
      batches++;
      correct += r.correct;
      seen += r.size;
      const now = performance.now();
      if (now - lastReport > 150 || trainer.evalDue) {
        this.report({
          kind: "progress", step: trainer.step, totalSteps: trainer.totalSteps, epoch: trainer.epoch,
          loss: lossSum / batches, accuracy: correct / seen, seconds: (now - t0) / 1000, threads: torch.getNumThreads(),
        } satisfies Report);
        lossSum = correct = seen = batches = 0;
        lastReport = now;
        await yieldToMessages();
      }
      if (trainer.evalDue) {
        const e = trainer.evaluate();
        accuracy = e.accuracy;
        const weights = await saveModel(trainer.model, preset.spec);
        this.report({ kind: "eval", step: trainer.step, epoch: trainer.epoch, accuracy: e.accuracy, loss: e.loss, weights } satisfies Report);
      }
    }
    if (stopping) accuracy = trainer.evaluate().accuracy;
    const seconds = (performance.now() - t0) / 1000;
    const weights = await saveModel(trainer.model, preset.spec, {
      "playground.testAccuracy": accuracy.toFixed(4),
      "playground.trainedSteps": String(trainer.step),
      "playground.description": describeSpec(preset.spec),
    });
    return { accuracy, seconds, steps: trainer.step, stopped: stopping, threads: torch.getNumThreads(), weights };
  },

  /** Ends a running train() after its current step (it still returns the model so far). */
  stop(): void {
    stopping = true;
  },
};

export type PlaygroundApi = typeof api;
torch.exposeWorker(api);
