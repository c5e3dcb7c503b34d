/** State-dict helpers shared by issue 14's optimizers. */
import { Tensor } from "../../tensor/tensor.ts";
import type { OptimizerStateDict, ParamState } from "../optimizer.ts";

/**
 * A copy of `sd` where the named per-parameter entries, 0-d tensors in PyTorch's state dicts (as
 * NAdam's `mu_product`), are numbers, the form kindling keeps scalar state in (as it does `step`).
 */
export function scalarStateAsNumbers(sd: OptimizerStateDict, keys: readonly string[]): OptimizerStateDict {
  if (sd === null || typeof sd !== "object" || sd.state === null || typeof sd.state !== "object") return sd;
  const state: Record<number, ParamState> = {};
  for (const [k, entry] of Object.entries(sd.state)) {
    if (entry === null || typeof entry !== "object") {
      state[Number(k)] = entry;
      continue;
    }
    const out: ParamState = { ...entry };
    for (const key of keys) {
      const v = out[key];
      if (v instanceof Tensor && v.numel() === 1) out[key] = v.item();
    }
    state[Number(k)] = out;
  }
  return { ...sd, state };
}
