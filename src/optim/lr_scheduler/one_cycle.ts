/**
 * OneCycleLR (PyTorch 1.13): the lr warms up from maxLr/divFactor to maxLr over pctStart of the steps,
 * then anneals to initialLr/finalDivFactor (threePhase: back to the initial lr first, then down).
 * With cycleMomentum the momentum (SGD, RMSprop) or beta1 (Adam, AdamW) moves inversely between
 * maxMomentum and baseMomentum. Step it once per batch; totalSteps steps in all.
 */
import { ArgumentError } from "../../errors.ts";
import type { GroupOptions, Optimizer, ParamGroup } from "../optimizer.ts";
import type { OptionSpec } from "../../options.ts";
import { LRScheduler, type SchedulerStateDict, checkOptimizer, checkSchedulerArgs, numberField } from "./scheduler.ts";

type PhaseKey = "initialLr" | "maxLr" | "minLr" | "maxMomentum" | "baseMomentum";

interface Phase {
  endStep: number;
  startLr: PhaseKey;
  endLr: PhaseKey;
  startMomentum: PhaseKey;
  endMomentum: PhaseKey;
}

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

const ONE_CYCLE_OPTIONS: OptionSpec = {
  maxLr: "numbers", totalSteps: "number", epochs: "number", stepsPerEpoch: "number", pctStart: "number", annealStrategy: "string",
  cycleMomentum: "boolean", baseMomentum: "numbers", maxMomentum: "numbers", divFactor: "number", finalDivFactor: "number",
  threePhase: "boolean", lastEpoch: "int",
};

/** The groups of an optimizer that has momentum or betas. */
type MomentumGroup = ParamGroup<GroupOptions> & { momentum?: number; betas?: readonly number[] };

const SNAKE: Record<PhaseKey, string> = {
  initialLr: "initial_lr", maxLr: "max_lr", minLr: "min_lr", maxMomentum: "max_momentum", baseMomentum: "base_momentum",
};

function perGroup(name: string, v: number | readonly number[], n: number): number[] {
  if (typeof v === "number") return new Array<number>(n).fill(v);
  if (v.length !== n) throw new ArgumentError(`expected ${n} values for ${name}, got ${v.length}`);
  return [...v];
}

function positiveInt(v: number | undefined, name: string): number {
  if (v === undefined || !Number.isInteger(v) || v <= 0) throw new ArgumentError(`Expected positive integer ${name}, but got ${v}`);
  return v;
}

export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: AnnealStrategy;
  cycleMomentum: boolean;
  /** Whether momentum lives in betas[0] (Adam-style optimizers). */
  useBeta1: boolean;
  private phases: Phase[];

  constructor(optimizer: Optimizer, opts: OneCycleLROptions) {
    checkSchedulerArgs("OneCycleLR()", arguments, ONE_CYCLE_OPTIONS, "maxLr", ["maxLr"]);
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
    super(o, lastEpoch);
    this.totalSteps = total;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.phases = threePhase
      ? [
        { endStep: pctStart * total - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: 2 * pctStart * total - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        { endStep: total - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
      ]
      : [
        { endStep: pctStart * total - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
        { endStep: total - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
      ];
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
      const field = (k: PhaseKey): number => {
        const v = g[k];
        if (v === undefined) throw new ArgumentError(`OneCycleLR: param group has no ${SNAKE[k]}`);
        return v;
      };
      let start = 0;
      let lr = 0;
      let momentum = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const ph = this.phases[i]!;
        if (step <= ph.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (ph.endStep - start);
          lr = this.anneal(field(ph.startLr), field(ph.endLr), pct);
          if (this.cycleMomentum) momentum = this.anneal(field(ph.startMomentum), field(ph.endMomentum), pct);
          break;
        }
        start = ph.endStep;
      }
      if (this.cycleMomentum) {
        if (this.useBeta1) g.betas = [momentum, ...(g.betas ?? [0.999]).slice(1)];
        else g.momentum = momentum;
      }
      return lr;
    });
  }

  protected hyperParams(): SchedulerStateDict {
    return {
      total_steps: this.totalSteps,
      _schedule_phases: this.phases.map((p) => ({
        end_step: p.endStep, start_lr: SNAKE[p.startLr], end_lr: SNAKE[p.endLr], start_momentum: SNAKE[p.startMomentum], end_momentum: SNAKE[p.endMomentum],
      })),
      anneal_strategy: this.annealStrategy,
      cycle_momentum: this.cycleMomentum,
      use_beta1: this.useBeta1,
    };
  }

  protected loadHyperParams(sd: SchedulerStateDict): void {
    this.totalSteps = numberField(sd.total_steps, "total_steps");
    const fromSnake = new Map(Object.entries(SNAKE).map(([k, v]) => [v, k as PhaseKey]));
    const key = (v: unknown): PhaseKey => {
      const k = typeof v === "string" ? fromSnake.get(v) : undefined;
      if (k === undefined) throw new ArgumentError(`scheduler state dict: unknown schedule phase field ${JSON.stringify(v)}`);
      return k;
    };
    const phases = sd._schedule_phases;
    if (!Array.isArray(phases)) throw new ArgumentError('scheduler state dict: "_schedule_phases" must be an array');
    this.phases = phases.map((p) => {
      if (p === null || typeof p !== "object" || Array.isArray(p)) throw new ArgumentError("scheduler state dict: bad schedule phase");
      return {
        endStep: numberField(p.end_step, "end_step"), startLr: key(p.start_lr), endLr: key(p.end_lr),
        startMomentum: key(p.start_momentum), endMomentum: key(p.end_momentum),
      };
    });
    if (sd.anneal_strategy === "cos" || sd.anneal_strategy === "linear") this.annealStrategy = sd.anneal_strategy;
    if (typeof sd.cycle_momentum === "boolean") this.cycleMomentum = sd.cycle_momentum;
    if (typeof sd.use_beta1 === "boolean") this.useBeta1 = sd.use_beta1;
  }
}
