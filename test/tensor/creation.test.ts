import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

test("tensor() infers shape and dtype from nested arrays", () => {
  const a = torch.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(a.shape, [2, 3]);
  assert.equal(a.dtype, "int64");
  assert.equal(torch.tensor([1.5, 2]).dtype, "float32");
  assert.equal(torch.tensor([true, false]).dtype, "bool");
  assert.equal(torch.tensor(3.5).ndim, 0);
  assert.deepEqual(torch.tensor([[1, 2]], { dtype: "float64" }).tolist(), [[1, 2]]);
  assert.equal(torch.tensor(new Float64Array([1, 2])).dtype, "float64");
  assert.deepEqual(torch.tensor([1.7, -1.7], { dtype: "int32" }).tolist(), [1, -1]);
});

test("tensor() rejects ragged nested arrays naming the dim", () => {
  assert.throws(() => torch.tensor([[1, 2], [3]]), { name: "ArgumentError", message: "expected sequence of length 2 at dim 1 (got 1)" });
});

test("float32 storage rounds like PyTorch", () => {
  assert.equal(torch.tensor([0.1]).item(), Math.fround(0.1));
  assert.equal(torch.tensor([0.1], { dtype: "float64" }).item(), 0.1);
});

test("zeros/ones/full/eye/arange/linspace", () => {
  assert.deepEqual(torch.zeros(2, 3).shape, [2, 3]);
  assert.deepEqual(torch.ones([2], { dtype: "int32" }).tolist(), [1, 1]);
  assert.deepEqual(torch.full([2], 7).tolist(), [7, 7]);
  assert.deepEqual(torch.eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(torch.arange(5).tolist(), [0, 1, 2, 3, 4]);
  assert.equal(torch.arange(5).dtype, "int64");
  assert.deepEqual(torch.arange(1, 2, 0.25).tolist(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(torch.linspace(0, 1, 5).tolist(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(torch.zerosLike(torch.ones(2, 2, { dtype: "float64" })).dtype, "float64");
});

test("manualSeed makes every random function reproduce exactly", () => {
  const draw = () => {
    torch.manualSeed(1234);
    return [torch.rand(5).tolist(), torch.randn(3, { dtype: "float64" }).tolist(), torch.randint(0, 10, [6]).tolist(), torch.randperm(7).tolist()];
  };
  const a = draw();
  const b = draw();
  assert.deepEqual(a, b);
  torch.manualSeed(1235);
  assert.notDeepEqual(torch.rand(5).tolist(), a[0]);
});

test("Generator objects are independent streams with saveable state", () => {
  const g = new torch.Generator().manualSeed(7);
  const state = g.getState();
  const first = torch.rand([4], { generator: g }).tolist();
  torch.rand(100); // the default generator does not disturb g
  g.setState(state);
  assert.deepEqual(torch.rand([4], { generator: g }).tolist(), first);
});

test("random distributions have the right moments", () => {
  torch.manualSeed(0);
  const u = torch.rand(200000, { dtype: "float64" });
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.005);
  assert.ok(u.min().item() >= 0 && u.max().item() < 1);
  const n = torch.randn(200000, { dtype: "float64" });
  assert.ok(Math.abs(n.mean().item()) < 0.01);
  assert.ok(Math.abs(n.std().item() - 1) < 0.01);
  const p = torch.randperm(50).tolist() as number[];
  assert.deepEqual([...p].sort((x, y) => x - y), [...Array(50).keys()]);
  const r = torch.randint(3, 6, [1000]).tolist() as number[];
  assert.deepEqual([...new Set(r)].sort(), [3, 4, 5]);
});

test("printing looks like PyTorch", () => {
  assert.equal(String(torch.tensor([[1, 2], [3, 4]], { dtype: "float32" })), "tensor([[1., 2.],\n        [3., 4.]])");
  assert.equal(String(torch.tensor([1.5, -2.25])), "tensor([ 1.5000, -2.2500])");
  assert.equal(String(torch.tensor([1, 2])), "tensor([1, 2])");
  assert.equal(String(torch.tensor([true, false])), "tensor([ True, False])");
  assert.equal(String(torch.tensor([1], { dtype: "float64", requiresGrad: true })), "tensor([1.], dtype=torch.float64, requires_grad=True)");
  const y = torch.tensor([1.0], { requiresGrad: true }).mul(2);
  assert.equal(String(y), "tensor([2.], grad_fn=<MulBackward0>)");
  const big = String(torch.arange(2000));
  assert.match(big, /^tensor\(\[   0,    1,    2,  \.\.\., 1997, 1998, 1999\]\)$/);
});
