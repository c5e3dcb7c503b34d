import { existsSync } from "node:fs";
import { join } from "node:path";
import { FileError, FormatError, NonFiniteError } from "../errors.ts";
import * as nn from "../nn/index.ts";
import { Generator, manualSeed } from "../tensor/random.ts";
import { getBackend } from "../backend/index.ts";
import { checkDataFits, checkModelFits, shapeFromConfig } from "./budget.ts";
import { loadLast, loadBest, type ModelMeta } from "./checkpoint.ts";
import { closeEpoch } from "./epoch_end.ts";
import type { ResolvedConfig } from "./config.ts";
import { loadTaskData, loader, type TaskData } from "./data.ts";
import { type EpochContext, runEpoch } from "./epoch.ts";
import { evaluate } from "./evaluate.ts";
import { buildModel, buildSavedModel } from "./models.ts";
import { ensureFolder, ensureOutputFile } from "./paths.ts";
import { plotConfusion, plotCurves, plotFit } from "./plots.ts";
import type { Progress } from "./progress.ts";
import { RunRecord, type EpochMetrics } from "./records.ts";
import { buildOptimizer, buildScheduler } from "./setup.ts";

/** The seed's `model` module as a loop: train, validate, keep the best, checkpoint every epoch. */

export interface TrainOptions {
  resume: boolean;
  /** Keep training when the loss or a weight is NaN or infinite (such a model is still never saved as best). */
  allowNonfinite?: boolean;
  progress: Progress;
}

export interface RunResult {
  record: RunRecord;
  metrics: EpochMetrics[];
  test: { accuracy?: number; mae?: number; split: string } | null;
}

function prepare(config: ResolvedConfig, note: (line: string) => void = () => {}) {
  manualSeed(config.seed);
  // Splitting and shuffling draw from their own stream, so model init and dropout do not shift them.
  const dataGen = new Generator(config.seed);
  checkDataFits(config);
  const expected = shapeFromConfig(config);
  checkModelFits(config, expected.input, expected.outputs, null);
  const data = loadTaskData(config, dataGen);
  const outputs = config.task === "classification" ? data.classes.length : 1;
  const big = checkModelFits(config, data.inputShape, outputs, data.train.length);
  if (big) note(big);
  const model = buildModel(config.model, { input: data.inputShape, outputs });
  const meta: ModelMeta = { model: config.model, task: config.task, classes: data.classes, inputShape: data.inputShape };
  return { dataGen, data, model, meta };
}

const better = (task: ResolvedConfig["task"], a: number, b: number | null) => b === null || (task === "classification" ? a > b : a < b);

/** The output locations, made and checked before any work, and the leftovers of a killed run removed. */
function openRecord(config: ResolvedConfig): { record: RunRecord; removed: string[] } {
  const record = new RunRecord(config);
  ensureOutputFile(config.savePath, "savePath");
  if (config.data.source === "folder") ensureFolder(join(config.recordPath, "cache"), "recordPath");
  return { record, removed: record.removeStaleTemps() };
}

export async function train(config: ResolvedConfig, opts: TrainOptions): Promise<RunResult> {
  const { progress } = opts;
  const allowNonfinite = opts.allowNonfinite ?? false;
  const { record, removed } = openRecord(config);
  record.writeConfig();
  if (removed.length) record.log(`removed ${removed.length} temp file(s) left by a killed write: ${removed.join(", ")}`);
  const { dataGen, data, model, meta } = prepare(config, (line) => {
    record.log(line);
    progress.info(line);
  });
  const stepsPerEpoch = Math.ceil(data.train.length / config.batchSize);
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
    const state = await loadLast(lastPath, config, { model, optimizer, scheduler, dataGen }, { allowNonfinite });
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
  const ctx: EpochContext = { config, data, model, optimizer, scheduler, perBatch, lossFn, trainLoader, stepsPerEpoch, allowNonfinite, progress, say };
  try {
    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      const { entry, metric, finite } = runEpoch(ctx, epoch);
      if (!finite) say(`epoch ${epoch}: the model is not finite; not saved as best (--allow-nonfinite)`);
      const improved = finite && better(config.task, metric, bestMetric);
      bestMetric = await closeEpoch({ config, record, progress, lastPath, meta }, { model, optimizer, scheduler, dataGen }, metrics, entry, metric, improved, bestMetric);
    }
  } catch (e) {
    if (e instanceof NonFiniteError) record.log(`stopped: ${e.message}`);
    throw e;
  } finally {
    progress.abort();
  }
  progress.summary(metrics);
  await plotCurves(metrics, config.task, record.dir);
  say(`records in ${record.dir}; best model ${config.savePath}`);
  if (config.mode === "train_and_test" && bestMetric === null) {
    throw new NonFiniteError(`no epoch of this run gave a finite model, so none was saved to ${config.savePath} and there is nothing to test; try a smaller learning rate (optimizer.lr)`);
  }
  const test = config.mode === "train_and_test" ? await runTest(config, progress, { allowNonfinite }, record, data) : null;
  return { record, metrics, test };
}

/** Evaluates the best saved model on the test split (or the validation split when there is none). */
export async function runTest(config: ResolvedConfig, progress: Progress, opts: { allowNonfinite?: boolean } = {}, record?: RunRecord, data?: TaskData): Promise<RunResult["test"]> {
  if (!existsSync(config.savePath)) {
    throw new FileError(`${config.savePath}: no saved model to test; mode "test" evaluates the model a training run saved (train first, e.g. with mode "train_and_test")`);
  }
  record ??= openRecord(config).record;
  const prepared = data ? null : prepare(config);
  const d = data ?? prepared!.data;
  const { tensors, meta } = await loadBest(config.savePath, opts);
  if (meta.task !== config.task || meta.classes.join("\0") !== d.classes.join("\0")) {
    throw new FormatError(`${config.savePath}: this model was trained for another task or other classes than the config's data (savePath points at another run's model?)`);
  }
  const model = buildSavedModel(config.savePath, tensors, meta);
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
