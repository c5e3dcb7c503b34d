/**
 * LinearLR (PyTorch 1.13): scales the lr by a factor that moves linearly from startFactor to
 * endFactor over totalIters steps, then stays. step() uses the chainable form (each lr from the
 * group's current one, so it composes with other schedulers); step(epoch), as SequentialLR's
 * milestones call it, the closed form from the initial lr.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import { LRScheduler, checkSchedulerArgs } from "./scheduler.ts";

export interface LinearLROptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

/** Python raises ZeroDivisionError where JavaScript would make an Infinity or NaN lr. */
function divide(a: number, b: number, why: string): number {
  if (b === 0) throw new ArgumentError(`LinearLR: float division by zero (${why})`);
  return a / b;
}

export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, opts: LinearLROptions = {}) {
    checkSchedulerArgs("LinearLR()", arguments, { startFactor: "number", endFactor: "number", totalIters: "int" });
    const { startFactor = 1.0 / 3, endFactor = 1.0, totalIters = 5, lastEpoch = -1 } = opts;
    if (!(startFactor >= 0 && startFactor <= 1)) throw new ArgumentError("Starting multiplicative factor expected to be between 0 and 1.");
    if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentError("Ending multiplicative factor expected to be between 0 and 1.");
    if (totalIters < 0) throw new ArgumentError(`total_iters must not be negative, got ${totalIters}`);
    super(optimizer, lastEpoch, "startFactor endFactor totalIters");
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: T } = this;
    if (e === 0) return this.scaled(s);
    if (e > T) return this.scaled();
    return this.scaled(1 + divide(f - s, T * s + (e - 1) * (f - s), "start_factor is 0"));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: T } = this;
    return this.baseLrs.map((b) => b * (s + divide((f - s) * Math.min(T, this.lastEpoch), T, "total_iters is 0")));
  }
}
