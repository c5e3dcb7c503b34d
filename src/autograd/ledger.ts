import type { Storage } from "../tensor/dtype.ts";
import type { Tensor } from "../tensor/tensor.ts";

/**
 * Which gradient buffers one backward pass still needs, so a leaf can adopt a fresh gradient instead
 * of copying it (PyTorch's AccumulateGrad steals a gradient nobody else holds). Buffers are tracked by
 * storage, so views of a gradient count as the gradient itself.
 *
 * A buffer may be adopted only when it is held by no pending gradient, is not the seed the caller
 * passed in, was not adopted by another leaf, and appears once among the outputs of the backward that
 * produced it.
 */
export class GradLedger {
  private readonly pending = new Map<Storage, number>();
  private readonly foreign = new Set<Storage>();

  constructor(seed: Tensor) {
    this.foreign.add(seed.storage);
  }

  hold(t: Tensor): void {
    this.pending.set(t.storage, (this.pending.get(t.storage) ?? 0) + 1);
  }

  drop(t: Tensor): void {
    const n = (this.pending.get(t.storage) ?? 0) - 1;
    if (n > 0) this.pending.set(t.storage, n);
    else this.pending.delete(t.storage);
  }

  /** g (a hook's or a custom Function's result) may be held by user code: no leaf adopts it. */
  disown(t: Tensor): void {
    this.foreign.add(t.storage);
  }

  /** Whether `g`, one of `outputs`, may become a leaf's own `.grad` without a copy; marks it taken if so. */
  adopt(g: Tensor, outputs: readonly (Tensor | null | undefined)[]): boolean {
    const s = g.storage;
    if (!g.isDense() || this.foreign.has(s) || this.pending.has(s)) return false;
    let uses = 0;
    for (const o of outputs) if (o && o.storage === s) uses++;
    if (uses !== 1) return false;
    this.foreign.add(s);
    return true;
  }
}
