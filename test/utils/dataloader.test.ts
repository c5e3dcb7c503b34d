import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ArgumentError, ShapeError } from "../../src/errors.ts";
import { arange, randn } from "../../src/tensor/creation.ts";
import { Generator, manualSeed } from "../../src/tensor/random.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import "../../src/ops/methods.ts";
import { Lambda } from "../../src/transforms/index.ts";
import {
  BatchSampler, DataLoader, Dataset, IterableDataset, type SampleContext, SequentialSampler, TensorDataset, defaultCollate,
} from "../../src/utils/data/index.ts";
import { MNIST } from "../../src/datasets/mnist.ts";

const range = (n: number) => ({ length: n, getItem: (i: number) => i });
const flat = (batches: Iterable<Tensor>) => [...batches].flatMap((b) => b.tolist() as number[]);

function throwsArg(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ArgumentError && e.message === message);
}

describe("DataLoader option validation (PyTorch's messages)", () => {
  const ds = range(10);
  const bs = new BatchSampler(new SequentialSampler(ds), 2, false);
  const excl = "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last";
  it("rejects batchSampler with batchSize, shuffle, sampler or dropLast", () => {
    throwsArg(() => new DataLoader(ds, { batchSampler: bs, batchSize: 4 }), excl);
    throwsArg(() => new DataLoader(ds, { batchSampler: bs, shuffle: true }), excl);
    throwsArg(() => new DataLoader(ds, { batchSampler: bs, sampler: new SequentialSampler(ds) }), excl);
    throwsArg(() => new DataLoader(ds, { batchSampler: bs, dropLast: true }), excl);
    throwsArg(() => new DataLoader(ds, { batchSampler: bs, batchSize: null }), excl);
    assert.deepEqual([...new DataLoader(ds, { batchSampler: bs, batchSize: 1 })].length, 5);
  });
  it("rejects sampler with shuffle, and the other PyTorch combinations", () => {
    throwsArg(() => new DataLoader(ds, { sampler: new SequentialSampler(ds), shuffle: true }), "sampler option is mutually exclusive with shuffle");
    throwsArg(() => new DataLoader(ds, { batchSize: null, dropLast: true }), "batch_size=None option disables auto-batching and is mutually exclusive with drop_last");
    throwsArg(() => new DataLoader(ds, { numWorkers: -1 }), "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    throwsArg(() => new DataLoader(ds, { prefetch: 4 }), "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing.");
    throwsArg(() => new DataLoader(ds, { persistentWorkers: true }), "persistent_workers option needs num_workers > 0");
    throwsArg(() => new DataLoader(ds, { batchSize: 0 }), "batch_size should be a positive integer value, but got batch_size=0");
  });
  it("rejects shuffle, sampler and batchSampler for an IterableDataset", () => {
    class Stream extends IterableDataset<number> {
      *[Symbol.iterator]() {
        yield* [1, 2, 3];
      }
    }
    throwsArg(() => new DataLoader(new Stream(), { shuffle: true }), "DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle=true");
    assert.throws(() => new DataLoader(new Stream(), { sampler: new SequentialSampler(ds) }), /expected unspecified sampler option/);
    assert.throws(() => new DataLoader(new Stream(), { batchSampler: bs }), /expected unspecified batch_sampler option/);
  });
  it("refuses numWorkers for datasets that cannot be rebuilt in a worker, and Lambda transforms", () => {
    assert.throws(() => new DataLoader(new TensorDataset(arange(4)), { numWorkers: 2 }), /TensorDataset cannot be loaded in DataLoader worker threads/);
    const lambda = new MNIST({ train: false, transform: new Lambda((img) => img) });
    assert.throws(() => new DataLoader(lambda, { numWorkers: 2 }), (e: unknown) => e instanceof ArgumentError && /Lambda transforms cannot be sent to DataLoader worker threads/.test(e.message));
  });
  it("needs for await when numWorkers > 0", () => {
    const dl = new DataLoader(new MNIST({ train: false }), { numWorkers: 1 });
    assert.throws(() => [...dl], /iterate it with `for await`/);
  });
});

describe("DataLoader shuffling", () => {
  it("reshuffles each epoch, every epoch a permutation", () => {
    manualSeed(0);
    const dl = new DataLoader(range(50), { batchSize: 7, shuffle: true });
    const a = flat(dl);
    const b = flat(dl);
    assert.notDeepEqual(a, b);
    for (const e of [a, b]) assert.deepEqual([...e].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  });
  it("is reproduced by torch.manualSeed", () => {
    const dl = new DataLoader(range(100), { batchSize: 10, shuffle: true });
    manualSeed(42);
    const a = [flat(dl), flat(dl)];
    manualSeed(42);
    const b = [flat(dl), flat(dl)];
    assert.deepEqual(a, b);
  });
  it("draws from the given generator, whatever the default one does", () => {
    const order = (seed: number, defaultSeed: number) => {
      manualSeed(defaultSeed);
      return flat(new DataLoader(range(30), { batchSize: 4, shuffle: true, generator: new Generator(seed) }));
    };
    assert.deepEqual(order(7, 1), order(7, 2));
    assert.notDeepEqual(order(7, 1), order(8, 1));
  });
  it("keeps sequential order without shuffle, and iterates the same with for await", async () => {
    const dl = new DataLoader(range(10), { batchSize: 4 });
    assert.deepEqual([...dl].map((b) => b.tolist()), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const got: unknown[] = [];
    for await (const b of dl) got.push(b.tolist());
    assert.deepEqual(got, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });
});

describe("DataLoader batching modes", () => {
  it("yields samples unbatched with batchSize null", () => {
    const dl = new DataLoader(range(3), { batchSize: null });
    assert.deepEqual([...dl], [0, 1, 2]);
    assert.equal(dl.length, 3);
  });
  it("applies a custom collateFn", () => {
    const dl = new DataLoader(range(5), { batchSize: 2, collateFn: (b: number[]) => b.join("+") });
    assert.deepEqual([...dl], ["0+1", "2+3", "4"]);
  });
  it("batches an IterableDataset in order, with dropLast and length", () => {
    class Stream extends IterableDataset<number> {
      readonly length = 7;
      *[Symbol.iterator]() {
        for (let i = 0; i < 7; i++) yield i;
      }
    }
    assert.deepEqual([...new DataLoader(new Stream(), { batchSize: 3 })].map((b) => b.tolist()), [[0, 1, 2], [3, 4, 5], [6]]);
    const dropped = new DataLoader(new Stream(), { batchSize: 3, dropLast: true });
    assert.deepEqual([...dropped].map((b) => b.tolist()), [[0, 1, 2], [3, 4, 5]]);
    assert.equal(dropped.length, 2);
  });
  it("uses getBatch when collating by default, with the same result as sample-by-sample", () => {
    manualSeed(1);
    const x = randn([20, 3]);
    const y = arange(20);
    const fast = new TensorDataset(x, y);
    const slow = { length: 20, getItem: (i: number) => fast.getItem(i) };
    const a = [...new DataLoader(fast, { batchSize: 6, shuffle: true, generator: new Generator(5) })];
    const b = [...new DataLoader(slow, { batchSize: 6, shuffle: true, generator: new Generator(5) })];
    assert.deepEqual(a.map((t) => t.map((e) => e.tolist())), b.map((t) => t.map((e) => e.tolist())));
    assert.deepEqual(a[0]!.map((t) => t.shape), [[6, 3], [6]]);
  });
});

describe("per-sample generators", () => {
  class Noisy extends Dataset<number> {
    get length() {
      return 12;
    }
    getItem(i: number, ctx?: SampleContext): number {
      return i * 1000 + ctx!.generator!.randomInt(1000);
    }
  }
  it("depend on the seed and the sample index, not the batch layout", () => {
    manualSeed(9);
    const a = flat(new DataLoader(new Noisy(), { batchSize: 5 }));
    manualSeed(9);
    const b = flat(new DataLoader(new Noisy(), { batchSize: 3 }));
    assert.deepEqual(a, b);
    manualSeed(10);
    assert.notDeepEqual(flat(new DataLoader(new Noisy(), { batchSize: 5 })), a);
  });
});

describe("collate errors", () => {
  it("names the batch index and both shapes when sizes differ", () => {
    const ds = { length: 3, getItem: (i: number) => ({ image: i === 2 ? randn([1, 27, 28]) : randn([1, 28, 28]) }) };
    assert.throws(
      () => [...new DataLoader(ds, { batchSize: 3 })],
      (e: unknown) =>
        e instanceof ShapeError &&
        e.message === "defaultCollate: stack expects each tensor to be equal size, but got [1, 28, 28] at batch index 0 and [1, 27, 28] at batch index 2 (at image)",
    );
    assert.throws(() => defaultCollate([[1, 2], [3]]), /element 0 has length 2 and element 1 has length 1/);
    assert.throws(() => defaultCollate([1, null]), (e: unknown) => e instanceof TypeError && /found null at batch index 1/.test(e.message));
  });
  it("lets a failing sample's error reach the caller", () => {
    const ds = { length: 4, getItem: (i: number) => { if (i === 2) throw new RangeError("bad sample 2"); return i; } };
    assert.throws(() => [...new DataLoader(ds, { batchSize: 2 })], /bad sample 2/);
  });
});

describe("DataLoader pinMemory", () => {
  it("is accepted and kept with no effect, as a CPU-only PyTorch 1.13 takes pin_memory=True (vae/main.py's CUDA kwargs)", () => {
    // PyTorch 1.13 (CPU): DataLoader(TensorDataset(arange(4.)), batch_size=2, pin_memory=True) yields [0, 1], [2, 3].
    const ds = new TensorDataset(arange(4, { dtype: "float32" }));
    const dl = new DataLoader(ds, { batchSize: 2, pinMemory: true });
    assert.equal(dl.pinMemory, true);
    assert.deepEqual([...dl].map(([b]) => b.tolist()), [[0, 1], [2, 3]]);
    assert.equal(new DataLoader(ds).pinMemory, false);
    assert.throws(() => new DataLoader(ds, { pinMemory: "yes" as unknown as boolean }), /pinMemory/);
  });
});
