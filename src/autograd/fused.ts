import { Tensor } from "../tensor/tensor.ts";
import { runBackward, runPass } from "./engine.ts";
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
      // createGraph: the private leaves would end the recorded backward's graph; differentiate a fresh
      // composition over the real inputs instead.
      if (isGradEnabled()) return recomputeGrads(inputs, needs, g, compute);
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

/**
 * For a backward that runs under createGraph but computes with kernels: the gradients of `compute`,
 * recomputed as recorded ops over the inputs and differentiated with a graph of their own. Each input
 * is seen through an identity node, so the nested pass stops there and never runs the inputs' history.
 */
export function recomputeGrads(
  inputs: readonly (Tensor | null)[],
  needs: readonly boolean[],
  g: Tensor,
  compute: (...xs: (Tensor | null)[]) => Tensor,
): (Tensor | null)[] {
  const stand = inputs.map((t, i) => (t?.requiresGrad && needs[i] ? passThrough("Identity", t) : t));
  const out = compute(...stand);
  const want = stand.filter((t, i): t is Tensor => t !== null && t !== inputs[i]);
  if (!out.requiresGrad || want.length === 0) return inputs.map(() => null);
  const got = runPass({ roots: [[out, g]], retainGraph: true, createGraph: true, capture: want });
  return stand.map((t) => (t === null ? null : (got[want.indexOf(t)] ?? null)));
}
