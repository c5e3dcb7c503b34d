import { join } from "node:path";
import * as nn from "../nn/index.ts";
import * as optim from "../optim/index.ts";
import { Generator, manualSeed } from "../tensor/random.ts";
import { getBackend } from "../backend/index.ts";
import { loadLast, loadBest, saveBest, saveLast, type ModelMeta } from "./checkpoint.ts";
import type { ResolvedConfig } from "./config.ts";
import { loadTaskData, loader, type TaskData } from "./data.ts";
import { evaluate } from "./evaluate.ts";
import { buildModel } from "./models.ts";
import { plotConfusion, plotCurves, plotFit } from "./plots.ts";
import type { Progress } from "./progress.ts";
import { RunRecord, type EpochMetrics } from "./records.ts";
import { buildOptimizer, buildScheduler, currentLr } from "./setup.ts";

/** The seed's `model` module as a loop: train, validate, keep the best, checkpoint every epoch. */

export interface TrainOptions {
  resume: boolean;
  progress: Progress;
}

export interface RunResult {
  record: RunRecord;
  metrics: EpochMetrics[];
  test: { accuracy?: number; mae?: number; split: string } | null;
}

function prepare(config: ResolvedConfig) {
  manualSeed(config.seed);
  // Splitting and shuffling draw from their own stream, so model init and dropout do not shift them.
  const dataGen = new Generator(config.seed);
  const data = loadTaskData(config, dataGen);
  const outputs = config.task === "classification" ? data.classes.length : 1;
  const model = buildModel(config.model, { input: data.inputShape, outputs });
  const meta: ModelMeta = { model: config.model, task: config.task, classes: data.classes, inputShape: data.inputShape };
  return { dataGen, data, model, meta };
}

const better = (task: ResolvedConfig["task"], a: number, b: number | null) => b === null || (task === "classification" ? a > b : a < b);

export async function train(config: ResolvedConfig, opts: TrainOptions): Promise<RunResult> {
  const { progress } = opts;
  const record = new RunRecord(config);
  record.writeConfig();
  const { dataGen, data, model, meta } = prepare(config);
  const nTrain = data.train.length;
  const stepsPerEpoch = Math.ceil(nTrain / config.batchSize);
  const optimizer = buildOptimizer(config.optimizer, model.parameters());
  const { scheduler, perBatch } = buildScheduler(config.scheduler, optimizer, config.epochs, stepsPerEpoch);
  const lossFn = config.task === "classification" ? new nn.CrossEntropyLoss() : new nn.MSELoss();
  const lastPath = record.path("last.safetensors");

  let startEpoch = 1;
  let bestMetric: number | null = null;
  let metrics: EpochMetrics[] = [];
  const say = (line: string) => {
    record.log(line);
    progress.info(line);
  };
  say(`run ${config.hashId}: ${config.task}, ${data.description}, backend ${getBackend()}`);
  for (const note of config.notes) say(`note: ${note}`);
  if (opts.resume) {
    const state = await loadLast(lastPath, { model, optimizer, scheduler, dataGen });
    if (state) {
      startEpoch = state.epoch + 1;
      bestMetric = state.bestMetric;
      metrics = record.readMetrics().filter((m) => m.epoch <= state.epoch);
      say(`resumed from ${lastPath} after epoch ${state.epoch}`);
    } else say(`no checkpoint at ${lastPath}; starting from scratch`);
  }
  say(`model: ${model.toString().replace(/\n\s*/g, " ")}`);

  // Shuffles and augmentation draw from dataGen, whose state the last checkpoint keeps.
  const trainLoader = loader(data.train, config.batchSize, dataGen);
  for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
    const t0 = performance.now();
    model.train();
    progress.startEpoch(epoch, stepsPerEpoch);
    let lossSum = 0;
    let seen = 0;
    let step = 0;
    for (const [x, y] of trainLoader) {
      const loss = lossFn.forward(model.forward(x), y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      if (perBatch) (scheduler as optim.lrScheduler.LRScheduler).step();
      const m = x.shape[0]!;
      lossSum += loss.item() * m;
      seen += m;
      progress.batch(++step, m, lossSum / seen);
    }
    const lr = currentLr(optimizer);
    const v = evaluate(model, data.valid, config.task, data.classes.length);
    if (scheduler instanceof optim.lrScheduler.ReduceLROnPlateau) scheduler.step(v.loss);
    else if (scheduler && !perBatch) scheduler.step();
    const entry: EpochMetrics = {
      epoch,
      trainLoss: lossSum / seen,
      validLoss: v.loss,
      ...(v.accuracy !== undefined ? { validAccuracy: v.accuracy } : {}),
      ...(v.mae !== undefined ? { validMae: v.mae } : {}),
      lr,
      seconds: (performance.now() - t0) / 1000,
    };
    metrics.push(entry);
    record.writeMetrics(metrics);
    const metric = (v.accuracy ?? v.mae)!;
    if (better(config.task, metric, bestMetric)) {
      bestMetric = metric;
      await saveBest(config.savePath, model, meta, { "kindling.epoch": String(epoch), "kindling.hash_id": config.hashId });
    }
    await saveLast(lastPath, { model, optimizer, scheduler, dataGen, state: { epoch, bestMetric } });
    record.log(`epoch ${epoch}: ${JSON.stringify(entry)}`);
    progress.endEpoch(entry);
  }
  progress.summary(metrics);
  await plotCurves(metrics, config.task, record.dir);
  say(`records in ${record.dir}; best model ${config.savePath}`);
  const test = config.mode === "train_and_test" ? await runTest(config, progress, record, data) : null;
  return { record, metrics, test };
}

/** Evaluates the best saved model on the test split (or the validation split when there is none). */
export async function runTest(config: ResolvedConfig, progress: Progress, record = new RunRecord(config), data?: TaskData): Promise<RunResult["test"]> {
  const prepared = data ? null : prepare(config);
  const d = data ?? prepared!.data;
  const { tensors, meta } = await loadBest(config.savePath);
  const model = buildModel(meta.model, { input: meta.inputShape, outputs: meta.task === "classification" ? meta.classes.length : 1 });
  model.loadStateDict(tensors);
  const split = d.test ?? d.valid;
  const name = d.test ? "test" : "valid (no separate test set)";
  const r = evaluate(model, split, config.task, d.classes.length);
  if (config.task === "classification") {
    await plotConfusion(r.confusion!, d.classes, join(record.dir, "confusion.svg"));
    const line = `test accuracy ${(100 * r.accuracy!).toFixed(2)}% on ${split.length} ${name} samples`;
    record.log(line);
    progress.final(line, { split: name, accuracy: r.accuracy, loss: r.loss });
    return { accuracy: r.accuracy!, split: name };
  }
  const xs = r.inputs!;
  await plotFit(xs, r.predictions!, xs.map(Math.sin), join(record.dir, "fit.svg"));
  const line = `test mean absolute error ${r.mae!.toExponential(3)} on ${split.length} ${name} points`;
  record.log(line);
  progress.final(line, { split: name, mae: r.mae, loss: r.loss });
  return { mae: r.mae!, split: name };
}
