import type { Storage, StorageClass } from "./dtype.ts";
import { resetVersion } from "./version.ts";

/**
 * Recycles large gradient buffers between training steps. A step's weight gradients are new typed
 * arrays (zeroGrad sets them to null, as PyTorch 2 does), and allocating ~16 MB of them per step of the
 * seed MLP costs a V8 scavenge for the external memory, fresh pages or a memset, and cold caches.
 * zeroGrad hands a gradient's buffer back here when kindling can prove nobody else holds it (the engine
 * made it, no code outside kindling read `.grad`, see Tensor.releaseGrad), and the next op that
 * overwrites its whole output takes it (allocUninitialized).
 *
 * Only buffers this module issued are accepted back (`issued`), so a user's tensor can never end up
 * here even if a custom backward returned it. The engine also returns intermediate gradients, and
 * nn.Sequential its activations (autograd/ledger.ts, activations.ts), so the pool holds about one step's
 * working set: a Transformer step of the bench (4 layers, d 256, seq 128, batch 16) needs more than
 * 256 MB, and at that cap still made 15 collections per step against 1.3 at 1 GB. Past MAX_BYTES the
 * buffers given back longest ago go first, so shapes a program stopped using do not crowd out the
 * ones it uses.
 */
let MAX_BYTES = 1 << 30;

const free = new Map<StorageClass, Map<number, Storage[]>>();
/** Every pooled buffer, oldest first (a Set keeps insertion order). */
const order = new Set<Storage>();
const issued = new WeakSet<Storage>();
let heldBytes = 0;
/**
 * When each issued buffer was last handed out, on a counter a backward pass advances as it starts
 * (passMark): a buffer stamped at or after a pass's mark was made by that pass (or by one nested in it),
 * so nothing from before the pass (an activation, a user's tensor) can be mistaken for one of its own
 * dead gradients.
 */
const born = new WeakMap<Storage, number>();
let clock = 0;

/** A free buffer of exactly n elements of this class, or null. */
export function takeStorage(ctor: StorageClass, n: number): Storage | null {
  const list = free.get(ctor)?.get(n);
  const s = list?.pop();
  if (!s) return null;
  order.delete(s);
  heldBytes -= s.byteLength;
  resetVersion(s);
  born.set(s, clock);
  return s;
}

/** Marks a buffer as one the pool may later take back. */
export function markIssued(s: Storage): void {
  issued.add(s);
  born.set(s, clock);
}

/** Starts a new period: buffers handed out from now on are `issuedSince` the returned mark. */
export function passMark(): number {
  return ++clock;
}

/** Whether s is a pool buffer handed out at or after `mark`. */
export function issuedSince(s: Storage, mark: number): boolean {
  return (born.get(s) ?? -1) >= mark;
}

/** Gives back a buffer nobody holds any more; returns whether the pool kept it. */
export function releaseStorage(s: Storage): boolean {
  if (!issued.has(s) || s.byteOffset !== 0 || s.byteLength !== s.buffer.byteLength) return false;
  if (s.byteLength > MAX_BYTES || order.has(s)) return false;
  evictDownTo(MAX_BYTES - s.byteLength);
  const ctor = s.constructor as StorageClass;
  let bySize = free.get(ctor);
  if (!bySize) free.set(ctor, (bySize = new Map()));
  let list = bySize.get(s.length);
  if (!list) bySize.set(s.length, (list = []));
  list.push(s);
  order.add(s);
  heldBytes += s.byteLength;
  return true;
}

/** Drops the oldest pooled buffers until the pool holds at most `bytes`. */
function evictDownTo(bytes: number): void {
  for (const old of order) {
    if (heldBytes <= bytes) break;
    evict(old);
  }
}

/** Drops a pooled buffer (to the garbage collector). */
function evict(s: Storage): void {
  const list = free.get(s.constructor as StorageClass)?.get(s.length);
  const i = list ? list.indexOf(s) : -1;
  if (i >= 0) list!.splice(i, 1);
  order.delete(s);
  heldBytes -= s.byteLength;
}

/** For tests: sets the pool's byte limit (evicting down to it), returns the previous one. */
export function setStoragePoolLimit(bytes: number): number {
  const prev = MAX_BYTES;
  MAX_BYTES = bytes;
  evictDownTo(MAX_BYTES);
  return prev;
}

/** Drops every pooled buffer (for tests, and for programs done training that want the memory back). */
export function clearStoragePool(): void {
  free.clear();
  order.clear();
  heldBytes = 0;
}

/** Bytes the pool holds now. */
export function pooledBytes(): number {
  return heldBytes;
}
