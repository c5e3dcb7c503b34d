/**
 * Defects the differential check (scripts/differential/) found, each pinned with PyTorch 1.13's numbers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const values = (t: torch.Tensor) => Array.from(t.toTypedArray(), Number);

test("prod backward: the product of the other elements once the tensor has a zero (NaN and inf reach it)", () => {
  const x = torch.tensor([[0, 3, NaN, 2], [1, 2, 3, 4]], { requiresGrad: true });
  x.prod(1).sum().backward();
  assert.deepEqual(values(x.grad!), [NaN, NaN, 0, NaN, 24, 12, 8, 6]);
  const y = torch.tensor([0, 2, Infinity, 3], { requiresGrad: true });
  y.prod().backward();
  assert.deepEqual(values(y.grad!), [Infinity, NaN, 0, NaN]);
  const z = torch.tensor([0, 2, Infinity, 0], { requiresGrad: true });
  z.prod().backward();
  assert.deepEqual(values(z.grad!), [0, 0, 0, 0]);
});

test("gather reads an index smaller than the input off the gather dim", () => {
  const x = torch.tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const y = x.gather(1, torch.tensor([[2, 0]]));
  assert.deepEqual(y.shape, [1, 2]);
  assert.deepEqual(values(y), [3, 1]);
  y.sum().backward();
  assert.deepEqual(values(x.grad!), [1, 0, 1, 0, 0, 0]);
  assert.throws(() => torch.tensor([[1, 2]]).gather(1, torch.tensor([[0], [0]])), torch.ShapeError);
});

test("integer matmul, bool refused; an empty product of mixed dtypes", () => {
  const p = torch.matmul(torch.tensor([[1, 2], [3, 4]]), torch.tensor([[5], [6]]));
  assert.equal(p.dtype, "int64");
  assert.deepEqual(values(p), [17, 39]);
  const b = torch.tensor([[true, false]]);
  assert.throws(() => b.matmul(b.t()), torch.DTypeError);
  assert.deepEqual(torch.mm(torch.ones([1, 4]), torch.zeros([4, 0], { dtype: "int32" })).shape, [1, 0]);
});

test("true/false operands, maskedFill truncation, logsumexp over an empty dim, 0-d narrow and permute()", () => {
  const le = torch.tensor([1.5, -2]).le(false as unknown as number);
  assert.equal(le.dtype, "bool");
  assert.deepEqual(values(le), [0, 1]);
  const add = torch.tensor([1, 2]).add(true as unknown as number);
  assert.equal(add.dtype, "int64");
  assert.deepEqual(values(add), [2, 3]);
  const m = torch.tensor([1, 2]).maskedFill(torch.tensor([true, false]), -1.5);
  assert.deepEqual(values(m), [-1, 2]);
  assert.deepEqual(values(torch.zeros([2, 0]).logsumexp(1)), [-Infinity, -Infinity]);
  assert.throws(() => torch.tensor(1).narrow(0, 0, 1), torch.ShapeError);
  assert.throws(() => torch.tensor(1).permute(), torch.ArgumentError);
  assert.throws(() => torch.tensor([true, false]).topk(1), torch.DTypeError);
  assert.throws(() => torch.logicalAnd(torch.tensor([true]), 1 as unknown as torch.Tensor), torch.KindlingError);
});

test("whole-tensor max/min backward: a NaN result is shared by the NaNs, a NaN gradient stays where the extremum is", () => {
  const x = torch.tensor([1.5, NaN, NaN], { requiresGrad: true });
  x.max().backward();
  assert.deepEqual(values(x.grad!), [0, 0.5, 0.5]);
  const y = torch.tensor([1.5, Infinity, 2], { requiresGrad: true });
  y.max().mul(NaN).backward();
  assert.deepEqual(values(y.grad!), [0, NaN, 0]);
  const z = torch.tensor([3, 1, 3], { requiresGrad: true });
  z.min().mul(2).backward();
  assert.deepEqual(values(z.grad!), [0, 2, 0]);
});

test("a reduction over no dim (0-d input) is a new tensor: in place on it leaves the input alone", () => {
  const z = torch.tensor(3);
  const t = z.sum(0);
  t.add_(1);
  assert.deepEqual([z.item(), t.item()], [3, 4]);
  const x = torch.tensor(-0.5, { requiresGrad: true });
  const s = x.exp().sum(0);
  s.mul_(2);
  s.backward();
  assert.ok(Math.abs(x.grad!.item() - 2 * Math.exp(-0.5)) < 1e-6);
});

test("pow saves its result only for a tensor exponent, as PyTorch's overloads", () => {
  const x = torch.tensor([1.5, 2], { requiresGrad: true });
  const a = x.pow(2.5);
  a.exp_();
  a.sum().backward();
  assert.ok(x.grad !== null);
  const b = torch.tensor([1.5, 2], { requiresGrad: true }).pow(torch.tensor([2, 3]));
  b.exp_();
  assert.throws(() => b.sum().backward(), torch.AutogradError);
});

test("logsumexp saves its input and result: an in-place change of the result is caught at backward", () => {
  const x = torch.tensor([1, 2, -Infinity], { requiresGrad: true });
  x.logsumexp(0).backward();
  const want = [1 / (1 + Math.E), Math.E / (1 + Math.E), 0];
  values(x.grad!).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6));
  const o = torch.tensor([1, 2], { requiresGrad: true }).mul(1).logsumexp(0);
  o.mul_(2);
  assert.throws(() => o.backward(), torch.AutogradError);
});

test("an int64 zero has no sign: neg(0) cast to float is +0 (rsqrt inf, atan2 pi)", () => {
  const x = torch.tensor([0, 3]).neg();
  assert.deepEqual(values(x.rsqrt()), [Infinity, NaN]);
  const a = torch.atan2(x.double(), torch.tensor([-1, -1], { dtype: "float64" }));
  assert.ok(Math.abs(values(a)[0]! - Math.PI) < 1e-12);
});

test("where takes true/false as PyTorch's bool scalars", () => {
  const c = torch.tensor([true, false]);
  const f = false as unknown as number;
  const t = true as unknown as number;
  const a = torch.where(c, f, 3);
  assert.equal(a.dtype, "int64");
  assert.deepEqual(values(a), [0, 3]);
  const b = torch.where(c, f, t);
  assert.equal(b.dtype, "bool");
  assert.deepEqual(values(b), [0, 1]);
  const x = torch.where(c, torch.tensor([1.5, 2.5]), t);
  assert.equal(x.dtype, "float32");
  assert.deepEqual(values(x), [1.5, 1]);
});

test("an integer result of a differentiable op from inputs that require grad is refused (PyTorch 1.13 asserts)", () => {
  const x = torch.tensor([1.5, 2.5], { requiresGrad: true });
  assert.throws(() => x.sum(0, false, { dtype: "int64" }), torch.AutogradError);
  assert.throws(() => x.cumsum(0, { dtype: "int64" }), torch.AutogradError);
  assert.deepEqual(values(torch.noGrad(() => x.sum(0, false, { dtype: "int64" }))), [3]);
  assert.deepEqual(values(x.detach().cumsum(0, { dtype: "int64" })), [1, 3]);
});

test("a product over an empty inner dim is zeros without a dtype check, as PyTorch's", () => {
  const a = torch.matmul(torch.zeros([2, 0]), torch.zeros([0, 2], { dtype: "bool" }));
  assert.equal(a.dtype, "float32");
  assert.deepEqual(values(a), [0, 0, 0, 0]);
  const b = torch.matmul(torch.zeros([1, 1, 0], { dtype: "bool" }), torch.zeros([1, 0, 2], { dtype: "bool" }));
  assert.equal(b.dtype, "bool");
  assert.deepEqual(b.shape, [1, 1, 2]);
});

test("pow's exponent gradient masks 0^b (b >= 0) before the incoming gradient multiplies, so a NaN gradient stays NaN", () => {
  const a = torch.tensor([0, 0, 2, 0], { requiresGrad: true });
  const b = torch.tensor([-0, 1, 0.5, -1], { requiresGrad: true });
  a.pow(b).backward(torch.tensor([NaN, NaN, 1, 2]));
  // PyTorch 1.13's numbers (float32).
  assert.deepEqual(values(a.grad!), [0, NaN, Math.fround(0.3535533845424652), -Infinity]);
  assert.deepEqual(values(b.grad!), [NaN, NaN, Math.fround(0.9802581071853638), -Infinity]);
  const e = torch.tensor([0, 2, -1], { requiresGrad: true });
  torch.pow(0, e).backward(torch.tensor([NaN, 1, 1]));
  assert.deepEqual(values(e.grad!), [NaN, 0, -Infinity]);
});

test("advanced indexing checks index ranges only where it reads: an empty unindexed dim makes an out-of-range index no error", () => {
  const T = (v: number[]) => torch.tensor(v);
  // PyTorch 1.13: x[None, 1:, [2, 0, 2]] on [1, 2, 4] is [1, 0, 3, 4]; zeros(3, 0)[[7]] is [1, 0].
  assert.deepEqual(torch.zeros([1, 2, 4]).index([null, torch.Slice(1, null), T([2, 0, 2])]).shape, [1, 0, 3, 4]);
  assert.deepEqual(torch.zeros([3, 0]).index([T([7])]).shape, [1, 0]);
  assert.deepEqual(torch.zeros([0, 3]).index([torch.Slice(), T([7])]).shape, [0, 1]);
  const y = torch.zeros([0, 3]);
  y.indexPut_([torch.Slice(), T([7])], torch.tensor(1.5));
  assert.throws(() => torch.zeros([1, 2, 4]).index([T([5])]), { name: "IndexError", message: "index 5 is out of bounds for dimension 0 with size 1" });
  assert.throws(() => torch.zeros([0, 0]).index([T([1])]), { name: "IndexError", message: "index is out of bounds for dimension with size 0" });
});
