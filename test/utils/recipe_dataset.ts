/** A dataset that worker threads can rebuild, with knobs to make some samples slow or kill the worker. */
import { Dataset } from "../../src/utils/data/dataset.ts";
import type { DatasetRecipe, JsonValue } from "../../src/utils/data/recipe.ts";

export interface SlowRangeOptions {
  /** Samples whose index is a multiple of this take ~20 ms. */
  slowEvery?: number;
  /** Loading this index ends the thread (process.exit in a worker stops only that worker). */
  exitAt?: number;
}

export class SlowRange extends Dataset<number> {
  constructor(
    readonly n: number,
    readonly options: SlowRangeOptions = {},
  ) {
    super();
  }

  get length(): number {
    return this.n;
  }

  getItem(i: number): number {
    if (i === this.options.exitAt) process.exit(7);
    if (this.options.slowEvery && i % this.options.slowEvery === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return i;
  }

  workerRecipe(): DatasetRecipe {
    return { module: import.meta.url, export: "SlowRange", args: { n: this.n, ...this.options } };
  }

  static fromRecipe(args: JsonValue): SlowRange {
    const a = args as unknown as { n: number } & SlowRangeOptions;
    return new SlowRange(a.n, a);
  }
}
