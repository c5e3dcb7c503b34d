import * as optim from "../optim/index.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { ResolvedConfig } from "./config.ts";

/** Optimizers and schedulers from config entries (names are lower-case keys of torch.optim classes). */

export function buildOptimizer(c: ResolvedConfig["optimizer"], params: Tensor[]): optim.Optimizer {
  const wd = c.weightDecay ?? 0;
  switch (c.name) {
    case "sgd":
      return new optim.SGD(params, { lr: c.lr, momentum: c.momentum ?? 0, nesterov: c.nesterov ?? false, weightDecay: wd });
    case "adam":
      return new optim.Adam(params, { lr: c.lr, weightDecay: wd, ...(c.betas ? { betas: c.betas } : {}) });
    case "adamw":
      return new optim.AdamW(params, { lr: c.lr, weightDecay: c.weightDecay ?? 1e-2, ...(c.betas ? { betas: c.betas } : {}) });
    case "rmsprop":
      return new optim.RMSprop(params, { lr: c.lr, momentum: c.momentum ?? 0, weightDecay: wd });
    case "adagrad":
      return new optim.Adagrad(params, { lr: c.lr, weightDecay: wd });
    case "adadelta":
      return new optim.Adadelta(params, { lr: c.lr, weightDecay: wd });
    case "nadam":
      return new optim.NAdam(params, { lr: c.lr, weightDecay: wd, ...(c.betas ? { betas: c.betas } : {}) });
    case "radam":
      return new optim.RAdam(params, { lr: c.lr, weightDecay: wd, ...(c.betas ? { betas: c.betas } : {}) });
  }
}

export type Scheduler = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;

export interface ScheduleInfo {
  scheduler: Scheduler | null;
  /** OneCycle steps every batch; the others every epoch. */
  perBatch: boolean;
}

export function buildScheduler(c: ResolvedConfig["scheduler"], opt: optim.Optimizer, epochs: number, stepsPerEpoch: number): ScheduleInfo {
  const S = optim.lrScheduler;
  if (!c) return { scheduler: null, perBatch: false };
  switch (c.name) {
    case "step":
      return { scheduler: new S.StepLR(opt, { stepSize: c.stepSize, gamma: c.gamma ?? 0.1 }), perBatch: false };
    case "multistep":
      return { scheduler: new S.MultiStepLR(opt, { milestones: c.milestones, gamma: c.gamma ?? 0.1 }), perBatch: false };
    case "exponential":
      return { scheduler: new S.ExponentialLR(opt, { gamma: c.gamma }), perBatch: false };
    case "cosine":
      return { scheduler: new S.CosineAnnealingLR(opt, { tMax: epochs, etaMin: c.etaMin ?? 0 }), perBatch: false };
    case "onecycle": {
      // Adagrad has no momentum to cycle; OneCycleLR would refuse it, so only its learning rate cycles.
      const cycleMomentum = "momentum" in opt.defaults || "betas" in opt.defaults;
      return { scheduler: new S.OneCycleLR(opt, { maxLr: c.maxLr, epochs, stepsPerEpoch, pctStart: c.pctStart ?? 0.3, cycleMomentum }), perBatch: true };
    }
    case "plateau":
      return { scheduler: new S.ReduceLROnPlateau(opt, { factor: c.factor ?? 0.1, patience: c.patience ?? 10 }), perBatch: false };
    case "linear":
      return { scheduler: new S.LinearLR(opt, { startFactor: c.startFactor ?? 1 / 3, endFactor: c.endFactor ?? 1, totalIters: c.totalIters ?? 5 }), perBatch: false };
    case "warmRestarts":
      return { scheduler: new S.CosineAnnealingWarmRestarts(opt, { t0: c.t0, tMult: c.tMult ?? 1, etaMin: c.etaMin ?? 0 }), perBatch: false };
    case "cyclic": {
      // CyclicLR cycles momentum by default, which needs an optimizer that has one.
      const cycleMomentum = "momentum" in opt.defaults && Number(opt.defaults["momentum"]) > 0;
      return { scheduler: new S.CyclicLR(opt, { baseLr: c.baseLr, maxLr: c.maxLr, stepSizeUp: c.stepSizeUp ?? 2000, mode: c.mode ?? "triangular", gamma: c.gamma ?? 1, cycleMomentum }), perBatch: true };
    }
    case "warmupCosine": {
      // Per optimizer step: linear from 0 to lr over warmupSteps, then a half cosine down to 0 at the last step.
      const total = epochs * stepsPerEpoch;
      const warm = Math.min(c.warmupSteps, total);
      const lrLambda = (step: number) =>
        step < warm ? (step + 1) / (warm + 1) : 0.5 * (1 + Math.cos((Math.PI * (step - warm)) / Math.max(1, total - warm)));
      return { scheduler: new S.LambdaLR(opt, { lrLambda }), perBatch: true };
    }
  }
}

export function currentLr(opt: optim.Optimizer): number {
  return Number(opt.paramGroups[0]!.lr);
}
