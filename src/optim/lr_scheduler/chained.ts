/**
 * ChainedScheduler (PyTorch 1.13): steps every scheduler it holds, in order, on each step(), so their
 * chainable forms multiply together. It keeps no epoch of its own; its state dict is `_last_lr` and
 * each scheduler's state dict under `_schedulers`.
 */
import { ArgumentError } from "../../errors.ts";
import { checkArity } from "../../options.ts";
import { type JSONValue, LRScheduler, type SchedulerStateDict, checkStateDict, numberArray } from "./scheduler.ts";

export class ChainedScheduler extends LRScheduler {
  readonly schedulers: LRScheduler[];

  constructor(schedulers: readonly LRScheduler[]) {
    checkArity("ChainedScheduler()", arguments, 1);
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new ArgumentError("ChainedScheduler(): schedulers must be a non-empty list of LR schedulers");
    schedulers.forEach((s: unknown, i) => {
      if (!(s instanceof LRScheduler)) throw new ArgumentError(`ChainedScheduler(): schedulers[${i}] is not an LRScheduler`);
    });
    const optimizer = schedulers[0]!.optimizer;
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ArgumentError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    });
    super(optimizer, -1);
    this.schedulers = [...schedulers];
    this.lastLr = this.scaled();
  }

  /** The groups' current lrs: the chained schedulers set them. */
  getLr(): number[] {
    return this.scaled();
  }

  /** Steps each scheduler once (PyTorch's takes no epoch). */
  override step(epoch?: number): void {
    if (epoch !== undefined) throw new ArgumentError("ChainedScheduler.step() takes no epoch argument");
    for (const s of this.schedulers) s.step();
    this.lastLr = this.scaled();
  }

  override stateDict(): SchedulerStateDict {
    return { _last_lr: [...this.lastLr], _schedulers: this.schedulers.map((s): JSONValue => s.stateDict()) };
  }

  override loadStateDict(sd: SchedulerStateDict): void {
    checkStateDict(sd);
    const subs = sd._schedulers;
    if (!Array.isArray(subs) || subs.length !== this.schedulers.length) {
      throw new ArgumentError(`scheduler state dict: "_schedulers" must list ${this.schedulers.length} scheduler states`);
    }
    const lastLr = numberArray(sd._last_lr, "_last_lr");
    subs.forEach((s, i) => this.schedulers[i]!.loadStateDict(s as SchedulerStateDict));
    this.lastLr = lastLr;
  }
}
