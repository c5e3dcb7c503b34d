import { backend } from "../backend/registry.ts";
import { ArgumentError, AutogradError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { allocStorage } from "../tensor/dtype.ts";
import { fmtShape, sameShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { recycleFreedActivations } from "./activations.ts";
import { checkBackward, isAnomalyEnabled } from "./anomaly.ts";
import { isGradEnabled, withGradMode } from "./grad_mode.ts";
import { guardGrads } from "./higher_order.ts";
import { GradLedger } from "./ledger.ts";
import { hasTensorHooks, hooksOf, runTensorHooks } from "./hooks.ts";
import { type Node, MultiNode, OutputEdge } from "./node.ts";

export interface BackwardOptions {
  /** Keep saved tensors so backward can run through this graph again (default: createGraph). */
  retainGraph?: boolean;
  /**
   * Record the backward pass itself, so the gradients it produces (and `.grad`) have a gradFn and can
   * be differentiated again: Hessian-vector products, gradient penalties.
   */
  createGraph?: boolean;
  /**
   * Accumulate into these tensors' `.grad` only (leaves or not); every other leaf is left as it was and
   * only the part of the graph that leads to them runs.
   */
  inputs?: Tensor | readonly Tensor[];
}

const view = (t: Tensor) => ({ data: t.storage, offset: t.offset, strides: t.strides });

/** a + b into a fresh contiguous tensor (gradients may be views of tensors we must not write). */
function sum(a: Tensor, b: Tensor): Tensor {
  // createGraph: the sum of two gradients is part of the recorded backward.
  if (isGradEnabled()) return a.add(b);
  const out = Tensor.uninitialized(a.shape, a.dtype);
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
  if (isGradEnabled()) {
    // createGraph, as PyTorch's AccumulateGrad with grad mode on: out of place, so .grad keeps the
    // graph of its terms; set as the caller's (not kindling's private buffer) since later ops may save it.
    const prev = Tensor.peekAccumulated(leaf);
    const gl = g.dtype === leaf.dtype ? g : g.to(leaf.dtype);
    leaf.grad = prev === null ? gl.clone() : prev.add(gl);
    return;
  }
  if (g.dtype !== leaf.dtype) g = cloneDense(g, leaf.dtype);
  const prev = Tensor.peekAccumulated(leaf);
  if (prev === null || !prev.isDense() || prev.dtype !== leaf.dtype || !sameShape(prev.shape, leaf.shape)) {
    Tensor.setOwnGrad(leaf, prev !== null ? sum(prev, g) : adopt(g) ? g.detach() : cloneDense(g));
    return;
  }
  // In place into the leaf's own gradient buffer: a training loop allocates nothing here after step 1.
  backend().binary("add", view(prev), view(g), prev.storage, prev.shape);
}

/** Nodes reachable from the roots, ordered so each node comes before every node it feeds gradients to. */
function topoOrder(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  for (const root of roots) {
    if (seen.has(root)) continue;
    seen.add(root);
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
  }
  return order.reverse();
}

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** `loss.backward({ retainGraph: true })`: the options without a gradient. */
    backward(opts: BackwardOptions): void;
  }
}

/** Reverse-mode differentiation from `root`, seeded with `gradient`. */
export function runBackward(root: Tensor, gradientOrOpts: Tensor | BackwardOptions | undefined, opts: BackwardOptions = {}): void {
  let gradient = gradientOrOpts as Tensor | undefined;
  // `loss.backward({ retainGraph: true })`, PyTorch's `loss.backward(retain_graph=True)`.
  const g = gradientOrOpts as unknown;
  if (typeof g === "object" && g !== null && !(g instanceof Tensor) && Object.getPrototypeOf(g) === Object.prototype) {
    opts = g as BackwardOptions;
    gradient = undefined;
  }
  checkOptions("backward()", opts, BACKWARD_OPTIONS, { index: 2 });
  const createGraph = opts.createGraph ?? false;
  const seed = seedOf(root, 0, gradient, createGraph, "; pass a gradient to backward()");
  runRoots([[root, seed]], opts);
}

export const BACKWARD_OPTIONS = { retainGraph: "boolean", createGraph: "boolean", inputs: "any" } as const;

/** A backward pass from seeded roots that fills `.grad`: of every leaf, or of `opts.inputs` only. */
export function runRoots(roots: readonly (readonly [Tensor, Tensor])[], opts: BackwardOptions): void {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  if (opts.inputs === undefined) {
    runPass({ roots, retainGraph, createGraph });
    return;
  }
  const inputs = opts.inputs instanceof Tensor ? [opts.inputs] : opts.inputs;
  if (!Array.isArray(inputs)) throw new ArgumentError("backward(): inputs must be a Tensor or an array of Tensors");
  if (inputs.length === 0) throw new AutogradError("'inputs' argument to backward() cannot be empty.");
  for (const t of inputs) {
    Tensor.check(t, "inputs");
    if (!t.requiresGrad) throw new AutogradError("can't retain_grad on Tensor that has requires_grad=False");
  }
  // As torch.autograd.grad, then added into .grad: a leaf's hooks run first, as on any accumulation.
  const grads = runPass({ roots, retainGraph, createGraph, capture: inputs });
  withGradMode(createGraph, () =>
    inputs.forEach((t, i) => {
      const g = grads[i];
      if (g) accumulateLeaf(t, t.gradFn === null ? runTensorHooks(t, g) : g);
    }),
  );
}

/**
 * The gradient a pass starts from at output `i`: ones for a scalar, else the given gradient, checked
 * against the output's shape. Under createGraph it keeps its own graph (a gradient may depend on
 * parameters too); otherwise it is only data.
 */
export function seedOf(root: Tensor, i: number, gradient: Tensor | null | undefined, createGraph: boolean, hint = ""): Tensor {
  if (!root.requiresGrad) {
    throw new AutogradError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
  }
  if (gradient === undefined || gradient === null) {
    if (root.numel() !== 1) {
      throw new AutogradError(
        `grad can be implicitly created only for scalar outputs` + (hint ? ` (got an output of shape ${fmtShape(root.shape)}${hint})` : ""),
      );
    }
    return Tensor.fromStorage(allocStorage(root.dtype, 1).fill(1), root.dtype, root.shape);
  }
  Tensor.check(gradient, "gradient");
  if (!sameShape(gradient.shape, root.shape)) {
    throw new ShapeError(
      `Mismatch in shape: grad_output[${i}] has a shape of ${fmtShape(gradient.shape)} and output[${i}] has a shape of ${fmtShape(root.shape)}.`,
    );
  }
  return createGraph ? gradient : gradient.detach();
}

/** One backward pass: where it starts, whether it keeps or records graphs, and where gradients go. */
export interface Pass {
  /** Each output and the gradient it is seeded with. */
  roots: readonly (readonly [Tensor, Tensor])[];
  retainGraph: boolean;
  createGraph: boolean;
  /**
   * torch.autograd.grad: the tensors whose gradients the pass returns (one entry each, null where none
   * arrived). Only the nodes that lead to them run, and no `.grad` is touched.
   */
  capture?: readonly Tensor[];
}

export function runPass(p: Pass): (Tensor | null)[] {
  depth++;
  try {
    return withGradMode(p.createGraph, () => backwardPass(p));
  } finally {
    depth--;
  }
}

/** How many backward passes are running (a composite op's backward runs one inside another). */
let depth = 0;

function backwardPass(p: Pass): (Tensor | null)[] {
  const { createGraph } = p;
  /** Where each captured tensor's gradient arrives: its gradFn, or the leaf itself. */
  const targets = new Map<Node | Tensor, number[]>();
  p.capture?.forEach((t, i) => {
    const key = t.gradFn ?? t;
    const list = targets.get(key);
    if (list) list.push(i);
    else targets.set(key, [i]);
  });
  const capturing = p.capture !== undefined;
  const captured = new Map<Node | Tensor, Tensor>();
  const grads = new Map<Node, Tensor>();
  /** The output gradients gathered so far for each MultiNode (see OutputEdge). */
  const gathered = new Map<MultiNode, (Tensor | null)[]>();
  /** Leaves with hooks: their gradients are summed first, so the hooks run once, on the total. */
  const hookedLeaves = new Map<Tensor, Tensor>();
  const ledger = new GradLedger(p.roots[0]![1]);
  for (const [, seed] of p.roots) ledger.disown(seed);
  /** Gradients that may have died; recycled once the node's outputs are all placed (they may alias). */
  const dying: Tensor[] = [];
  const hold = <K>(map: Map<K, Tensor>, key: K, gi: Tensor): void => {
    const prev = map.get(key);
    const next = prev ? sum(prev, gi) : gi;
    if (prev) {
      ledger.drop(prev);
      dying.push(prev, gi);
    }
    ledger.hold(next);
    map.set(key, next);
  };
  /** A gradient handed back to the caller of grad(): theirs now, never recycled. */
  const capture = (key: Node | Tensor, g: Tensor): void => {
    ledger.disown(g);
    hold(captured, key, g);
    ledger.disown(captured.get(key)!);
  };
  const roots: Node[] = [];
  for (const [root, seed] of p.roots) {
    if (root.gradFn !== null) {
      hold(grads, root.gradFn, seed);
      roots.push(root.gradFn);
    } else if (capturing) {
      if (targets.has(root)) capture(root, seed);
    } else accumulateLeaf(root, runTensorHooks(root, seed));
  }
  const order = topoOrder(roots);
  const needed = capturing ? neededNodes(order, targets) : null;
  for (const node of order) {
    let inGrads: readonly (Tensor | null | undefined)[];
    let incoming: readonly (Tensor | null)[];
    if (node instanceof MultiNode) {
      const slots = gathered.get(node);
      if (!slots) continue;
      gathered.delete(node);
      for (const s of slots) {
        if (!s) continue;
        ledger.drop(s);
        if (node.foreignGrads) ledger.disown(s);
        dying.push(s);
      }
      checkAlive(node, node.multiBackward);
      node.saved?.check(node.name);
      incoming = slots;
      inGrads = node.multiBackward!(slots, needsOf(node));
    } else {
      let g = grads.get(node);
      if (!g) continue;
      grads.delete(node);
      ledger.drop(g);
      // PyTorch 1.13 captures a gradient for grad() before the tensor's hooks run.
      if (capturing && targets.has(node)) capture(node, g);
      if (needed !== null && !needed.has(node)) continue;
      // User code that sees g (a hook, a custom Function's backward) may keep it.
      if (node.foreignGrads) ledger.disown(g);
      dying.push(g);
      if (hasTensorHooks()) {
        if (hooksOf(node)) ledger.disown(g);
        const hooked = runTensorHooks(node, g);
        if (hooked !== g) ledger.disown(hooked);
        g = hooked;
      }
      // A retained gradient is always a copy, so g stays free to be adopted further down.
      if (node.retained) accumulateLeaf(node.retained, g);
      if (node instanceof OutputEdge) {
        let slots = gathered.get(node.owner);
        if (!slots) gathered.set(node.owner, (slots = new Array<Tensor | null>(node.owner.outputCount).fill(null)));
        slots[node.index] = g;
        ledger.hold(g);
        continue;
      }
      checkAlive(node, node.backwardFn);
      node.saved?.check(node.name);
      incoming = [g];
      inGrads = node.backwardFn!(g, needsOf(node));
    }
    if (createGraph) inGrads = guardGrads(node, incoming, inGrads);
    if (isAnomalyEnabled()) checkBackward(node, inGrads);
    if (!p.retainGraph) node.release();
    if (node.foreignGrads) for (const gi of inGrads) if (gi) ledger.disown(gi);
    for (let i = 0; i < node.next.length; i++) {
      const e = node.next[i];
      const gi = inGrads[i];
      if (!e || !gi) continue;
      if (!(e instanceof Tensor)) hold(grads, e, gi);
      else if (capturing) {
        if (targets.has(e)) capture(e, gi);
      } else if (hooksOf(e)) hold(hookedLeaves, e, gi);
      else {
        accumulateLeaf(e, gi, (t) => !createGraph && t === gi && ledger.adopt(t, inGrads));
        dying.push(gi);
      }
    }
    // Under createGraph the recorded backward may have saved any of these gradients.
    if (createGraph) dying.length = 0;
    for (const t of dying.splice(0)) ledger.recycle(t);
    // Activations whose last reader just went, so this pass's next gradients can take their memory. A
    // nested pass (asOneNode's) leaves them to the outermost, whose ledger knows every gradient.
    if (depth === 1 && !createGraph) recycleFreedActivations((s) => ledger.isFree(s));
  }
  for (const [leaf, g] of hookedLeaves) accumulateLeaf(leaf, runTensorHooks(leaf, g));
  return (p.capture ?? []).map((t) => captured.get(t.gradFn ?? t) ?? null);
}

/** For grad(): the nodes that must run, those with a path to a captured tensor. */
function neededNodes(order: readonly Node[], targets: ReadonlyMap<Node | Tensor, number[]>): Set<Node> {
  const needed = new Set<Node>();
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    for (const e of node.next) {
      if (e && (targets.has(e) || (!(e instanceof Tensor) && needed.has(e)))) {
        needed.add(node);
        break;
      }
    }
  }
  return needed;
}

const needsOf = (node: Node): boolean[] => node.next.map((e) => e !== null);

function checkAlive(node: Node, fn: unknown): void {
  if (fn !== null) return;
  throw new AutogradError(
    `Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed) at ${node.name}. ` +
      "Saved intermediate values of the graph are freed when you call .backward(). Specify retainGraph: true if you need to backward through the graph a second time.",
  );
}
