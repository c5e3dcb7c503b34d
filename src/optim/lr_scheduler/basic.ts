/**
 * StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR and LambdaLR, with PyTorch 1.13's chainable
 * get_lr (computed from the groups' current lr) and closed forms (used by step(epoch)). Expressions
 * keep PyTorch's operation order so the values match bit for bit where libm agrees.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import { type JSONValue, LRScheduler, type SchedulerStateDict, checkSchedulerArgs, numberField, positiveInt } from "./scheduler.ts";

export interface StepLROptions {
  stepSize: number;
  gamma?: number;
  lastEpoch?: number;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, opts: StepLROptions) {
    checkSchedulerArgs("StepLR()", arguments, { stepSize: "number", gamma: "number" }, 1);
    const { stepSize, gamma = 0.1, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch, "stepSize gamma");
    this.stepSize = positiveInt(stepSize, "step_size");
    this.gamma = gamma;
    this.initialStep();
  }

  getLr(): number[] {
    return this.scaled(this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0 ? 1 : this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

}

export interface MultiStepLROptions {
  /** Epochs at which the lr is multiplied by gamma; a repeated milestone applies gamma that many times. */
  milestones: readonly number[];
  gamma?: number;
  lastEpoch?: number;
}

export class MultiStepLR extends LRScheduler {
  /** Milestone -> multiplicity (PyTorch's Counter). */
  milestones: Map<number, number>;
  gamma: number;

  constructor(optimizer: Optimizer, opts: MultiStepLROptions) {
    checkSchedulerArgs("MultiStepLR()", arguments, { milestones: "int[]", gamma: "number" }, 1);
    const { milestones, gamma = 0.1, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch, "gamma");
    this.milestones = new Map();
    for (const m of milestones) this.milestones.set(m, (this.milestones.get(m) ?? 0) + 1);
    this.gamma = gamma;
    this.initialStep();
  }

  getLr(): number[] {
    const count = this.milestones.get(this.lastEpoch);
    return this.scaled(count === undefined ? 1 : this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    let passed = 0; // bisect_right over the sorted milestones, with multiplicity
    for (const [m, c] of this.milestones) if (m <= this.lastEpoch) passed += c;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }

  protected override hyperParams(): SchedulerStateDict {
    const counter: Record<string, number> = {};
    for (const [m, c] of [...this.milestones].sort((a, b) => a[0] - b[0])) counter[m] = c;
    return { ...super.hyperParams(), milestones: counter };
  }

  protected override loadHyperParams(sd: SchedulerStateDict): void {
    const m = sd.milestones;
    if (m === null || typeof m !== "object" || Array.isArray(m)) throw new ArgumentError('scheduler state dict: "milestones" must be an object of counts');
    const map = new Map<number, number>();
    for (const [k, c] of Object.entries(m)) map.set(Number(k), numberField(c, `milestones.${k}`));
    super.loadHyperParams(sd);
    this.milestones = map;
  }
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, opts: { gamma: number; lastEpoch?: number }) {
    checkSchedulerArgs("ExponentialLR()", arguments, { gamma: "number" }, 1);
    const { gamma, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch, "gamma");
    this.gamma = gamma;
    this.initialStep();
  }

  getLr(): number[] {
    return this.scaled(this.lastEpoch === 0 ? 1 : this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }

}

export interface CosineAnnealingLROptions {
  /** Half-period in epochs (PyTorch's T_max). */
  tMax: number;
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * Cosine annealing from the initial lr to etaMin over tMax epochs (and back up, periodically, past
 * tMax), in PyTorch's recursive form: each value is derived from the group's current lr.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, opts: CosineAnnealingLROptions) {
    checkSchedulerArgs("CosineAnnealingLR()", arguments, { tMax: "number", etaMin: "number" }, 1);
    const { tMax, etaMin = 0, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch, "tMax=T_max etaMin");
    this.tMax = positiveInt(tMax, "T_max");
    this.etaMin = etaMin;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return this.scaled();
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((b) => etaMin + (b - etaMin) * (1 + Math.cos((e * Math.PI) / T)) / 2);
    }
    if ((e - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T)) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)) / 2);
  }

}

export type LrLambda = (epoch: number) => number;

/** lr = initial lr * lrLambda(epoch); one function for all groups or one per group. */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, opts: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number }) {
    checkSchedulerArgs("LambdaLR()", arguments, { lrLambda: "any" }, 1);
    const { lrLambda, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch);
    const n = optimizer.paramGroups.length;
    if (typeof lrLambda === "function") {
      this.lrLambdas = new Array<LrLambda>(n).fill(lrLambda);
    } else {
      if (!Array.isArray(lrLambda) || lrLambda.length !== n) {
        throw new ArgumentError(`Expected ${n} lr_lambdas, but got ${Array.isArray(lrLambda) ? lrLambda.length : typeof lrLambda}`);
      }
      this.lrLambdas = [...lrLambda];
    }
    this.initialStep();
  }

  getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }

  /** Functions are not state: as in PyTorch, they are saved as null and kept on load. */
  protected override hyperParams(): SchedulerStateDict {
    return { lr_lambdas: this.lrLambdas.map((): JSONValue => null) };
  }
}
