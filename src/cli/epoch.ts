import { NonFiniteError } from "../errors.ts";
import type * as nn from "../nn/index.ts";
import * as optim from "../optim/index.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { DataLoader } from "../utils/data/dataloader.ts";
import type { ResolvedConfig } from "./config.ts";
import type { Sample, TaskData } from "./data.ts";
import { evaluate } from "./evaluate.ts";
import { describeNonFinite, firstNonFinite } from "./guard.ts";
import type { Progress } from "./progress.ts";
import type { EpochMetrics } from "./records.ts";
import { currentLr, type Scheduler } from "./setup.ts";

/**
 * One epoch of training and validation, with the numerical guard: the loss is checked at every step
 * before it reaches the weights, the weights and the validation loss once per epoch. A non-finite value
 * stops the run with a NonFiniteError naming the epoch and step, unless --allow-nonfinite asked to go on.
 */

export interface EpochContext {
  config: ResolvedConfig;
  data: TaskData;
  model: nn.Sequential;
  optimizer: optim.Optimizer;
  scheduler: Scheduler | null;
  /** OneCycle steps every batch; the others every epoch. */
  perBatch: boolean;
  lossFn: nn.CrossEntropyLoss | nn.MSELoss;
  trainLoader: DataLoader<Sample, [Tensor, Tensor]>;
  stepsPerEpoch: number;
  allowNonfinite: boolean;
  progress: Progress;
  /** A line for the log and the user. */
  say: (line: string) => void;
}

export interface EpochResult {
  entry: EpochMetrics;
  /** Validation accuracy (classification) or MAE (regression). */
  metric: number;
  /** False only under --allow-nonfinite: this model must not be saved as best. */
  finite: boolean;
}

/** A diverged run, stopped before anything non-finite is saved. */
export function diverged(epoch: number, step: number, what: string, lr: number): NonFiniteError {
  return new NonFiniteError(
    `epoch ${epoch}, step ${step}: ${what}; the run diverged and was stopped (nothing non-finite was saved). ` +
      `Try a smaller learning rate (optimizer.lr; it was ${lr.toPrecision(3)} here), or pass --allow-nonfinite to keep going`,
  );
}

export function runEpoch(ctx: EpochContext, epoch: number): EpochResult {
  const { config, model, optimizer, scheduler, perBatch, progress, allowNonfinite } = ctx;
  const t0 = performance.now();
  model.train();
  progress.startEpoch(epoch, ctx.stepsPerEpoch);
  let lossSum = 0;
  let seen = 0;
  let step = 0;
  let warned = false;
  for (const [x, y] of ctx.trainLoader) {
    const loss = ctx.lossFn.forward(model.forward(x), y);
    // Read before the step, so that a NaN loss stops the run before it reaches the weights.
    const value = loss.item();
    step++;
    if (!Number.isFinite(value)) {
      if (!allowNonfinite) throw diverged(epoch, step, `the training loss is ${value}`, currentLr(optimizer));
      if (!warned) ctx.say(`epoch ${epoch}, step ${step}: the training loss is ${value}; going on (--allow-nonfinite)`);
      warned = true;
    }
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (perBatch) (scheduler as optim.lrScheduler.LRScheduler).step();
    const m = x.shape[0]!;
    lossSum += value * m;
    seen += m;
    progress.batch(step, m, lossSum / seen);
  }
  const lr = currentLr(optimizer);
  // A step can overflow the weights even when the loss it came from was finite.
  const badWeight = firstNonFinite(model.namedParameters());
  if (badWeight && !allowNonfinite) throw diverged(epoch, step, `weight ${describeNonFinite(badWeight)} after the last step`, lr);
  const v = evaluate(model, ctx.data.valid, config.task, ctx.data.classes.length);
  const metric = (v.accuracy ?? v.mae)!;
  const finite = badWeight === null && Number.isFinite(v.loss) && Number.isFinite(metric);
  if (!finite && !allowNonfinite) throw diverged(epoch, step, `the validation loss is ${v.loss}`, lr);
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
  return { entry, metric, finite };
}
