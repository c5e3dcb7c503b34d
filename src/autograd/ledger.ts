import type { Storage } from "../tensor/dtype.ts";
import { issuedSince, passMark, releaseStorage } from "../tensor/pool.ts";
import type { Tensor } from "../tensor/tensor.ts";

/**
 * Which gradient buffers one backward pass still needs, so a leaf can adopt a fresh gradient instead
 * of copying it (PyTorch's AccumulateGrad steals a gradient nobody else holds). Buffers are tracked by
 * ArrayBuffer, so views of a gradient, and subarrays of its storage (denseData), count as the gradient.
 *
 * A buffer may be adopted only when it is held by no pending gradient, is not the seed the caller
 * passed in, was not adopted by another leaf, and appears once among the outputs of the backward that
 * produced it.
 *
 * It also gives dead gradients back to the storage pool (`recycle`), so the next op's output reuses them
 * instead of making V8 allocate, zero and later collect ~100 MB per CNN step. A buffer is recycled only when this pass made it (pool.ts issuedSince), no pending gradient lies in it, and no
 * user code or leaf may hold it (foreign).
 */
export class GradLedger {
  private readonly pendingBuffers = new Map<ArrayBufferLike, number>();
  private readonly foreignBuffers = new Set<ArrayBufferLike>();
  private readonly mark = passMark();

  constructor(seed: Tensor) {
    this.disown(seed);
  }

  hold(t: Tensor): void {
    const b = t.storage.buffer;
    this.pendingBuffers.set(b, (this.pendingBuffers.get(b) ?? 0) + 1);
  }

  drop(t: Tensor): void {
    const b = t.storage.buffer;
    const m = (this.pendingBuffers.get(b) ?? 0) - 1;
    if (m > 0) this.pendingBuffers.set(b, m);
    else this.pendingBuffers.delete(b);
  }

  /** g (a hook's or a custom Function's result, or a gradient user code saw) may be held by user code: no leaf adopts it. */
  disown(t: Tensor): void {
    this.foreignBuffers.add(t.storage.buffer);
  }

  /** Whether no pending gradient lies in s's buffer and no leaf or user code may hold it. */
  isFree(s: Storage): boolean {
    return !this.pendingBuffers.has(s.buffer) && !this.foreignBuffers.has(s.buffer);
  }

  /** Gives t's buffer to the pool if this pass made it and nothing can read it any more. */
  recycle(t: Tensor | null | undefined): void {
    if (!t) return;
    const s = t.storage;
    if (!issuedSince(s, this.mark) || !this.isFree(s)) return;
    releaseStorage(s);
  }

  /** Whether `g`, one of `outputs`, may become a leaf's own `.grad` without a copy; marks it taken if so. */
  adopt(g: Tensor, outputs: readonly (Tensor | null | undefined)[]): boolean {
    const s = g.storage;
    if (!g.isDense() || this.foreignBuffers.has(s.buffer) || this.pendingBuffers.has(s.buffer)) return false;
    let uses = 0;
    for (const o of outputs) if (o && o.storage.buffer === s.buffer) uses++;
    if (uses !== 1) return false;
    this.disown(g);
    return true;
  }
}
