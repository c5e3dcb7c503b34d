/**
 * OneCycleLR (PyTorch 1.13): the lr warms up from maxLr/divFactor to maxLr over pctStart of the steps,
 * then anneals to initialLr/finalDivFactor (threePhase: back to the initial lr first, then down).
 * With cycleMomentum the momentum (SGD, RMSprop) or beta1 (Adam, AdamW) moves inversely between
 * maxMomentum and baseMomentum. Step it once per batch; totalSteps steps in all.
 */
import { ArgumentError } from "../../errors.ts";
import { type GroupOptions, type Optimizer, type ParamGroup, toCamel } from "../optimizer.ts";
import type { ValueType } from "../../options.ts";
import { LRScheduler, type SchedulerStateDict, checkOptimizer, checkSchedulerArgs, numberField, perGroup, positiveInt } from "./scheduler.ts";

/** The group options a phase anneals between, by PyTorch's names. */
const PHASE_KEYS = ["initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"];

/** A phase of the schedule, as PyTorch's state dict holds it: its last step and what it anneals from and to. */
interface Phase {
  end_step: number;
  start_lr: string;
  end_lr: string;
  start_momentum: string;
  end_momentum: string;
}

const phase = (end_step: number, start_lr: string, end_lr: string, start_momentum: string, end_momentum: string): Phase =>
  ({ end_step, start_lr, end_lr, start_momentum, end_momentum });

export type AnnealStrategy = "cos" | "linear";

export interface OneCycleLROptions {
  maxLr: number | readonly number[];
  /** Either totalSteps, or epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: AnnealStrategy;
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

const ONE_CYCLE_OPTIONS: Readonly<Record<string, ValueType>> = {
  maxLr: "numbers", totalSteps: "number", epochs: "number", stepsPerEpoch: "number", pctStart: "number", annealStrategy: "string",
  cycleMomentum: "boolean", baseMomentum: "numbers", maxMomentum: "numbers", divFactor: "number", finalDivFactor: "number",
  threePhase: "boolean",
};

/** The groups of an optimizer that has momentum or betas. */
type MomentumGroup = ParamGroup<GroupOptions> & { momentum?: number; betas?: readonly number[] };


export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: AnnealStrategy;
  cycleMomentum: boolean;
  /** Whether momentum lives in betas[0] (Adam-style optimizers). */
  useBeta1: boolean;
  private phases: Phase[];

  constructor(optimizer: Optimizer, opts: OneCycleLROptions) {
    checkSchedulerArgs("OneCycleLR()", arguments, ONE_CYCLE_OPTIONS, 1);
    const o = checkOptimizer(optimizer);
    const {
      pctStart = 0.3, annealStrategy = "cos", cycleMomentum = true, baseMomentum = 0.85, maxMomentum = 0.95,
      divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = opts;
    let total: number;
    if (opts.totalSteps === undefined && opts.epochs === undefined && opts.stepsPerEpoch === undefined) {
      throw new ArgumentError("You must define either total_steps OR (epochs AND steps_per_epoch)");
    } else if (opts.totalSteps !== undefined) {
      total = positiveInt(opts.totalSteps, "total_steps");
    } else {
      total = positiveInt(opts.epochs, "epochs") * positiveInt(opts.stepsPerEpoch, "steps_per_epoch");
    }
    if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentError(`Expected float between 0 and 1 pct_start, but got ${pctStart}`);
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ArgumentError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    const groups = o.paramGroups as MomentumGroup[];
    const n = groups.length;
    const maxLrs = perGroup("max_lr", opts.maxLr, n);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = g.initialLr / finalDivFactor;
      });
    }
    let useBeta1 = false;
    if (cycleMomentum) {
      if (!("momentum" in o.defaults) && !("betas" in o.defaults)) {
        throw new ArgumentError("optimizer must support momentum with `cycle_momentum` option enabled");
      }
      useBeta1 = "betas" in o.defaults;
      const maxMs = perGroup("max_momentum", maxMomentum, n);
      const baseMs = perGroup("base_momentum", baseMomentum, n);
      if (lastEpoch === -1) {
        groups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxMs[i]!, ...(g.betas ?? []).slice(1)];
          else g.momentum = maxMs[i]!;
          g.maxMomentum = maxMs[i]!;
          g.baseMomentum = baseMs[i]!;
        });
      }
    }
    super(o, lastEpoch, "totalSteps cycleMomentum useBeta1");
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    const warmUp = phase(pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum");
    this.phases = threePhase
      ? [
        warmUp,
        phase(2 * pctStart * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
        phase(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
      ]
      : [warmUp, phase(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")];
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "cos") return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) {
      throw new ArgumentError(`Tried to step ${step + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    return (this.optimizer.paramGroups as MomentumGroup[]).map((g) => {
      const field = (k: string): number => {
        const v = (g as unknown as Record<string, unknown>)[toCamel(k)];
        if (typeof v !== "number") throw new ArgumentError(`OneCycleLR: param group has no ${k}`);
        return v;
      };
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (step <= ph.end_step || i === this.phases.length - 1) {
          const pct = (step - start) / (ph.end_step - start);
          lr = this.anneal(field(ph.start_lr), field(ph.end_lr), pct);
          if (this.cycleMomentum) momentum = this.anneal(field(ph.start_momentum), field(ph.end_momentum), pct);
          break;
        }
        start = ph.end_step;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas ?? [0.999]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }

  protected override hyperParams(): SchedulerStateDict {
    return { ...super.hyperParams(), _schedule_phases: this.phases.map((p) => ({ ...p })), anneal_strategy: this.annealStrategy };
  }

  protected override loadHyperParams(sd: SchedulerStateDict): void {
    const key = (v: unknown): string => {
      if (!PHASE_KEYS.includes(v as string)) throw new ArgumentError(`scheduler state dict: unknown schedule phase field ${JSON.stringify(v)}`);
      return v as string;
    };
    const phases = sd._schedule_phases;
    if (!Array.isArray(phases)) throw new ArgumentError('scheduler state dict: "_schedule_phases" must be an array');
    const loaded = phases.map((p) => {
      if (p === null || typeof p !== "object" || Array.isArray(p)) throw new ArgumentError("scheduler state dict: bad schedule phase");
      return phase(numberField(p.end_step, "end_step"), key(p.start_lr), key(p.end_lr), key(p.start_momentum), key(p.end_momentum));
    });
    super.loadHyperParams(sd);
    this.phases = loaded;
    if (sd.anneal_strategy === "cos" || sd.anneal_strategy === "linear") this.annealStrategy = sd.anneal_strategy;
  }
}
