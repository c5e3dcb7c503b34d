/**
 * torch.optim.swa_utils.update_bn (PyTorch 1.13): recomputes the BatchNorm running statistics of a
 * model (an averaged one, whose statistics belong to none of the averaged weights) with one pass over
 * the data: statistics reset, momentum null (a cumulative average over the pass), forward in training
 * mode without gradients, then momentum and the training flag restored.
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import type { AnyModule } from "../../nn/module.ts";
import { Module } from "../../nn/module.ts";
import { checkArity } from "../../options.ts";
import { onesLike, zerosLike } from "../../tensor/creation.ts";
import type { Tensor } from "../../tensor/tensor.ts";

/** PyTorch's _BatchNorm subclasses. */
const BATCH_NORMS = new Set(["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]);

interface BatchNormState {
  momentum: number | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;
}

/** One pass over `loader` (batches, or [input, ...] lists whose first entry is the input). */
export function updateBn(loader: Iterable<unknown>, model: AnyModule): void {
  checkArity("swaUtils.updateBn()", arguments, 2);
  if (!(model instanceof Module)) throw new ArgumentError("swaUtils.updateBn(): model must be an nn.Module");
  if (loader === null || typeof (loader as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new ArgumentError("swaUtils.updateBn(): loader must be iterable (for...of)");
  }
  const momenta = new Map<BatchNormState, number | null>();
  for (const m of model.modules()) {
    if (!BATCH_NORMS.has(m.getName())) continue;
    const bn = m as unknown as BatchNormState;
    if (bn.running_mean === null || bn.running_var === null) continue; // no running statistics to update
    bn.running_mean = zerosLike(bn.running_mean);
    bn.running_var = onesLike(bn.running_var);
    momenta.set(bn, bn.momentum);
  }
  if (momenta.size === 0) return;
  const wasTraining = model.training;
  model.train();
  for (const bn of momenta.keys()) {
    bn.momentum = null;
    bn.num_batches_tracked?.zero_();
  }
  noGrad(() => {
    for (const batch of loader) {
      const input = Array.isArray(batch) ? batch[0] : batch;
      (model.forward as (x: unknown) => unknown)(input);
    }
  });
  for (const [bn, momentum] of momenta) bn.momentum = momentum;
  model.train(wasTraining);
}
