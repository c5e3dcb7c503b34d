import type { Tensor } from "../tensor/tensor.ts";
import { nodeReleased } from "./activations.ts";
import type { SavedVersions } from "./saved.ts";
import { INSPECT } from "../platform/inspect.ts";

/**
 * Computes the gradients of an op's inputs from the gradient of its output. `needs[i]` says whether
 * input i wants one, so a backward can skip work (e.g. the weight gradient of a frozen layer).
 * Return new tensors (or views of `grad`), never one the caller keeps: a returned gradient may become a
 * leaf's `.grad` without a copy, and its buffer may be reused after `zeroGrad()`.
 */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** The backward of a node with several outputs: one gradient per output (null where none arrived). */
export type MultiBackwardFn = (grads: readonly (Tensor | null)[], needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/**
 * Where an input's gradient goes: the node that produced it, a leaf that accumulates `.grad`, or
 * nowhere. Nodes keep only these edges, not the input tensors, so intermediate activations are freed
 * as soon as no backward closure saved them.
 */
export type Edge = Node | Tensor | null;

let created = 0;

/** How many nodes exist so far: nodes with `seq` at or past a count taken before an op are the op's. */
export function nodesMade(): number {
  return created;
}

export class Node {
  /** How many nodes were made before this one: tells the nodes one op made from older history. */
  readonly seq = created++;
  /** Set by `retainGrad()` on the output tensor, which then receives its gradient too. */
  retained: Tensor | null = null;
  freed = false;

  constructor(
    readonly name: string,
    readonly next: readonly Edge[],
    public backwardFn: BackwardFn | null,
    /** Ops that saved no tensors can run backward again after the graph is "freed", as in PyTorch. */
    readonly savesTensors: boolean,
    /** The versions of the saved tensors at record time; backward refuses to read one modified since. */
    public saved: SavedVersions | null = null,
  ) {}

  /**
   * Its backward is user code (a custom Function, a hook): the gradients it returns may be tensors
   * someone else holds, so a leaf copies them rather than adopting them as its `.grad`.
   */
  foreignGrads = false;

  /** Drops the saved tensors (the closure) so their memory can go. */
  release(): void {
    if (!this.savesTensors) return;
    this.backwardFn = null;
    this.saved = null;
    this.freed = true;
    nodeReleased(this);
  }

  /**
   * PyTorch's `grad_fn.next_functions`: for each input, [the node its gradient goes to, that node's
   * output number], an AccumulateGrad for a leaf that requires grad, [null, 0] for an input that needs none.
   */
  get nextFunctions(): [Node | AccumulateGrad | null, number][] {
    return this.next.map((e): [Node | AccumulateGrad | null, number] => {
      if (e === null) return [null, 0];
      if (e instanceof OutputEdge) return [e.owner, e.index];
      if (e instanceof Node) return [e, 0];
      return [accumulateGradOf(e), 0];
    });
  }

  /** As PyTorch prints a grad_fn: `<MulBackward0 object>` (no address: JS objects have none to show). */
  toString(): string {
    return `<${this.name} object>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** The node that accumulates a leaf's gradient into `.grad`, as `next_functions` shows it (one per leaf). */
export class AccumulateGrad {
  readonly name = "AccumulateGrad";
  readonly nextFunctions: [] = [];
  constructor(readonly variable: Tensor) {}

  toString(): string {
    return "<AccumulateGrad object>";
  }

  [INSPECT](): string {
    return this.toString();
  }
}

const accumulators = new WeakMap<Tensor, AccumulateGrad>();

function accumulateGradOf(leaf: Tensor): AccumulateGrad {
  let a = accumulators.get(leaf);
  if (a === undefined) accumulators.set(leaf, (a = new AccumulateGrad(leaf)));
  return a;
}

/** Stands in for the single-output backward of a MultiNode, which the engine never calls. */
const UNUSED: BackwardFn = () => {
  throw new Error("internal: a MultiNode's backward takes all its output gradients (multiBackward)");
};

/**
 * A node with several outputs (a custom Function returning an array, a module's backward hook over
 * its inputs). Each output tensor's gradFn is an OutputEdge that hands its gradient to this node; the
 * engine runs `multiBackward` once all of them are in (topological order guarantees it).
 */
export class MultiNode extends Node {
  constructor(
    name: string,
    next: readonly Edge[],
    public multiBackward: MultiBackwardFn | null,
    readonly outputCount: number,
    savesTensors: boolean,
    saved: SavedVersions | null = null,
  ) {
    super(name, next, UNUSED, savesTensors, saved);
  }

  override release(): void {
    if (!this.savesTensors) return;
    super.release();
    this.multiBackward = null;
  }
}

/** Output `index` of a MultiNode, the gradFn of that output tensor (its hooks and retainGrad attach here). */
export class OutputEdge extends Node {
  constructor(
    readonly owner: MultiNode,
    readonly index: number,
  ) {
    super(owner.name, [owner], null, false);
  }
}
