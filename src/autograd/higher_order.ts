import { AutogradError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { isGradEnabled } from "./grad_mode.ts";
import { type Edge, Node } from "./node.ts";
import { record } from "./record.ts";

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
 * linear, relu, gelu, softmax, batch/layer norm, the losses) record ops instead under createGraph.
 */
const ONCE = new Set<string>([
  "DigammaBackward0", "NativeGroupNormBackward0", "ScaledDotProductAttentionBackward",
]);

/** Declares node names whose backward cannot be differentiated (their ops call this at load). */
export function markOnceDifferentiable(...names: string[]): void {
  for (const n of names) ONCE.add(n);
}

/**
 * Linear and piecewise-linear ops: their gradient reads saved tensors only for shapes, masks or indices,
 * so it has no derivative there and may rightly come back without a history.
 */
const PIECEWISE =
  /^(Slice|Select|Narrow|Expand|View|Reshape|Unsafe|Permute|Transpose|Squeeze|Unsqueeze|Flip|Roll|Repeat|Cat|Stack|Split|Unbind|Constant|Pad|Diag|Tril|Triu|Clone|Copy|To|Sum|Mean|Cumsum|Alias|AsStrided|Unfold|Neg|Add|Sub|Rsub|Maximum|Minimum|Fmax|Fmin|Clamp|Max|Min|Amax|Amin|Abs|Hardtanh|LeakyRelu|Relu|Threshold|MaxPool|AdaptiveMaxPool|FractionalMaxPool|MaxUnpool|Where|Masked|Dropout|Sort|Topk|Kthvalue|Median|Nanmedian|Cummax|Cummin|Sign|Sgn|Floor|Ceil|Round|Trunc|Frac|Index|Gather|Scatter|Take|Put|Remainder|Fmod|Hardshrink|Softshrink|Rrelu|Heaviside|Embedding|NativeDropout|FeatureDropout|Unique|Nansum|Nanmean|Lerp)/;

/**
 * A gradient with no history is also suspect when the node saved a tensor that has one (its output, or
 * an input that requires grad): a smooth op's gradient reads it, so its history was dropped (detached).
 */
function readsDifferentiable(node: Node): boolean {
  return node.saved !== null && !PIECEWISE.test(node.name) && node.saved.holdsDifferentiable();
}

function allZero(t: Tensor): boolean {
  const d = t.toTypedArray();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/**
 * Under createGraph, after `node`'s backward: a gradient with no history although the incoming gradient
 * had one (a backward is linear in it, so only an unrecorded kernel loses it; an all-zero gradient, as
 * floor's, has nothing to lose) or although the node saved a differentiable tensor, or any gradient of a
 * node marked once-differentiable, is replaced by a tensor over the same memory whose gradFn refuses to run.
 */
export function guardGrads(node: Node, incoming: readonly (Tensor | null)[], grads: readonly (Tensor | null | undefined)[]): readonly (Tensor | null | undefined)[] {
  const once = ONCE.has(node.name);
  if (!once && !incoming.some((g) => g?.requiresGrad)) {
    // Only when no gradient kept a history: one that does not read the saved tensors (a bias's) may
    // rightly have none while its neighbours do.
    if (!readsDifferentiable(node) || grads.some((gi) => gi?.requiresGrad)) return grads;
  }
  let out: (Tensor | null | undefined)[] | null = null;
  for (let i = 0; i < grads.length; i++) {
    const gi = grads[i];
    if (!gi || (!once && (gi.requiresGrad || allZero(gi)))) continue;
    out ??= [...grads];
    out[i] = delayedError(node, incoming, gi);
  }
  return out ?? grads;
}

/**
 * For a backward computed by a kernel that is linear in g and reads nothing with a history (pooling,
 * index scatters): under createGraph, records `gx` over g with `adjoint` (the transposed map, applied to
 * gx's gradient) as its backward, so it can be differentiated again; otherwise returns gx as is.
 */
export function recordAdjoint(name: string, gx: Tensor, g: Tensor, adjoint: (gg: Tensor) => Tensor): Tensor {
  if (!isGradEnabled() || !g.requiresGrad) return gx;
  return record(gx, name, [g], (gg) => [adjoint(gg)], false);
}

/**
 * For a backward that knows one of its branches is not recorded (prod over zeros): under createGraph,
 * `gi` refuses to be differentiated again, naming `name`; otherwise it is returned as is.
 */
export function refuseTwice(name: string, gi: Tensor, inputs: readonly (Tensor | null)[]): Tensor {
  if (!isGradEnabled()) return gi;
  return delayedError({ name, next: inputs.map((t) => (t?.requiresGrad ? (t.gradFn ?? t) : null)) }, [], gi);
}

function delayedError(node: Pick<Node, "name" | "next">, incoming: readonly (Tensor | null)[], gi: Tensor): Tensor {
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
