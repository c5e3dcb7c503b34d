import type { Tensor } from "../tensor/tensor.ts";
import { checkForward, isAnomalyEnabled } from "./anomaly.ts";
import { isGradEnabled } from "./grad_mode.ts";
import { type BackwardFn, type Edge, Node } from "./node.ts";

/**
 * Connects an op's output to the graph when grad mode is on and any input requires grad. Every op
 * calls this right after computing its forward, with its backward written beside it.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  savesTensors = true,
): Tensor {
  if (!isGradEnabled()) return out;
  let any = false;
  for (const t of inputs) if (t && t.requiresGrad) any = true;
  if (!any) return out;
  const next: Edge[] = inputs.map((t) => (t && t.requiresGrad ? (t.gradFn ?? t) : null));
  out.gradFn = new Node(name, next, backward, savesTensors);
  out.requiresGrad = true;
  if (isAnomalyEnabled()) checkForward(out, out.gradFn, inputs);
  return out;
}
