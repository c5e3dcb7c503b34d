/** A dataset that worker threads can rebuild, with knobs to make some samples slow, hang, or kill the worker. */
import { threadId } from "node:worker_threads";
import { Dataset } from "../../src/utils/data/dataset.ts";
import type { DatasetRecipe, JsonValue } from "../../src/utils/data/recipe.ts";

export interface SlowRangeOptions {
  /** Samples whose index is a multiple of this take ~20 ms. */
  slowEvery?: number;
  /** Loading this index ends the thread (process.exit in a worker stops only that worker). */
  exitAt?: number;
  /** Loading this index never returns: a busy loop ("spin") or a blocking Atomics.wait ("block"). */
  hangAt?: number;
  hang?: "spin" | "block";
  /** Samples are the id of the thread that loaded them instead of their index. */
  threadIds?: boolean;
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
    if (i === this.options.hangAt) {
      if (this.options.hang === "block") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      for (;;);
    }
    if (this.options.slowEvery && i % this.options.slowEvery === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    return this.options.threadIds ? threadId : i;
  }

  workerRecipe(): DatasetRecipe {
    return { module: import.meta.url, export: "SlowRange", args: { n: this.n, ...this.options } };
  }

  static fromRecipe(args: JsonValue): SlowRange {
    const a = args as unknown as { n: number } & SlowRangeOptions;
    return new SlowRange(a.n, a);
  }
}
