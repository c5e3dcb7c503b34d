import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, IndexError, ShapeError } from "../../src/errors.ts";
import { arange, zeros } from "../../src/tensor/creation.ts";
import { Generator, manualSeed } from "../../src/tensor/random.ts";
import "../../src/ops/methods.ts";
import { ConcatDataset, Dataset, Subset, TensorDataset, randomSplit, sampleSeed } from "../../src/utils/data/index.ts";
import { datasetFromRecipe } from "../../src/utils/data/recipe.ts";
import { MNIST } from "../../src/datasets/mnist.ts";

class Range extends Dataset<number> {
  constructor(readonly n: number, readonly start = 0) {
    super();
  }
  get length() {
    return this.n;
  }
  getItem(i: number) {
    return this.start + i;
  }
}

describe("TensorDataset", () => {
  it("indexes rows of every tensor and checks their first dims", () => {
    const ds = new TensorDataset(arange(6).reshape(3, 2), arange(3));
    assert.equal(ds.length, 3);
    assert.deepEqual(ds.getItem(1).map((t) => t.tolist()), [[2, 3], 1]);
    assert.deepEqual(ds.getItem(-1).map((t) => t.tolist()), [[4, 5], 2]);
    assert.throws(() => ds.getItem(3), IndexError);
    assert.throws(() => new TensorDataset(zeros(3), zeros(4)), (e: unknown) => e instanceof ShapeError && /Size mismatch between tensors/.test(e.message));
    assert.deepEqual(ds.getBatch([2, 0]).map((t) => t.tolist()), [[[4, 5], [0, 1]], [2, 0]]);
  });
});

describe("Subset and ConcatDataset", () => {
  it("Subset maps indices", () => {
    const s = new Subset(new Range(10), [9, 3, 4]);
    assert.deepEqual([0, 1, 2].map((i) => s.getItem(i)), [9, 3, 4]);
    assert.equal(s.length, 3);
    assert.throws(() => s.getItem(3), IndexError);
  });
  it("ConcatDataset finds the right part, negative indices included", () => {
    const c = new ConcatDataset([new Range(3, 0), new Range(0, 50), new Range(2, 100)]);
    assert.equal(c.length, 5);
    assert.deepEqual([0, 1, 2, 3, 4, -1, -5].map((i) => c.getItem(i)), [0, 1, 2, 100, 101, 101, 0]);
    assert.deepEqual(c.cumulativeSizes, [3, 3, 5]);
    assert.throws(() => c.getItem(-6), /absolute value of index should not exceed dataset length/);
    assert.throws(() => new ConcatDataset([]), ArgumentError);
  });
  it("both rebuild from their recipes (what worker threads do)", async () => {
    const test = new MNIST({ train: false });
    const sub = new Subset(test, [4, 2]);
    const rebuilt = (await datasetFromRecipe(JSON.parse(JSON.stringify(sub.workerRecipe())))) as Subset<unknown>;
    assert.deepEqual(rebuilt.getItem(1), sub.getItem(1));
    const cat = new ConcatDataset([sub, test]);
    const back = (await datasetFromRecipe(cat.workerRecipe())) as ConcatDataset<unknown>;
    assert.equal(back.length, 10002);
    assert.deepEqual(back.getItem(2), cat.getItem(2));
  });
});

describe("randomSplit", () => {
  it("partitions with sizes or fractions, reproducibly from a generator or manualSeed", () => {
    const ds = new Range(20);
    const parts = randomSplit(ds, [0.5, 0.25, 0.25], new Generator(3));
    assert.deepEqual(parts.map((p) => p.length), [10, 5, 5]);
    assert.deepEqual(parts.flatMap((p) => p.indices).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    assert.deepEqual(randomSplit(ds, [10, 5, 5], new Generator(3)).map((p) => p.indices), parts.map((p) => p.indices));
    manualSeed(1);
    const a = randomSplit(ds, [15, 5]).map((p) => p.indices);
    manualSeed(1);
    assert.deepEqual(randomSplit(ds, [15, 5]).map((p) => p.indices), a);
    assert.throws(() => randomSplit(ds, [3, 4]), /Sum of input lengths does not equal the length of the input dataset!/);
  });
});

describe("sampleSeed", () => {
  it("differs across indices and base seeds, and stays a safe integer", () => {
    const seen = new Set<number>();
    for (const base of [0, 1, 2 ** 40 + 5]) {
      for (let i = 0; i < 2000; i++) {
        const s = sampleSeed(base, i);
        assert.ok(Number.isSafeInteger(s) && s >= 0);
        seen.add(s);
      }
    }
    assert.equal(seen.size, 6000);
  });
});
