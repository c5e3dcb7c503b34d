import { Tensor } from "../tensor/tensor.ts";
import { runBackward } from "./engine.ts";
import { isGradEnabled } from "./grad_mode.ts";
import { Node } from "./node.ts";
import { record } from "./record.ts";

/**
 * What a composed op shows of its graph when PyTorch runs it as one ATen function: one node with
 * PyTorch's name (MseLossBackward0) whose next_functions are the op's inputs in PyTorch's order. The
 * composition still runs as written, on private leaves standing for the inputs (sharing their memory,
 * so in-place checks see the same versions); the node's backward runs the composition's own backward
 * and hands on the leaves' gradients, so the numbers are exactly those of the composition.
 */
export function asOneNode(name: string, inputs: readonly (Tensor | null)[], compute: (...xs: (Tensor | null)[]) => Tensor): Tensor {
  if (!isGradEnabled() || !inputs.some((t) => t?.requiresGrad)) return compute(...inputs);
  const leaves = inputs.map((t) => (t?.requiresGrad ? Tensor.fromStorage(t.storage, t.dtype, t.shape, t.strides, t.offset).requiresGrad_(true) : t));
  const inner = compute(...leaves);
  if (!inner.requiresGrad) return inner;
  // The inner graph is kept until this node is released (retainGraph on the inner run, so a retained
  // outer graph can run backward again).
  const out = Tensor.fromStorage(inner.storage, inner.dtype, inner.shape, inner.strides, inner.offset);
  return record(
    out,
    name,
    inputs,
    (g, needs) => {
      for (const l of leaves) if (l?.requiresGrad) l.grad = null;
      runBackward(inner, g, { retainGraph: true });
      const grads = leaves.map((l, i) => (l?.requiresGrad && needs[i] ? l.grad : null));
      // Handed on, not kept: the leaves must not share a buffer that becomes an input's .grad.
      for (const l of leaves) if (l?.requiresGrad) l.grad = null;
      return grads;
    },
    [],
  );
}

/**
 * A node standing where PyTorch's graph has one that kindling's fused op folds into its neighbour
 * (AddmmBackward0's TBackward0 over the weight, NllLossBackward0's LogSoftmaxBackward0 over the logits):
 * the neighbour's backward already computes the gradient of `input` itself, which this node passes on
 * unchanged. Only its name and its place in next_functions are PyTorch's.
 */
export function passThrough(name: string, input: Tensor): Tensor {
  const t = Tensor.fromStorage(input.storage, input.dtype, input.shape, input.strides, input.offset);
  if (!input.requiresGrad || !isGradEnabled()) return t;
  t.gradFn = new Node(name, [input.gradFn ?? input], (g) => [g], false);
  t.requiresGrad = true;
  return t;
}
