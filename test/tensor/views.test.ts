import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

test("views share storage and do not copy", () => {
  const x = torch.arange(24, { dtype: "float32" }).reshape(2, 3, 4);
  for (const v of [x.reshape(6, 4), x.view(4, 6), x.transpose(0, 2), x.permute(2, 0, 1), x.unsqueeze(1), x.narrow(2, 1, 2), x.select(1, 2), x.slice(2, 0, 4, 2), x.expand(5, 2, 3, 4), x.squeeze()]) {
    assert.equal(v.storage, x.storage);
  }
  assert.equal(x.contiguous(), x);
  assert.notEqual(x.transpose(0, 1).contiguous().storage, x.storage);
});

test("non-contiguous views read the right elements", () => {
  const x = torch.arange(6).reshape(2, 3);
  assert.deepEqual(x.t().tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(x.t().isContiguous(), false);
  assert.deepEqual(x.t().contiguous().view(-1).tolist(), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(x.select(1, -1).tolist(), [2, 5]);
  assert.deepEqual(x.slice(1, 0, 3, 2).tolist(), [[0, 2], [3, 5]]);
  assert.deepEqual(x.narrow(0, 1, 1).tolist(), [[3, 4, 5]]);
  assert.deepEqual(torch.tensor([1, 2]).expand(2, 2).tolist(), [[1, 2], [1, 2]]);
  assert.deepEqual(x.t().reshape(6).tolist(), [0, 3, 1, 4, 2, 5]);
  assert.equal(x.get(1, 2), 5);
});

test("view of a transposed tensor is refused with PyTorch's hint", () => {
  const x = torch.zeros(3, 4).t();
  assert.throws(() => x.view(12), { name: "ShapeError", message: /view size is not compatible.*Use \.reshape\(\.\.\.\) instead/ });
});

test("writing through a view updates the base (in-place ops)", () => {
  const x = torch.zeros(2, 3);
  x.select(0, 1).fill_(5);
  x.narrow(1, 0, 1).add_(1);
  assert.deepEqual(x.tolist(), [[1, 0, 0], [6, 5, 5]]);
});

test("cat and stack", () => {
  const a = torch.tensor([[1, 2]]);
  const b = torch.tensor([[3, 4]]);
  assert.deepEqual(torch.cat([a, b]).tolist(), [[1, 2], [3, 4]]);
  assert.deepEqual(torch.cat([a, b], 1).tolist(), [[1, 2, 3, 4]]);
  assert.deepEqual(torch.stack([a, b], 1).shape, [1, 2, 2]);
});

test("element count and dims", () => {
  const x = torch.zeros(2, 3, 4);
  assert.equal(x.numel(), 24);
  assert.equal(x.size(-1), 4);
  assert.deepEqual(x.stride(), [12, 4, 1]);
  assert.deepEqual(x.flatten(1).shape, [2, 12]);
});
