/**
 * Who owns a DataLoader's worker threads, and when they stop. A `PoolSlot` holds at most one WorkerPool:
 * the loader's own slot with `persistentWorkers` (workers live across epochs), else one slot per epoch
 * iterator. Besides the explicit ends (epoch over, `break`, error, `close()`), a slot's pool is closed
 * when its owner — the loader or the iterator — is garbage-collected, so a loader dropped without
 * `close()` or an iterator abandoned mid-epoch leaves no threads behind.
 *
 * The registry holds the slot strongly and the owner weakly; a slot therefore must never reference its
 * owner (nor anything that does), or the owner could never be collected.
 */
import type { DatasetRecipe } from "./recipe.ts";
import { WorkerPool } from "./worker_pool.ts";

export class PoolSlot {
  private pool: WorkerPool | null = null;

  /** `active` is the loader's set of slots holding a pool, so that `close()` can reach every epoch's workers. */
  constructor(
    private readonly recipe: DatasetRecipe,
    private readonly workers: number,
    private readonly active: Set<PoolSlot>,
  ) {}

  /** The slot's pool, started now if there is none or the last one failed. */
  async acquire(): Promise<WorkerPool> {
    if (this.pool?.failed) await this.release();
    if (this.pool === null) {
      this.pool = new WorkerPool(this.recipe, this.workers);
      this.active.add(this);
    }
    return this.pool;
  }

  /** Stops `which` (by default the current pool); the next acquire() starts fresh workers. */
  async release(which: WorkerPool | null = this.pool): Promise<void> {
    if (which !== null && which === this.pool) {
      this.pool = null;
      this.active.delete(this);
    }
    await which?.close();
  }
}

const orphans = new FinalizationRegistry<PoolSlot>((slot) => {
  slot.release().catch(() => {});
});

/** Closes `slot`'s workers once `owner` is garbage-collected (if nothing closed them before). */
export function releaseWithOwner(owner: object, slot: PoolSlot): void {
  orphans.register(owner, slot);
}
