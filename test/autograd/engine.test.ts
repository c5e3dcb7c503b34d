import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

test("grad accumulates across backward calls until zeroed", () => {
  const x = torch.tensor([1, 2, 3], { dtype: "float32", requiresGrad: true });
  x.mul(2).sum().backward();
  x.mul(3).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [5, 5, 5]);
  x.grad = null;
  x.pow(2).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [2, 4, 6]);
});

test("a tensor used twice gets the sum of both paths", () => {
  const x = torch.tensor(3, { dtype: "float64", requiresGrad: true });
  const y = x.mul(x).add(x);
  y.backward();
  assert.equal(x.grad!.item(), 7);
});

test("leaf and non-leaf semantics", () => {
  const x = torch.ones([2], { requiresGrad: true });
  const y = x.mul(2);
  assert.equal(x.isLeaf, true);
  assert.equal(y.isLeaf, false);
  assert.equal(y.requiresGrad, true);
  y.sum().backward();
  assert.equal(y.grad, null);
  assert.ok(x.grad);
  const d = y.detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.isLeaf, true);
  assert.equal(d.storage, y.storage);
});

test("retainGrad keeps a non-leaf gradient", () => {
  const x = torch.ones([2], { requiresGrad: true });
  const y = x.mul(3);
  y.retainGrad();
  y.sum().backward();
  assert.deepEqual(y.grad!.tolist(), [1, 1]);
});

test("backward with an explicit gradient for non-scalar outputs", () => {
  const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  x.mul(x).backward(torch.tensor([1, 10], { dtype: "float32" }));
  assert.deepEqual(x.grad!.tolist(), [2, 40]);
});

test("noGrad records nothing and enableGrad re-enables inside it", () => {
  const x = torch.ones([2], { requiresGrad: true });
  const y = torch.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  const z = torch.noGrad(() => torch.enableGrad(() => x.mul(2)));
  assert.equal(z.requiresGrad, true);
  assert.equal(torch.isGradEnabled(), true);
});

test("retainGraph allows a second backward", () => {
  const x = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const y = x.exp().sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  const e = [Math.exp(1), Math.exp(2)].map((v) => Math.fround(2 * Math.fround(v)));
  assert.deepEqual(x.grad!.tolist(), e);
});

test("gradients of broadcast inputs are reduced to the input's shape", () => {
  const a = torch.ones([3, 1], { requiresGrad: true });
  const b = torch.ones([4], { requiresGrad: true });
  a.add(b).sum().backward();
  assert.deepEqual(a.grad!.tolist(), [[4], [4], [4]]);
  assert.deepEqual(b.grad!.tolist(), [3, 3, 3, 3]);
});

test("gradients flow through views back to the base", () => {
  const x = torch.arange(6, { dtype: "float32" }).reshape(2, 3).detach().requiresGrad_();
  x.t().select(0, 1).mul(torch.tensor([1, 10], { dtype: "float32" })).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [[0, 1, 0], [0, 10, 0]]);
});

test("deep chains do not overflow the stack", () => {
  const x = torch.tensor([1], { dtype: "float64", requiresGrad: true });
  let y = x;
  for (let i = 0; i < 20000; i++) y = y.add(1);
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1]);
});

test("gradcheck catches a wrong backward", () => {
  const x = torch.randn([3], { dtype: "float64", requiresGrad: true });
  assert.equal(torch.autograd.gradcheck((t) => t.tanh(), [x]), true);
  // sign() has a zero gradient; pretending it is x makes gradcheck fail with a clear message.
  const wrong = (t: torch.Tensor) => t.add(t.detach().mul(0.5));
  assert.throws(() => torch.autograd.gradcheck(wrong, [x]), { name: "AutogradError", message: /Jacobian mismatch.*input 0/ });
  assert.throws(() => torch.autograd.gradcheck((t) => t.mul(2), [torch.ones([2], { requiresGrad: true })]), { name: "DTypeError" });
});

test("leaves never share a gradient buffer with each other or with the caller's seed", () => {
  const a = torch.ones([3], { requiresGrad: true });
  const b = torch.ones([3], { requiresGrad: true });
  a.add(b).sum().backward();
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  torch.noGrad(() => a.grad!.mul_(10));
  assert.deepEqual(b.grad!.tolist(), [1, 1, 1]);

  const x = torch.zeros([2, 3], { requiresGrad: true });
  const seed = torch.ones([6]);
  x.reshape(6).backward(seed);
  assert.notEqual(x.grad!.storage, seed.storage);
  torch.noGrad(() => x.grad!.mul_(3));
  assert.deepEqual(seed.tolist(), [1, 1, 1, 1, 1, 1]);

  const w = torch.ones([2], { requiresGrad: true });
  w.add(w).sum().backward();
  assert.deepEqual(w.grad!.tolist(), [2, 2]);
});

test("a gradient nobody else holds becomes the leaf's .grad without a copy", () => {
  const x = torch.ones([4], { requiresGrad: true });
  const y = x.mul(3);
  y.retainGrad();
  y.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [3, 3, 3, 3]);
  assert.ok(x.grad!.isDense());
  assert.notEqual(x.grad!.storage, y.grad!.storage);
});
