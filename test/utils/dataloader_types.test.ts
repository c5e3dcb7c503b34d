import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

const { DataLoader, TensorDataset, IterableDataset } = torch.utils.data;

class Count extends IterableDataset<number> {
  constructor(readonly n: number) {
    super();
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.n; i++) yield i;
  }
}

test("len(loader.dataset) ports as loader.dataset.length for a map-style dataset (typed, no cast)", () => {
  const ds = new TensorDataset(torch.arange(10).float(), torch.arange(10));
  const loader = new DataLoader(ds, { batchSize: 4 });
  // Typed as the dataset given: its own members, and length as a number in arithmetic.
  const n: number = loader.dataset.length;
  assert.equal(n / 2, 5);
  assert.equal(loader.dataset.tensors.length, 2);
  // The sample type still flows through to the batches.
  for (const [x, y] of loader) {
    const xs: Tensor = x!;
    assert.equal(xs.shape[0], y!.shape[0]);
    break;
  }
  // An annotation with two parameters is a loader over a map-style dataset.
  const annotated: torch.utils.data.DataLoader<Tensor[], Tensor[]> = loader;
  assert.equal(annotated.dataset.length * 1, 10);
});

test("a loader over an IterableDataset keeps its type; its dataset has no length to read", () => {
  const loader = new DataLoader(new Count(5), { batchSize: 2 });
  assert.equal(loader.dataset.n, 5);
  const batches = [...loader].map((b) => (b as Tensor).tolist());
  assert.deepEqual(batches, [[0, 1], [2, 3], [4]]);
  // @ts-expect-error an IterableDataset has no length, as Python's len() of one raises
  void loader.dataset.length;
  const typed: torch.utils.data.DataLoader<number, Tensor, torch.utils.data.IterableDataset<number>> = loader;
  assert.equal(typed.dataset instanceof IterableDataset, true);
});
