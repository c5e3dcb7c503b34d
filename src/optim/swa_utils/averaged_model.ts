/**
 * torch.optim.swa_utils.AveragedModel (PyTorch 1.13): a deep copy of a model whose parameters (and,
 * with useBuffers, buffers) are a running average of the model's, updated by updateParameters(model)
 * (equal weights by default, or `avgFn`, e.g. an exponential moving average). `n_averaged` counts the
 * updates; it and the copy's state are in the state dict (`n_averaged`, `module.*`), as PyTorch's.
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { deepCopyModule } from "../../nn/attention/clone.ts";
import { type AnyModule, Module } from "../../nn/module.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { tensor } from "../../tensor/creation.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** (averaged, current, numAveraged: a 0-d int64 tensor) -> the new average. */
export type AvgFn = (averaged: Tensor, current: Tensor, numAveraged: Tensor) => Tensor;

export interface AveragedModelOptions {
  avgFn?: AvgFn;
  /** Average the buffers (BatchNorm's running statistics) too, instead of leaving them to updateBn. */
  useBuffers?: boolean;
}

/** PyTorch's default: the equal-weight running mean a + (x - a) / (n + 1). */
const meanFn: AvgFn = (a, x, n) => a.add(x.sub(a).div(n.add(1)));

export class AveragedModel extends Module<unknown[], unknown> {
  static override readonly builtinName: string = "AveragedModel";
  module: AnyModule;
  avgFn: AvgFn;
  useBuffers: boolean;
  declare n_averaged: Tensor;

  constructor(model: AnyModule, opts: AveragedModelOptions = {}) {
    super();
    checkOptions("AveragedModel()", opts, { avgFn: "function", useBuffers: "boolean" }, { index: 2 });
    checkArity("AveragedModel()", arguments, 2);
    if (!(model instanceof Module)) throw new ArgumentError("AveragedModel(): model must be an nn.Module");
    this.module = deepCopyModule(model);
    this.registerBuffer("n_averaged", tensor(0, { dtype: "int64" }));
    this.avgFn = opts.avgFn ?? meanFn;
    this.useBuffers = opts.useBuffers ?? false;
  }

  override forward(...args: unknown[]): unknown {
    return (this.module.forward as (...a: unknown[]) => unknown)(...args);
  }

  /** Folds the current values of `model`'s parameters (and buffers, with useBuffers) into the average. */
  updateParameters(model: AnyModule): void {
    checkArity("AveragedModel.updateParameters()", arguments, 1);
    if (!(model instanceof Module)) throw new ArgumentError("AveragedModel.updateParameters(): model must be an nn.Module");
    const mine = this.useBuffers ? [...this.module.parameters(), ...this.module.buffers()] : this.parameters();
    const theirs = this.useBuffers ? [...model.parameters(), ...model.buffers()] : model.parameters();
    const n = this.n_averaged;
    noGrad(() => {
      // zip: the shorter list decides, as Python's.
      for (let i = 0; i < Math.min(mine.length, theirs.length); i++) {
        const avg = mine[i]!;
        const cur = theirs[i]!.detach();
        avg.copy_(n.item() === 0 ? cur : this.avgFn(avg.detach(), cur, n));
      }
    });
    this.n_averaged = n.add(1);
  }
}
