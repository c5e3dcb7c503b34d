/**
 * CosineAnnealingWarmRestarts (SGDR, PyTorch 1.13): cosine annealing from the initial lr to etaMin over
 * a period of t0 epochs, restarting at the initial lr; each period is tMult times the last. step() may
 * be called every batch with a fractional epoch, step(epoch + i / iters), and the two forms may be mixed.
 */
import { ArgumentError } from "../../errors.ts";
import type { Optimizer } from "../optimizer.ts";
import { LRScheduler, checkSchedulerArgs, positiveInt } from "./scheduler.ts";

export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs in the first period (PyTorch's T_0). */
  t0: number;
  /** Growth of each period over the last (PyTorch's T_mult). */
  tMult?: number;
  etaMin?: number;
  lastEpoch?: number;
}

export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  /** The current period's length (T_i). */
  tI: number;
  tMult: number;
  etaMin: number;
  /** Epochs since the last restart, fractional under step(epoch) (T_cur). */
  tCur: number;

  constructor(optimizer: Optimizer, opts: CosineAnnealingWarmRestartsOptions) {
    checkSchedulerArgs("CosineAnnealingWarmRestarts()", arguments, { t0: "number", tMult: "number", etaMin: "number" }, 1);
    const { t0, tMult = 1, etaMin = 0, lastEpoch = -1 } = opts;
    positiveInt(t0, "T_0");
    if (!(tMult >= 1) || !Number.isInteger(tMult)) throw new ArgumentError(`Expected integer T_mult >= 1, but got ${tMult}`);
    super(optimizer, lastEpoch, "t0=T_0 tI=T_i tMult=T_mult etaMin tCur=T_cur");
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.initialStep();
  }

  getLr(): number[] {
    const { etaMin, tCur, tI } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2);
  }

  /**
   * Advances one epoch, or moves to `epoch` (fractional allowed): the period and the position in it
   * follow from t0 and tMult. As in PyTorch, lastEpoch becomes floor(epoch), and the step count is not
   * kept.
   */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (typeof epoch !== "number" || !(epoch >= 0)) throw new ArgumentError(`Expected non-negative epoch, but got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = epoch % this.t0;
        } else {
          const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this.setLrs(this.getLr());
  }
}
