import { backend } from "../backend/registry.ts";
import { AutogradError, ShapeError } from "../errors.ts";
import { allocStorage } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkBackward, isAnomalyEnabled } from "./anomaly.ts";
import { noGrad } from "./grad_mode.ts";
import { GradLedger } from "./ledger.ts";
import type { Node } from "./node.ts";

export interface BackwardOptions {
  /** Keep saved tensors so backward can run through this graph again. */
  retainGraph?: boolean;
}

const view = (t: Tensor) => ({ data: t.storage, offset: t.offset, strides: t.strides });

/** a + b into a fresh contiguous tensor (gradients may be views of tensors we must not write). */
function sum(a: Tensor, b: Tensor): Tensor {
  const out = Tensor.empty(a.shape, a.dtype);
  backend().binary("add", view(a), view(b), out.storage, a.shape);
  return out;
}

/** A contiguous copy of t, converted to `dtype` when it differs. */
function cloneDense(t: Tensor, dtype = t.dtype): Tensor {
  const out = allocStorage(dtype, t.numel());
  backend().copy(view(t), t.shape, out);
  return Tensor.fromStorage(out, dtype, t.shape);
}

/** Adds g into leaf.grad; `adopt` says g is a buffer no one else holds, so it can become .grad as is. */
function accumulateLeaf(leaf: Tensor, g: Tensor, adopt: (g: Tensor) => boolean = () => false): void {
  if (!sameShape(leaf.shape, g.shape)) {
    throw new ShapeError(`gradient of shape ${fmtShape(g.shape)} does not match leaf of shape ${fmtShape(leaf.shape)}`);
  }
  if (g.dtype !== leaf.dtype) g = cloneDense(g, leaf.dtype);
  const prev = Tensor.peekGrad(leaf);
  if (prev === null || !prev.isDense() || prev.dtype !== leaf.dtype || !sameShape(prev.shape, leaf.shape)) {
    Tensor.setOwnGrad(leaf, prev !== null ? sum(prev, g) : adopt(g) ? g.detach() : cloneDense(g));
    return;
  }
  // In place into the leaf's own gradient buffer: a training loop allocates nothing here after step 1.
  backend().binary("add", view(prev), view(g), prev.storage, prev.shape);
}

/** Nodes reachable from root, ordered so each node comes before every node it feeds gradients to. */
function topoOrder(root: Node): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>([root]);
  // Iterative post-order DFS: deep graphs (long RNN-like chains) must not overflow the JS stack.
  const stack: [Node, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, i] = top;
    if (i < node.next.length) {
      top[1] = i + 1;
      const e = node.next[i];
      if (e && !(e instanceof Tensor) && !seen.has(e)) {
        seen.add(e);
        stack.push([e, 0]);
      }
    } else {
      stack.pop();
      order.push(node);
    }
  }
  return order.reverse();
}

/** Reverse-mode differentiation from `root`, seeded with `gradient`. */
export function runBackward(root: Tensor, gradient: Tensor | undefined, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError("element 0 of tensors does not require grad and does not have a grad_fn");
  }
  let seed: Tensor;
  if (gradient === undefined) {
    if (root.numel() !== 1) {
      throw new AutogradError(
        `grad can be implicitly created only for scalar outputs (got an output of shape ${fmtShape(root.shape)}; pass a gradient to backward())`,
      );
    }
    seed = Tensor.fromStorage(allocStorage(root.dtype, 1).fill(1), root.dtype, root.shape);
  } else {
    Tensor.check(gradient, "gradient");
    if (!sameShape(gradient.shape, root.shape)) {
      throw new ShapeError(
        `Mismatch in shape: grad_output[0] has a shape of ${fmtShape(gradient.shape)} and output[0] has a shape of ${fmtShape(root.shape)}.`,
      );
    }
    seed = gradient.detach();
  }
  noGrad(() => {
    if (root.gradFn === null) {
      accumulateLeaf(root, seed);
      return;
    }
    const grads = new Map<Node, Tensor>([[root.gradFn, seed]]);
    const ledger = new GradLedger(seed);
    for (const node of topoOrder(root.gradFn)) {
      const g = grads.get(node);
      if (!g) continue;
      grads.delete(node);
      ledger.drop(g);
      // A retained gradient is always a copy, so g stays free to be adopted further down.
      if (node.retained) accumulateLeaf(node.retained, g);
      if (node.backwardFn === null) {
        throw new AutogradError(
          `Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) at ${node.name}. ` +
            "Saved intermediate values of the graph are freed when you call .backward(). Specify retainGraph: true if you need to backward through the graph a second time.",
        );
      }
      node.saved?.check(node.name);
      const needs = node.next.map((e) => e !== null);
      const inGrads = node.backwardFn(g, needs);
      if (isAnomalyEnabled()) checkBackward(node, inGrads);
      if (!opts.retainGraph) node.release();
      for (let i = 0; i < node.next.length; i++) {
        const e = node.next[i];
        const gi = inGrads[i];
        if (!e || !gi) continue;
        if (e instanceof Tensor) accumulateLeaf(e, gi, (t) => t === gi && ledger.adopt(t, inGrads));
        else {
          const prev = grads.get(e);
          const next = prev ? sum(prev, gi) : gi;
          if (prev) ledger.drop(prev);
          ledger.hold(next);
          grads.set(e, next);
        }
      }
    }
  });
}
