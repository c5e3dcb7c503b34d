/**
 * MultiplicativeLR (PyTorch 1.13): each step multiplies the group's current lr by lrLambda(epoch);
 * one function for all groups or one per group. No closed form: step(epoch) multiplies too.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import type { LrLambda } from "./basic.ts";
import { type JSONValue, LRScheduler, type SchedulerStateDict, checkSchedulerArgs } from "./scheduler.ts";

export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, opts: { lrLambda: LrLambda | readonly LrLambda[]; lastEpoch?: number }) {
    checkSchedulerArgs("MultiplicativeLR()", arguments, { lrLambda: "any" }, 1);
    const { lrLambda, lastEpoch = -1 } = opts;
    const n = optimizer.paramGroups.length;
    let lambdas: LrLambda[];
    if (typeof lrLambda === "function") lambdas = new Array<LrLambda>(n).fill(lrLambda);
    else if (Array.isArray(lrLambda) && lrLambda.length === n && lrLambda.every((f) => typeof f === "function")) lambdas = [...lrLambda];
    else throw new ArgumentError(`Expected ${n} lr_lambdas, but got ${Array.isArray(lrLambda) ? lrLambda.length : typeof lrLambda}`);
    super(optimizer, lastEpoch);
    this.lrLambdas = lambdas;
    this.initialStep();
  }

  getLr(): number[] {
    const e = this.lastEpoch;
    if (e <= 0) return this.scaled();
    return this.optimizer.paramGroups.map((g, i) => g.lr * this.lrLambdas[i]!(e));
  }

  /** Functions are not state: as in PyTorch, they are saved as null and kept on load. */
  protected override hyperParams(): SchedulerStateDict {
    return { lr_lambdas: this.lrLambdas.map((): JSONValue => null) };
  }
}
