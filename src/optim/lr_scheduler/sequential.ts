/**
 * SequentialLR (PyTorch 1.13): runs schedulers one after another, switching at the milestones. At
 * construction the lrs go back to the initial ones, every scheduler's epoch is rewound by one (their
 * constructors stepped), and only the first takes its initial step. At a milestone the next scheduler
 * is stepped with step(0), which takes its closed form where it has one (so, e.g., ExponentialLR
 * restarts from the initial lr rather than from where the previous scheduler left it).
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import {
  type JSONValue, LRScheduler, type SchedulerStateDict, checkOptimizer, checkSchedulerArgs, checkStateDict, numberArray, numberField,
} from "./scheduler.ts";

export interface SequentialLROptions {
  schedulers: readonly LRScheduler[];
  /** Epochs at which the next scheduler takes over; one fewer than the schedulers. */
  milestones: readonly number[];
  lastEpoch?: number;
}

/** Python's bisect_right over a sorted list. */
function bisectRight(xs: readonly number[], v: number): number {
  let i = 0;
  while (i < xs.length && xs[i]! <= v) i++;
  return i;
}

/** What SequentialLR calls on the schedulers it runs (PyTorch's `_initial_step`). */
interface InitialStep {
  initialStep(): void;
}

export class SequentialLR extends LRScheduler {
  readonly schedulers: LRScheduler[];
  milestones: number[];

  constructor(optimizer: Optimizer, opts: SequentialLROptions) {
    checkSchedulerArgs("SequentialLR()", arguments, { schedulers: "any", milestones: "int[]" }, 2);
    const o = checkOptimizer(optimizer);
    const { schedulers, milestones, lastEpoch = -1 } = opts;
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new ArgumentError("SequentialLR(): schedulers must be a non-empty list of LR schedulers");
    schedulers.forEach((s: unknown, i) => {
      if (!(s instanceof LRScheduler)) throw new ArgumentError(`SequentialLR(): schedulers[${i}] is not an LRScheduler (ReduceLROnPlateau cannot be sequenced)`);
      if (s.optimizer !== o) {
        throw new ArgumentError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ArgumentError(
        `Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    super(o, -1);
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    for (const g of o.paramGroups) g.lr = g.initialLr!;
    for (const s of this.schedulers) s.lastEpoch -= 1;
    (this.schedulers[0] as unknown as InitialStep).initialStep();
    this.lastLr = this.schedulers[0]!.getLastLr();
  }

  /** The groups' current lrs: SequentialLR sets none itself. */
  getLr(): number[] {
    return this.scaled();
  }

  /** One epoch forward, by the scheduler whose turn it is (PyTorch's takes no epoch). */
  override step(epoch?: number): void {
    if (epoch !== undefined) throw new ArgumentError("SequentialLR.step() takes no epoch argument");
    this.lastEpoch++;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  /** PyTorch's layout: its own fields and each scheduler's state dict under `_schedulers`. */
  override stateDict(): SchedulerStateDict {
    return {
      _milestones: [...this.milestones],
      last_epoch: this.lastEpoch,
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s): JSONValue => s.stateDict()),
    };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    checkStateDict(sd);
    const subs = sd._schedulers;
    if (!Array.isArray(subs) || subs.length !== this.schedulers.length) {
      throw new ArgumentError(`scheduler state dict: "_schedulers" must list ${this.schedulers.length} scheduler states`);
    }
    const milestones = numberArray(sd._milestones, "_milestones");
    const lastEpoch = numberField(sd.last_epoch, "last_epoch");
    const lastLr = numberArray(sd._last_lr, "_last_lr");
    subs.forEach((s, i) => this.schedulers[i]!.loadStateDict(s as SchedulerStateDict));
    this.milestones = milestones;
    this.lastEpoch = lastEpoch;
    this.lastLr = lastLr;
  }
}
