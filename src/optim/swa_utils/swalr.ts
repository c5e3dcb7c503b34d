/**
 * torch.optim.swa_utils.SWALR (PyTorch 1.13): anneals each group's lr to its `swaLr` over
 * annealEpochs epochs ("cos" or "linear"), then holds it, for the constant-lr phase of stochastic
 * weight averaging. Each step inverts the previous step's blend to recover the lr it started from,
 * so it composes with changes made to the groups' lr elsewhere, as PyTorch's does.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import { LRScheduler, type SchedulerStateDict, checkSchedulerArgs, numberField } from "../lr_scheduler/scheduler.ts";

export type SWAAnnealStrategy = "cos" | "linear";

export interface SWALROptions {
  /** The target lr: one for all groups or one per group. */
  swaLr: number | readonly number[];
  annealEpochs?: number;
  annealStrategy?: SWAAnnealStrategy;
  lastEpoch?: number;
}

const ANNEAL: Record<SWAAnnealStrategy, (t: number) => number> = {
  linear: (t) => t,
  cos: (t) => (1 - Math.cos(Math.PI * t)) / 2,
};

/** The lr before a blend of weight alpha towards swaLr (PyTorch's _get_initial_lr). */
const initialLr = (lr: number, swaLr: number, alpha: number): number => (alpha === 1 ? swaLr : (lr - alpha * swaLr) / (1 - alpha));

export class SWALR extends LRScheduler {
  annealEpochs: number;
  readonly annealStrategy: SWAAnnealStrategy;

  constructor(optimizer: Optimizer, opts: SWALROptions) {
    checkSchedulerArgs("SWALR()", arguments, { swaLr: "any", annealEpochs: "any", annealStrategy: "string" }, 1);
    const { swaLr, annealEpochs = 10, annealStrategy = "cos", lastEpoch = -1 } = opts;
    const n = optimizer.paramGroups.length;
    let swaLrs: number[];
    if (Array.isArray(swaLr)) {
      if (swaLr.length !== n) {
        throw new ArgumentError(`swa_lr must have the same length as optimizer.param_groups: swa_lr has ${swaLr.length}, optimizer.param_groups has ${n}`);
      }
      swaLrs = [...(swaLr as number[])];
    } else swaLrs = new Array<number>(n).fill(swaLr as number);
    if (!swaLrs.every((v) => typeof v === "number")) throw new ArgumentError("SWALR(): swaLr must be a number or a list of numbers");
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new ArgumentError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    if (!Number.isInteger(annealEpochs) || annealEpochs < 0) throw new ArgumentError(`anneal_epochs must be equal or greater than 0, got ${String(annealEpochs)}`);
    optimizer.paramGroups.forEach((g, i) => (g.swaLr = swaLrs[i]!));
    super(optimizer, lastEpoch);
    this.annealEpochs = annealEpochs;
    this.annealStrategy = annealStrategy;
    this.initialStep();
  }

  getLr(): number[] {
    const anneal = ANNEAL[this.annealStrategy];
    let step = this.stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const span = Math.max(1, this.annealEpochs);
    const prevAlpha = anneal(Math.max(0, Math.min(1, (step - 1) / span)));
    const alpha = anneal(Math.max(0, Math.min(1, step / span)));
    return this.optimizer.paramGroups.map((g) => g.swaLr! * alpha + initialLr(g.lr, g.swaLr!, prevAlpha) * (1 - alpha));
  }

  /** PyTorch saves its anneal function too: null here (not state), and the strategy stays the constructor's. */
  protected override hyperParams(): SchedulerStateDict {
    return { anneal_func: null, anneal_epochs: this.annealEpochs };
  }

  protected override loadHyperParams(sd: SchedulerStateDict): void {
    this.annealEpochs = numberField(sd.anneal_epochs, "anneal_epochs");
  }
}
