import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

// PyTorch's TensorDataset.__getitem__ indexes every tensor with whatever it is given: ds[i*bs : i*bs+bs].
test("TensorDataset.getItem takes a slice, an index tensor or a list of indices, like ds[index]", () => {
  const x = torch.arange(10).view(5, 2);
  const y = torch.arange(5);
  const ds = new torch.utils.data.TensorDataset(x, y);
  const [xs, ys] = ds.getItem(torch.Slice(1, 3));
  assert.deepEqual(xs!.tolist(), [[2, 3], [4, 5]]);
  assert.deepEqual(ys!.tolist(), [1, 2]);
  assert.deepEqual(ds.getItem(torch.Slice(4, 100))[1]!.tolist(), [4]); // a slice past the end stops there
  assert.deepEqual(ds.getItem(torch.Slice(null, null, 2))[1]!.tolist(), [0, 2, 4]);
  assert.deepEqual(ds.getItem(torch.tensor([4, 0]))[0]!.tolist(), [[8, 9], [0, 1]]);
  assert.deepEqual(ds.getItem([3, 3])[1]!.tolist(), [3, 3]);
  assert.deepEqual(ds.getItem(-1)[0]!.tolist(), [8, 9]);
  // A slice is a view of the tensors, as in PyTorch.
  ds.getItem(torch.Slice(0, 1))[1]!.fill_(7);
  assert.equal((y.tolist() as number[])[0], 7);
  assert.throws(() => ds.getItem(torch.tensor([5])), torch.IndexError);
});
