/**
 * ReduceLROnPlateau (PyTorch 1.13): multiplies the lr by `factor` when a metric has not improved for
 * more than `patience` steps, then waits `cooldown` steps before counting again. Improvement is
 * relative (best * (1 -/+ threshold)) or absolute (best -/+ threshold) in mode min/max. A reduction
 * smaller than `eps` is skipped; lrs never go below minLr.
 */
import { ArgumentError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { Optimizer } from "../optimizer.ts";
import {
  type SchedulerStateDict, checkOptimizer, checkStateDict, loadFields, numberArray, numberField, saveFields,
} from "./scheduler.ts";

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

/** The state dict's plain fields (see saveFields); min_lrs, best and _last_lr are read with their own checks. */
const FIELDS = "factor patience cooldown cooldownCounter mode threshold thresholdMode numBadEpochs eps lastEpoch";

function minLrsOf(v: number | readonly number[], n: number): number[] {
  if (typeof v === "number") return new Array<number>(n).fill(v);
  if (v.length !== n) throw new ArgumentError(`expected ${n} min_lrs, got ${v.length}`);
  return [...v];
}

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
    checkOptions("ReduceLROnPlateau()", opts, PLATEAU_OPTIONS, { index: 2, positional: "mode" });
    checkArity("ReduceLROnPlateau()", arguments, 2);
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 } = opts;
    if (!(factor < 1.0)) throw new ArgumentError("Factor should be < 1.0.");
    this.optimizer = checkOptimizer(optimizer);
    this.minLrs = minLrsOf(minLr, optimizer.paramGroups.length);
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
      ...saveFields(this, FIELDS), min_lrs: [...this.minLrs], verbose: false, best: this.best, mode_worse: this.modeWorse, _last_lr: [...this.lastLr],
    };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    checkStateDict(sd);
    checkModes(sd.mode, sd.threshold_mode);
    const minLrs = minLrsOf(numberArray(sd.min_lrs, "min_lrs"), this.optimizer.paramGroups.length);
    // A non-finite best that went through plain JSON comes back as null: it meant "no best yet".
    const best = sd.best === null ? (sd.mode === "min" ? Infinity : -Infinity) : numberField(sd.best, "best");
    const lastLr = sd._last_lr === undefined ? this.lastLr : numberArray(sd._last_lr, "_last_lr");
    loadFields(this, sd, FIELDS);
    this.minLrs = minLrs;
    this.best = best;
    this.lastLr = lastLr;
  }
}
