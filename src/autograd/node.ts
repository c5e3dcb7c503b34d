import type { Tensor } from "../tensor/tensor.ts";
import type { SavedVersions } from "./saved.ts";

/**
 * Computes the gradients of an op's inputs from the gradient of its output. `needs[i]` says whether
 * input i wants one, so a backward can skip work (e.g. the weight gradient of a frozen layer).
 * Return new tensors (or views of `grad`), never one the caller keeps: a returned gradient may become a
 * leaf's `.grad` without a copy, and its buffer may be reused after `zeroGrad()`.
 */
export type BackwardFn = (grad: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

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

  /** Drops the saved tensors (the closure) so their memory can go. */
  release(): void {
    if (!this.savesTensors) return;
    this.backwardFn = null;
    this.saved = null;
    this.freed = true;
  }
}
