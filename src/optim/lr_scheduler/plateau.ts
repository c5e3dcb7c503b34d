/**
 * ReduceLROnPlateau (PyTorch 1.13): multiplies the lr by `factor` when a metric has not improved for
 * more than `patience` steps, then waits `cooldown` steps before counting again. Improvement is
 * relative (best * (1 -/+ threshold)) or absolute (best -/+ threshold) in mode min/max. A reduction
 * smaller than `eps` is skipped; lrs never go below minLr.
 */
import { ArgumentError } from "../../errors.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { Optimizer } from "../optimizer.ts";
import { type SchedulerStateDict, checkOptimizer, checkSchedulerArgs, numberArray, numberField } from "./scheduler.ts";

export type PlateauMode = "min" | "max";
export type ThresholdMode = "rel" | "abs";

export interface ReduceLROnPlateauOptions {
  mode?: PlateauMode;
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: ThresholdMode;
  cooldown?: number;
  minLr?: number | readonly number[];
  eps?: number;
}

const PLATEAU_OPTIONS = {
  mode: "string", factor: "number", patience: "number", threshold: "number", thresholdMode: "string", cooldown: "number",
  minLr: "numbers", eps: "number",
} as const;

function checkModes(mode: unknown, thresholdMode: unknown): void {
  if (mode !== "min" && mode !== "max") throw new ArgumentError(`mode ${String(mode)} is unknown!`);
  if (thresholdMode !== "rel" && thresholdMode !== "abs") throw new ArgumentError(`threshold mode ${String(thresholdMode)} is unknown!`);
}

export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  factor: number;
  minLrs: number[];
  patience: number;
  cooldown: number;
  cooldownCounter = 0;
  mode: PlateauMode;
  threshold: number;
  thresholdMode: ThresholdMode;
  /** Best metric so far; starts at the worst value for the mode (±Infinity). */
  best: number;
  numBadEpochs = 0;
  eps: number;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer, opts: ReduceLROnPlateauOptions = {}) {
    checkSchedulerArgs("ReduceLROnPlateau()", arguments, PLATEAU_OPTIONS, "mode");
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 } = opts;
    if (!(factor < 1.0)) throw new ArgumentError("Factor should be < 1.0.");
    this.optimizer = checkOptimizer(optimizer);
    const n = optimizer.paramGroups.length;
    if (typeof minLr === "number") this.minLrs = new Array<number>(n).fill(minLr);
    else {
      if (minLr.length !== n) throw new ArgumentError(`expected ${n} min_lrs, got ${minLr.length}`);
      this.minLrs = [...minLr];
    }
    checkModes(mode, thresholdMode);
    this.factor = factor;
    this.patience = patience;
    this.cooldown = cooldown;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private get modeWorse(): number {
    return this.mode === "min" ? Infinity : -Infinity;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  isBetter(a: number, best: number): boolean {
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === "rel" ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if it plateaued. */
  step(metric: number | Tensor, epoch?: number): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== "number") throw new ArgumentError(`ReduceLROnPlateau.step() expects a number or a one-element Tensor, got ${typeof metric}`);
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const old = g.lr;
      const next = Math.max(old * this.factor, this.minLrs[i]!);
      if (old - next > this.eps) g.lr = next;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** PyTorch's attribute names. `best`/`mode_worse` may be ±Infinity (save() stores those exactly). */
  stateDict(): SchedulerStateDict {
    return {
      factor: this.factor,
      min_lrs: [...this.minLrs],
      patience: this.patience,
      verbose: false,
      cooldown: this.cooldown,
      cooldown_counter: this.cooldownCounter,
      mode: this.mode,
      threshold: this.threshold,
      threshold_mode: this.thresholdMode,
      best: this.best,
      num_bad_epochs: this.numBadEpochs,
      mode_worse: this.modeWorse,
      eps: this.eps,
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    if (sd === null || typeof sd !== "object" || Array.isArray(sd)) throw new ArgumentError("scheduler state dict must be an object");
    checkModes(sd.mode, sd.threshold_mode);
    const minLrs = numberArray(sd.min_lrs, "min_lrs");
    if (minLrs.length !== this.optimizer.paramGroups.length) {
      throw new ArgumentError(`expected ${this.optimizer.paramGroups.length} min_lrs, got ${minLrs.length}`);
    }
    const fields = {
      factor: numberField(sd.factor, "factor"),
      patience: numberField(sd.patience, "patience"),
      cooldown: numberField(sd.cooldown, "cooldown"),
      cooldownCounter: numberField(sd.cooldown_counter, "cooldown_counter"),
      threshold: numberField(sd.threshold, "threshold"),
      numBadEpochs: numberField(sd.num_bad_epochs, "num_bad_epochs"),
      eps: numberField(sd.eps, "eps"),
      lastEpoch: numberField(sd.last_epoch, "last_epoch"),
    };
    this.mode = sd.mode as PlateauMode;
    this.thresholdMode = sd.threshold_mode as ThresholdMode;
    // A non-finite best that went through plain JSON comes back as null: it meant "no best yet".
    this.best = sd.best === null ? this.modeWorse : numberField(sd.best, "best");
    Object.assign(this, fields);
    this.minLrs = minLrs;
    if (sd._last_lr !== undefined) this.lastLr = numberArray(sd._last_lr, "_last_lr");
  }
}
