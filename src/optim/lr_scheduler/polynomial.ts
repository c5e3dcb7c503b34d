/**
 * PolynomialLR (PyTorch 1.13): lr = initial lr * (1 - min(epoch, totalIters) / totalIters)^power, so
 * it reaches 0 at totalIters and stays there. step() is the chainable ratio of consecutive values;
 * step(epoch) the closed form.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import { LRScheduler, checkSchedulerArgs } from "./scheduler.ts";

export interface PolynomialLROptions {
  totalIters?: number;
  power?: number;
  lastEpoch?: number;
}

export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: Optimizer, opts: PolynomialLROptions = {}) {
    checkSchedulerArgs("PolynomialLR()", arguments, { totalIters: "int", power: "number" });
    const { totalIters = 5, power = 1.0, lastEpoch = -1 } = opts;
    super(optimizer, lastEpoch, "totalIters power");
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }

  getLr(): number[] {
    const { lastEpoch: e, totalIters: T } = this;
    if (e === 0 || e > T) return this.scaled();
    // PyTorch 1.13 does not check total_iters: Python's ZeroDivisionError, as an error here.
    if (T === 0) throw new ArgumentError("PolynomialLR: float division by zero (total_iters is 0)");
    return this.scaled(((1.0 - e / T) / (1.0 - (e - 1) / T)) ** this.power);
  }

  protected override closedFormLr(): number[] {
    const T = this.totalIters;
    if (T === 0) throw new ArgumentError("PolynomialLR: float division by zero (total_iters is 0)");
    return this.baseLrs.map((b) => b * (1.0 - Math.min(T, this.lastEpoch) / T) ** this.power);
  }
}
