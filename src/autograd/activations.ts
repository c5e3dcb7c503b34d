import type { Storage } from "../tensor/dtype.ts";
import { releaseStorage } from "../tensor/pool.ts";
import { Tensor } from "../tensor/tensor.ts";
import type { Node } from "./node.ts";

/**
 * Activations no code outside kindling can reach (the tensors a Sequential's built-in layers hand one
 * another, see nn/chain.ts) go back to the storage pool once nothing can read them: at once when no
 * graph was recorded, else when the last graph node that saved tensors in that forward is released by a
 * backward. Without this every training step leaves its activations (~35 MB for the bench CNN) for V8 to
 * collect, and the next step allocates them afresh: 2-3 full GCs per step.
 *
 * JS cannot count references, so what makes this safe is where the tensors come from: the caller
 * vouches that only kindling's own layers and the graph nodes they recorded ever held them.
 */

/** Storages waiting for `holders` more nodes to be released. */
interface Group {
  holders: number;
  readonly storages: readonly Storage[];
}

const groupsOf = new WeakMap<Node, Group[]>();
/** Groups whose last holder was released during the running backward pass; recycled when it ends. */
let ready: Storage[] = [];
let enabled = true;

/** For tests: turns the recycling of private activations off (true again restores it). */
export function setActivationRecycling(on: boolean): void {
  enabled = on;
}

/**
 * Hands over `own`, private activations of a forward that made the graph nodes with `seq` ≥ `sinceSeq`
 * reachable from `output`: each buffer once, and none that `output` or a `shared` tensor (one the
 * caller returns or was given) lies in, even through a view.
 */
export function releaseWhenFreed(output: Tensor, sinceSeq: number, own: readonly (Storage | null | undefined)[], shared: readonly (Tensor | null | undefined)[] = []): void {
  if (!enabled) return;
  const seen = new Set<ArrayBufferLike>([output.storage.buffer]);
  for (const t of shared) if (t) seen.add(t.storage.buffer);
  const storages: Storage[] = [];
  for (const st of own) {
    if (!st || seen.has(st.buffer)) continue;
    seen.add(st.buffer);
    storages.push(st);
  }
  if (storages.length === 0) return;
  const holders = savingNodes(output.gradFn, sinceSeq);
  if (holders.length === 0) {
    for (const s of storages) releaseStorage(s);
    return;
  }
  const group: Group = { holders: holders.length, storages };
  for (const n of holders) {
    const list = groupsOf.get(n);
    if (list) list.push(group);
    else groupsOf.set(n, [group]);
  }
}

/** The not yet released nodes made since `sinceSeq` that saved tensors, reachable from root. */
function savingNodes(root: Node | null, sinceSeq: number): Node[] {
  const found: Node[] = [];
  if (root === null || root.seq < sinceSeq) return found;
  const seen = new Set<Node>([root]);
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.savesTensors && !n.freed) found.push(n);
    for (const e of n.next) {
      if (e === null || e instanceof Tensor || e.seq < sinceSeq || seen.has(e)) continue;
      seen.add(e);
      stack.push(e);
    }
  }
  return found;
}

/** Node.release(): one holder fewer for each group the node held. */
export function nodeReleased(n: Node): void {
  const list = groupsOf.get(n);
  if (!list) return;
  groupsOf.delete(n);
  for (const g of list) if (--g.holders === 0) ready.push(...g.storages);
}

/**
 * At the end of a backward pass: recycles the storages whose holders are all gone, except those the
 * pass may have handed on (a gradient that aliases one and became a leaf's `.grad`).
 */
export function recycleFreedActivations(mayRecycle: (s: Storage) => boolean): void {
  if (ready.length === 0) return;
  const list = ready;
  ready = [];
  for (const s of list) if (mayRecycle(s)) releaseStorage(s);
}
