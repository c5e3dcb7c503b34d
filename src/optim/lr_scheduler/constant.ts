/**
 * ConstantLR (PyTorch 1.13): the lr times `factor` until epoch totalIters, then the lr itself.
 * step() is chainable (it divides the factor back out at totalIters, so it composes with other
 * schedulers); step(epoch) takes the closed form from the initial lr.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import { LRScheduler, checkSchedulerArgs } from "./scheduler.ts";

export interface ConstantLROptions {
  factor?: number;
  totalIters?: number;
  lastEpoch?: number;
}

export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, opts: ConstantLROptions = {}) {
    checkSchedulerArgs("ConstantLR()", arguments, { factor: "number", totalIters: "int" });
    const { factor = 1.0 / 3, totalIters = 5, lastEpoch = -1 } = opts;
    if (!(factor >= 0 && factor <= 1)) throw new ArgumentError("Constant multiplicative factor expected to be between 0 and 1.");
    super(optimizer, lastEpoch, "factor totalIters");
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: e, totalIters: T } = this;
    if (e === 0) return this.scaled(this.factor);
    if (e !== T) return this.scaled();
    // Python raises ZeroDivisionError here for factor 0; an Infinity lr would be worse.
    if (this.factor === 0) throw new ArgumentError("ConstantLR: float division by zero (factor is 0)");
    return this.scaled(1.0 / this.factor);
  }

  protected override closedFormLr(): number[] {
    const f = this.factor;
    return this.baseLrs.map((b) => b * (f + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - f)));
  }
}
