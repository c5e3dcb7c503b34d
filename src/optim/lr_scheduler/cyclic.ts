/**
 * CyclicLR (PyTorch 1.13): the lr cycles between baseLr and maxLr, rising over stepSizeUp steps and
 * falling over stepSizeDown; the amplitude is scaled per cycle (triangular: 1, triangular2: halved
 * each cycle) or per step (exp_range: gamma^step), or by a custom scaleFn. With cycleMomentum the
 * optimizer's momentum moves inversely between maxMomentum and baseMomentum. Step it once per batch.
 * As in PyTorch the lr is computed from base_lrs, not chained from the group's current lr.
 */
import { ArgumentError } from "../../errors.ts";
import type { ValueType } from "../../options.ts";
import type { Optimizer, ParamGroup } from "../optimizer.ts";
import {
  LRScheduler, type SchedulerStateDict, checkOptimizer, checkSchedulerArgs, loadFields, perGroup, saveFields,
} from "./scheduler.ts";

export type CyclicMode = "triangular" | "triangular2" | "exp_range";
export type ScaleMode = "cycle" | "iterations";

export interface CyclicLROptions {
  baseLr: number | readonly number[];
  maxLr: number | readonly number[];
  stepSizeUp?: number;
  /** Default: stepSizeUp. */
  stepSizeDown?: number | null;
  mode?: CyclicMode;
  /** exp_range's per-step factor. */
  gamma?: number;
  /** A custom amplitude scale, in (0, 1] for every argument; replaces mode. */
  scaleFn?: ((x: number) => number) | null;
  /** What scaleFn is given: the cycle number or the step count. */
  scaleMode?: ScaleMode;
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  lastEpoch?: number;
}

const CYCLIC_OPTIONS: Readonly<Record<string, ValueType>> = {
  baseLr: "numbers", maxLr: "numbers", stepSizeUp: "number", stepSizeDown: "number?", mode: "string", gamma: "number",
  scaleFn: "function?", scaleMode: "string", cycleMomentum: "boolean", baseMomentum: "numbers", maxMomentum: "numbers",
};

type MomentumGroup = ParamGroup & { momentum?: number };

const MOMENTUMS = "baseMomentums maxMomentums";

export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: string;
  gamma: number;
  scaleMode: ScaleMode;
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  private readonly customScaleFn: ((x: number) => number) | null;

  constructor(optimizer: Optimizer, opts: CyclicLROptions) {
    checkSchedulerArgs("CyclicLR()", arguments, CYCLIC_OPTIONS, 2);
    const o = checkOptimizer(optimizer);
    const {
      stepSizeUp = 2000, stepSizeDown = null, mode = "triangular", gamma = 1.0, scaleFn = null, cycleMomentum = true,
      baseMomentum = 0.8, maxMomentum = 0.9, lastEpoch = -1,
    } = opts;
    const groups = o.paramGroups as MomentumGroup[];
    const n = groups.length;
    const baseLrs = perGroup("base_lr", opts.baseLr, n);
    if (lastEpoch === -1) groups.forEach((g, i) => (g.lr = baseLrs[i]!));
    const maxLrs = perGroup("max_lr", opts.maxLr, n);
    if (!(stepSizeUp > 0)) throw new ArgumentError(`step_size_up must be positive, got ${stepSizeUp}`);
    const down = stepSizeDown ?? stepSizeUp;
    if (!(down >= 0)) throw new ArgumentError(`step_size_down must not be negative, got ${down}`);
    if (scaleFn === null && !["triangular", "triangular2", "exp_range"].includes(mode)) {
      throw new ArgumentError("mode is invalid and scale_fn is None");
    }
    const scaleMode = scaleFn === null ? (mode === "exp_range" ? "iterations" : "cycle") : (opts.scaleMode ?? "cycle");
    if (scaleMode !== "cycle" && scaleMode !== "iterations") throw new ArgumentError(`scale_mode must be 'cycle' or 'iterations', got ${JSON.stringify(scaleMode)}`);
    let maxMs: number[] = [];
    if (cycleMomentum) {
      if (!("momentum" in o.defaults)) throw new ArgumentError("optimizer must support momentum with `cycle_momentum` option enabled");
      const baseMs = perGroup("base_momentum", baseMomentum, n);
      if (lastEpoch === -1) groups.forEach((g, i) => (g.momentum = baseMs[i]!));
      maxMs = perGroup("max_momentum", maxMomentum, n);
    }
    super(o, lastEpoch, "maxLrs totalSize stepRatio mode gamma cycleMomentum");
    this.maxLrs = maxLrs;
    this.totalSize = stepSizeUp + down;
    this.stepRatio = stepSizeUp / this.totalSize;
    this.mode = mode;
    this.gamma = gamma;
    this.customScaleFn = scaleFn;
    this.scaleMode = scaleMode;
    this.cycleMomentum = cycleMomentum;
    if (cycleMomentum) {
      this.baseMomentums = groups.map((g) => g.momentum!);
      this.maxMomentums = maxMs;
    }
    // As PyTorch: the first step runs with base_lrs from the groups' initial_lr (which an earlier
    // scheduler may have set), and only then are base_lrs set to baseLr.
    this.initialStep();
    this.baseLrs = baseLrs;
  }

  scaleFn(x: number): number {
    if (this.customScaleFn !== null) return this.customScaleFn(x);
    if (this.mode === "triangular2") return 1 / 2.0 ** (x - 1);
    if (this.mode === "exp_range") return this.gamma ** x;
    return 1.0;
  }

  /** The lrs at step lastEpoch; sets the groups' momentum as a side effect when cycleMomentum. */
  getLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1 + e / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const scale = this.scaleFn(this.scaleMode === "cycle" ? cycle : e);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i]! - b) * scaleFactor * scale);
    if (this.cycleMomentum) {
      const groups = this.optimizer.paramGroups as MomentumGroup[];
      this.baseMomentums.forEach((bm, i) => {
        const mm = this.maxMomentums[i]!;
        if (i < groups.length) groups[i]!.momentum = mm - (mm - bm) * scaleFactor * scale;
      });
    }
    return lrs;
  }

  /** The scale function is code, not state: saved as null (PyTorch's weak reference to it cannot be saved at all). */
  protected override hyperParams(): SchedulerStateDict {
    return { ...super.hyperParams(), _scale_fn_custom: null, scale_mode: this.scaleMode, ...(this.cycleMomentum ? saveFields(this, MOMENTUMS) : {}) };
  }

  protected override loadHyperParams(sd: SchedulerStateDict): void {
    super.loadHyperParams(sd);
    if (sd.scale_mode === "cycle" || sd.scale_mode === "iterations") this.scaleMode = sd.scale_mode;
    if (this.cycleMomentum) loadFields(this, sd, MOMENTUMS);
  }
}
