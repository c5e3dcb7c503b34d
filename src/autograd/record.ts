import { Tensor } from "../tensor/tensor.ts";
import { checkForward, isAnomalyEnabled } from "./anomaly.ts";
import { isGradEnabled } from "./grad_mode.ts";
import { type BackwardFn, type Edge, Node } from "./node.ts";
import { type Saves, SavedVersions } from "./saved.ts";

export type { Saves } from "./saved.ts";

/**
 * Connects an op's output to the graph when grad mode is on and any input requires grad. Every op
 * calls this right after computing its forward, with its backward written beside it. `saves` says what
 * the backward reads (see Saves): their versions are checked before it runs, so an in-place write to
 * one of them is an error rather than a wrong gradient.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  saves: Saves = true,
): Tensor {
  // An output over its input's memory is a view, whether or not a graph is recorded: an in-place op
  // on it writes the base too (ops/inplace.ts).
  if (inputs.length === 1) {
    const x = inputs[0];
    if (x && x !== out && x.storage === out.storage) Tensor.markView(out, x, isGradEnabled());
  }
  if (!isGradEnabled()) return out;
  let any = false;
  for (const t of inputs) if (t && t.requiresGrad) any = true;
  if (!any) return out;
  const next: Edge[] = inputs.map((t) => (t && t.requiresGrad ? (t.gradFn ?? t) : null));
  const saved = saves === false ? null : SavedVersions.take(saves === true ? inputs : saves, out, inputs);
  out.gradFn = new Node(name, next, backward, saves !== false, saved);
  out.requiresGrad = true;
  if (isAnomalyEnabled()) checkForward(out, out.gradFn, inputs);
  return out;
}
