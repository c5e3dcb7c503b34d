// issue 12 point 6 for torch.utils.data: options PyTorch users type out of habit are errors, never ignored.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";

const { DataLoader, TensorDataset, RandomSampler, SubsetRandomSampler, WeightedRandomSampler } = torch.utils.data;

function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    assert.equal((e as Error).message, message);
    return true;
  });
}

const ds = () => new TensorDataset(torch.arange(10));
// The samplers keep their own value checks (PyTorch's messages); the checker only names unknown keys.
// Plain-JS calls: the casts stand for what TypeScript would reject at compile time.
const make = (C: unknown, ...args: unknown[]) => new (C as new (...a: unknown[]) => unknown)(...args);

describe("utils.data options", () => {
  it("DataLoader names batch_size's camelCase form instead of batching by 1", () => {
    rejects(() => make(DataLoader, ds(), { batch_size: 8 }), "DataLoader(): unknown option 'batch_size' (did you mean 'batchSize'?)");
  });
  it("DataLoader refuses PyTorch's positional batch size", () => {
    rejects(() => make(DataLoader, ds(), 8), "DataLoader(): expected an options object as argument 2, got number 8 (pass { batchSize: 8 })");
  });
  it("DataLoader refuses extra arguments and wrong option types", () => {
    assert.throws(() => make(DataLoader, ds(), { batchSize: 2 }, true), torch.ArgumentError);
    assert.throws(() => make(DataLoader, ds(), { batchSize: "2" }), torch.ArgumentError);
    assert.throws(() => make(DataLoader, ds(), { shuffle: 1 }), torch.ArgumentError);
  });
  it("DataLoader with valid options still batches as asked", () => {
    const dl = new DataLoader(ds(), { batchSize: 4, dropLast: true });
    assert.deepEqual([...dl].map((b) => (b as torch.Tensor[])[0]!.shape), [[4], [4]]);
  });
  it("samplers check their options", () => {
    rejects(() => make(RandomSampler, ds(), { num_samples: 3 }), "RandomSampler(): unknown option 'num_samples' (did you mean 'numSamples'?)");
    assert.throws(() => make(SubsetRandomSampler, [0, 1], { gen: 1 }), torch.ArgumentError);
    assert.throws(() => make(WeightedRandomSampler, [1, 2], 2, { replace: true }), torch.ArgumentError);
    assert.equal([...new RandomSampler(ds(), { numSamples: 3, replacement: true })].length, 3);
  });
});
