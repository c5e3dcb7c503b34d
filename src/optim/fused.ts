/**
 * Fused optimizer updates: the seam between the update rules and a backend that can run a whole
 * group's update in one call (the native and wasm backends do, with the same float32 roundings as
 * the JS loops, so results are bit-identical either way).
 *
 * The seam is an optional kernel, not a kernel of the Backend interface: a backend may register
 * one named "fusedOptimizer" (its shape is in src/backend/fused_optimizer.ts), and `fusedOptimizer()`
 * asks the active backend for it (so KINDLING_BACKEND=js, or a backend without it, runs the JS
 * loops). Nothing here imports a particular backend; the JS loops in sgd.ts / adam.ts stay the
 * reference, and the only thing an optimizer does differently is to hand its updates to an
 * UpdateBatch instead of running them.
 */
import type { FusedAdamScalars, FusedOptimizer, FusedSgdScalars } from "../backend/fused_optimizer.ts";
import { optionalKernel } from "../backend/registry.ts";
import type { FloatArray } from "./dense.ts";

/** SGD's scalars for one group and precision (rounded to it, as the JS loop uses them). */
export type SGDScalars = FusedSgdScalars;

/** Adam's scalars; `negStepSize` and `bc2Sqrt` differ per parameter (each has its own step count). */
export interface AdamScalars extends FusedAdamScalars {
  bc2Sqrt: number;
  negStepSize: number;
}

export type { FusedOptimizer };

/** The active backend's fused optimizer, or null. */
export function fusedOptimizer(): FusedOptimizer | null {
  return optionalKernel("fusedOptimizer") ?? null;
}

export interface SGDItem {
  p: FloatArray;
  g: FloatArray;
  buf: FloatArray | null;
  first: boolean;
  s: SGDScalars;
}

export interface AdamItem {
  p: FloatArray;
  g: FloatArray;
  m: FloatArray;
  v: FloatArray;
  vmax: FloatArray | null;
  s: AdamScalars;
}

/**
 * Collects one group's parameter updates. Without a fused optimizer each update (and its commit,
 * which writes a non-contiguous parameter back) runs at once, exactly as a plain loop would; with
 * one, they run at `flush()`: one call per precision, then the commits. Items of one precision in a
 * batch must share their group scalars (they do: the scalars depend only on the group and the
 * precision); a call the backend declines falls back to the JS loop per item.
 */
export class UpdateBatch<I extends { p: FloatArray }> {
  private readonly items: I[] = [];
  private readonly commits: (() => void)[] = [];
  private readonly fused: FusedOptimizer | null = fusedOptimizer();

  constructor(
    private readonly runFused: (k: FusedOptimizer, items: I[]) => boolean,
    private readonly runJs: (item: I) => void,
  ) {}

  add(item: I, commit: () => void): void {
    if (!this.fused) {
      this.runJs(item);
      commit();
      return;
    }
    this.items.push(item);
    this.commits.push(commit);
  }

  flush(): void {
    if (!this.fused || this.items.length === 0) return;
    for (const part of [this.items.filter((i) => i.p instanceof Float32Array), this.items.filter((i) => !(i.p instanceof Float32Array))]) {
      if (part.length > 0 && !this.runFused(this.fused, part)) part.forEach(this.runJs);
    }
    for (const c of this.commits) c();
    this.items.length = 0;
    this.commits.length = 0;
  }
}

/** An UpdateBatch of SGD updates (`js` is the reference loop for one parameter). */
export function sgdBatch(js: (item: SGDItem) => void): UpdateBatch<SGDItem> {
  return new UpdateBatch<SGDItem>((k, items) => {
    const withBuf = items.every((i) => i.buf !== null);
    if (!withBuf && items.some((i) => i.buf !== null)) return false;
    return k.sgdStep(
      items.map((i) => i.p), items.map((i) => i.g),
      withBuf ? items.map((i) => i.buf!) : null, withBuf ? items.map((i) => i.first) : null,
      items[0]!.s,
    );
  }, js);
}

/** An UpdateBatch of Adam/AdamW updates. */
export function adamBatch(js: (item: AdamItem) => void): UpdateBatch<AdamItem> {
  return new UpdateBatch<AdamItem>((k, items) => {
    const ams = items.every((i) => i.vmax !== null);
    if (!ams && items.some((i) => i.vmax !== null)) return false;
    return k.adamStep(
      items.map((i) => i.p), items.map((i) => i.g), items.map((i) => i.m), items.map((i) => i.v),
      ams ? items.map((i) => i.vmax!) : null,
      items.map((i) => i.s.negStepSize), items.map((i) => i.s.bc2Sqrt),
      items[0]!.s,
    );
  }, js);
}
