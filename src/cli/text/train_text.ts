import { getBackend } from "../../backend/index.ts";
import { noGrad } from "../../autograd/grad_mode.ts";
import { existsSync } from "node:fs";
import { FileError, FormatError, NonFiniteError } from "../../errors.ts";
import { crossEntropy } from "../../nn/functional/index.ts";
import { clipGradNorm_ } from "../../nn/utils/clip_grad.ts";
import * as optim from "../../optim/index.ts";
import { Generator, manualSeed } from "../../tensor/random.ts";
import { checkModelFits } from "../budget.ts";
import { loadBest, loadLast, type ModelMeta } from "../checkpoint.ts";
import { closeEpoch } from "../epoch_end.ts";
import type { ResolvedConfig } from "../config.ts";
import { diverged } from "../epoch.ts";
import { describeNonFinite, firstNonFinite } from "../guard.ts";
import { plotCurves } from "../plots.ts";
import type { Progress } from "../progress.ts";
import { ensureOutputFile } from "../paths.ts";
import { RunRecord, type EpochMetrics } from "../records.ts";
import { buildOptimizer, buildScheduler, currentLr } from "../setup.ts";
import { sampleText } from "./generate.ts";
import { loadTextData, randomBatch, sequentialBatches, type TextData } from "./text_data.ts";
import { buildTextModel, type TextModel, type TextModelConfig } from "./text_models.ts";

/**
 * Task "charlm": next-character prediction. An epoch is stepsPerEpoch steps on random windows of the
 * training text; validation is the mean cross-entropy per character over a fixed prefix of the
 * validation text, reported in bits per character (nats / ln 2). The best model is the lowest.
 */

const LN2 = Math.log(2);

export interface TextRunResult {
  record: RunRecord;
  metrics: EpochMetrics[];
  test: { bpc: number; split: string; sample: string } | null;
}

/** Mean loss per character (nats) of the model over the evaluated validation prefix. */
export function validationLoss(model: TextModel, data: TextData, batch = 32): number {
  const was = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let sum = 0;
      let n = 0;
      for (const [x, y] of sequentialBatches(data.valid, data.validChars, batch, data.seqLen)) {
        const logits = model.forward(x);
        const v = logits.shape[2]!;
        sum += crossEntropy(logits.reshape(-1, v), y.reshape(-1), { reduction: "sum" }).item();
        n += y.numel();
      }
      return sum / n;
    });
  } finally {
    model.train(was);
  }
}

/** "The " when the text has those characters, else the validation text's first four. */
function defaultPrompt(data: TextData): string {
  return [..."The "].every((c) => data.vocab.has(c)) ? "The " : data.vocab.decode(data.valid.subarray(0, 4));
}

export function textMeta(config: ResolvedConfig, data: TextData): ModelMeta {
  return { model: config.model, task: "charlm", classes: [...data.vocab.chars], inputShape: [data.seqLen] };
}

export async function trainText(config: ResolvedConfig, opts: { resume: boolean; allowNonfinite?: boolean; progress: Progress }): Promise<TextRunResult> {
  const { progress } = opts;
  const allowNonfinite = opts.allowNonfinite ?? false;
  const record = new RunRecord(config);
  // As the image tasks' openRecord: a savePath that is a device or a folder is refused before any write
  // (the atomic rename would otherwise replace /dev/zero itself when run as root).
  ensureOutputFile(config.savePath, "savePath");
  const say = (line: string) => {
    record.log(line);
    progress.info(line);
  };
  const removed = record.removeStaleTemps();
  record.writeConfig();
  if (removed.length) record.log(`removed ${removed.length} temp file(s) left by a killed write: ${removed.join(", ")}`);

  manualSeed(config.seed);
  const dataGen = new Generator(config.seed);
  const data = loadTextData(config);
  const big = checkModelFits(config, [data.seqLen], data.vocab.size, config.batchSize);
  if (big) say(big);
  const model = buildTextModel(config.model as TextModelConfig, data.vocab.size, data.seqLen);
  const meta = textMeta(config, data);
  const stepsPerEpoch = config.stepsPerEpoch ?? Math.max(1, Math.floor(data.train.length / (config.batchSize * data.seqLen)));
  const optimizer = buildOptimizer(config.optimizer, model.parameters());
  const { scheduler, perBatch } = buildScheduler(config.scheduler, optimizer, config.epochs, stepsPerEpoch);
  const lastPath = record.path("last.safetensors");
  say(`run ${config.hashId}: charlm, ${data.description}, backend ${getBackend()}`);

  let startEpoch = 1;
  let best: number | null = null;
  let metrics: EpochMetrics[] = [];
  if (opts.resume) {
    const state = await loadLast(lastPath, config, { model, optimizer, scheduler, dataGen }, { allowNonfinite });
    if (state) {
      startEpoch = state.epoch + 1;
      best = state.bestMetric;
      metrics = record.readMetrics().filter((m) => m.epoch <= state.epoch);
      say(`resumed from ${lastPath} after epoch ${state.epoch}`);
    } else say(`no checkpoint at ${lastPath}; starting from scratch`);
  }
  const nParams = model.parameters().reduce((n, p) => n + p.numel(), 0);
  say(`model: ${nParams} parameters; ${model.toString().replace(/\n\s*/g, " ")}`);

  try {
    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
      const t0 = performance.now();
      model.train();
      progress.startEpoch(epoch, stepsPerEpoch);
      let sum = 0;
      for (let step = 1; step <= stepsPerEpoch; step++) {
        const [x, y] = randomBatch(data.train, config.batchSize, data.seqLen, dataGen);
        const logits = model.forward(x);
        const loss = crossEntropy(logits.reshape(-1, data.vocab.size), y.reshape(-1));
        const value = loss.item();
        if (!Number.isFinite(value) && !allowNonfinite) throw diverged(epoch, step, `the training loss is ${value}`, currentLr(optimizer));
        optimizer.zeroGrad();
        loss.backward();
        if (config.gradClip !== null) clipGradNorm_(model.parameters(), config.gradClip);
        optimizer.step();
        if (perBatch && scheduler && !(scheduler instanceof optim.lrScheduler.ReduceLROnPlateau)) scheduler.step();
        sum += value;
        progress.batch(step, config.batchSize, sum / step);
      }
      const lr = currentLr(optimizer);
      const bad = firstNonFinite(model.namedParameters());
      if (bad && !allowNonfinite) throw diverged(epoch, stepsPerEpoch, `weight ${describeNonFinite(bad)} after the last step`, lr);
      const validLoss = validationLoss(model, data);
      if (!Number.isFinite(validLoss) && !allowNonfinite) throw diverged(epoch, stepsPerEpoch, `the validation loss is ${validLoss}`, lr);
      if (scheduler instanceof optim.lrScheduler.ReduceLROnPlateau) scheduler.step(validLoss);
      else if (scheduler && !perBatch) scheduler.step();
      const entry: EpochMetrics = { epoch, trainLoss: sum / stepsPerEpoch, validLoss, validBpc: validLoss / LN2, lr, seconds: (performance.now() - t0) / 1000 };
      const improved = bad === null && Number.isFinite(validLoss) && (best === null || validLoss < best);
      best = await closeEpoch({ config, record, progress, lastPath, meta }, { model, optimizer, scheduler, dataGen }, metrics, entry, validLoss, improved, best);
    }
  } catch (e) {
    if (e instanceof NonFiniteError) record.log(`stopped: ${e.message}`);
    throw e;
  } finally {
    progress.abort();
  }
  progress.summary(metrics);
  await plotCurves(metrics, "charlm", record.dir);
  say(`records in ${record.dir}; best model ${config.savePath}`);
  if (config.mode !== "train_and_test") return { record, metrics, test: null };
  if (best === null) throw new NonFiniteError(`no epoch of this run gave a finite model, so none was saved to ${config.savePath}; try a smaller learning rate (optimizer.lr)`);
  // The sample comes from the best model, the one a later `kindling generate` would load.
  model.loadStateDict((await loadBest(config.savePath, { allowNonfinite })).tensors);
  const sample = sampleText(model, data.vocab, { prompt: defaultPrompt(data), tokens: 200, temperature: 0.8, topK: 40, generator: new Generator(config.seed) });
  say(`sample: ${JSON.stringify(sample)}`);
  const line = `best valid ${(best / LN2).toFixed(4)} bits per character on ${data.validChars} validation characters (no separate test text)`;
  record.log(line);
  progress.final(line, { split: "valid", bpc: best / LN2, loss: best });
  return { record, metrics, test: { bpc: best / LN2, split: "valid", sample } };
}

/** `kindling test` of a charlm config: the saved best model's bits per character on the validation text. */
export async function testText(config: ResolvedConfig, progress: Progress, opts: { allowNonfinite?: boolean } = {}): Promise<TextRunResult["test"]> {
  if (!existsSync(config.savePath)) {
    throw new FileError(`${config.savePath}: no saved model to test; mode "test" evaluates the model a training run saved (train first, e.g. with mode "train_and_test")`);
  }
  const data = loadTextData(config);
  const { tensors, meta } = await loadBest(config.savePath, opts);
  if (meta.task !== "charlm" || meta.classes.join("") !== data.vocab.chars.join("") || meta.inputShape[0] !== data.seqLen) {
    throw new FormatError(`${config.savePath}: this model was trained for another task, vocabulary or seqLen than the config's (savePath points at another run's model?)`);
  }
  const model = buildTextModel(config.model as TextModelConfig, data.vocab.size, data.seqLen);
  model.loadStateDict(tensors);
  const loss = validationLoss(model, data);
  const sample = sampleText(model, data.vocab, { prompt: defaultPrompt(data), tokens: 200, temperature: 0.8, topK: 40, generator: new Generator(config.seed) });
  progress.info(`sample: ${JSON.stringify(sample)}`);
  const line = `valid ${(loss / LN2).toFixed(4)} bits per character on ${data.validChars} validation characters (no separate test text)`;
  progress.final(line, { split: "valid", bpc: loss / LN2, loss });
  return { bpc: loss / LN2, split: "valid", sample };
}
