import { AutogradError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type Edge, Node } from "./node.ts";

/**
 * Guards for createGraph: a backward recorded while it runs can be differentiated again only where it
 * is written with ops. A backward that calls kernels directly (a fused loss, a convolution's passes)
 * returns gradients with no history, which a second derivative would silently read as constants.
 * Those gradients get PyTorch's DelayedError instead: a node that throws once something differentiates
 * through it, naming the node whose derivative is missing.
 */

/**
 * Nodes whose backward reads its saved inputs through kernels (or detached), so even a gradient that
 * has a history misses the terms through them. The fast paths that matter for double backward (matmul,
 * linear, relu, softmax, batch/layer norm, the losses) record ops instead under createGraph.
 */
const ONCE = new Set<string>([
  "GeluBackward0", "DigammaBackward0", "ConvolutionBackward0", "NativeGroupNormBackward0", "ScaledDotProductAttentionBackward",
]);

/** Declares node names whose backward cannot be differentiated (their ops call this at load). */
export function markOnceDifferentiable(...names: string[]): void {
  for (const n of names) ONCE.add(n);
}

function allZero(t: Tensor): boolean {
  const d = t.toTypedArray();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/**
 * Under createGraph, after `node`'s backward: a gradient with no history although the incoming gradient
 * had one (a backward is linear in it, so only an unrecorded kernel loses it; an all-zero gradient, as
 * floor's, has nothing to lose), or any gradient of a node marked once-differentiable, is replaced by a
 * tensor over the same memory whose gradFn refuses to run.
 */
export function guardGrads(node: Node, incoming: readonly (Tensor | null)[], grads: readonly (Tensor | null | undefined)[]): readonly (Tensor | null | undefined)[] {
  const once = ONCE.has(node.name);
  if (!once && !incoming.some((g) => g?.requiresGrad)) return grads;
  let out: (Tensor | null | undefined)[] | null = null;
  for (let i = 0; i < grads.length; i++) {
    const gi = grads[i];
    if (!gi || (!once && (gi.requiresGrad || allZero(gi)))) continue;
    out ??= [...grads];
    out[i] = delayedError(node, incoming, gi);
  }
  return out ?? grads;
}

function delayedError(node: Node, incoming: readonly (Tensor | null)[], gi: Tensor): Tensor {
  const t = Tensor.fromStorage(gi.storage, gi.dtype, gi.shape, gi.strides, gi.offset);
  const next: Edge[] = [...incoming.map((g) => (g?.requiresGrad ? (g.gradFn ?? g) : null)), ...node.next];
  const name = node.name;
  t.gradFn = new Node(
    "DelayedError",
    next,
    () => {
      throw new AutogradError(
        `the derivative for '${name}' is not implemented: kindling computes this gradient with kernels that are not recorded, ` +
          "so it cannot be differentiated again (createGraph).",
      );
    },
    false,
  );
  t.requiresGrad = true;
  return t;
}
