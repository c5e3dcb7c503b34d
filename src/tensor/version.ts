import type { Storage } from "./dtype.ts";

/**
 * Version counters (PyTorch's `t._version`): one per storage, so every view of the same memory and
 * `detach()` share it, as PyTorch shares the counter between a base and its views. Every in-place write
 * bumps it; a backward that saved a tensor compares the count with the one at save time
 * (autograd/saved.ts). Kept beside the storage, not on Tensor, so views need no bookkeeping.
 */
export class VersionCounter {
  value = 0;
}

const counters = new WeakMap<Storage, VersionCounter>();

export function versionCounter(storage: Storage): VersionCounter {
  let c = counters.get(storage);
  if (c === undefined) counters.set(storage, (c = new VersionCounter()));
  return c;
}

/** The current version of a storage, without creating a counter for one never written in place. */
export function versionOf(storage: Storage): number {
  return counters.get(storage)?.value ?? 0;
}

/** Records an in-place write to `storage` (every tensor over it sees the new version). */
export function bumpVersion(storage: Storage): void {
  versionCounter(storage).value++;
}

/**
 * A recycled buffer starts a new life at version 0. Nodes that saved its old tensors hold the old
 * counter object itself, so they still see every write made before the buffer was given back.
 */
export function resetVersion(storage: Storage): void {
  counters.delete(storage);
}

/**
 * The same memory under a new Storage object, so with a version counter of its own: what PyTorch's
 * `t.data` shows. Writes through it are invisible to autograd's saved-tensor checks on t (the point of
 * `p.data.add_(...)` in hand-written updates), while views of it share its counter.
 */
export function uncountedAlias(storage: Storage): Storage {
  const ctor = storage.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Storage;
  return new ctor(storage.buffer, storage.byteOffset, storage.length);
}
