/** CNN op behaviour the PyTorch fixtures cannot show: randomness, in-place running stats, ties, grad modes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import * as F from "../../src/ops/cnn_index.ts";

test("featureDropout zeroes whole channels and scales the rest by 1/(1-p)", () => {
  const x = torch.ones([8, 16, 3, 3], { requiresGrad: true });
  const y = F.featureDropout(x, 0.25, true, new torch.Generator(1));
  const v = y.toTypedArray();
  let dropped = 0;
  for (let c = 0; c < 8 * 16; c++) {
    const plane = Array.from(v.subarray(c * 9, c * 9 + 9));
    assert.ok(plane.every((e) => e === plane[0]), "a channel is kept or dropped as a whole");
    assert.ok(plane[0] === 0 || Math.abs(plane[0]! - 1 / 0.75) < 1e-6);
    if (plane[0] === 0) dropped++;
  }
  assert.ok(dropped > 16 && dropped < 50, `dropped ${dropped} of 128 channels at p=0.25`);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.toTypedArray()), Array.from(v), "the gradient is the same mask");
});

test("featureDropout: eval and p=0 are the identity, p=1 gives zeros, a generator makes it reproducible", () => {
  const x = torch.randn([2, 3, 4]);
  assert.equal(F.featureDropout(x, 0.5, false), x);
  assert.equal(F.featureDropout(x, 0, true), x);
  assert.ok(F.featureDropout(x, 1, true).toTypedArray().every((e) => e === 0));
  const a = F.featureDropout(x, 0.5, true, new torch.Generator(42)).toTypedArray();
  const b = F.featureDropout(x, 0.5, true, new torch.Generator(42)).toTypedArray();
  assert.deepEqual(a, b);
});

test("batchNorm updates running stats in place in training and leaves them alone in eval", () => {
  const rm = torch.zeros([2]);
  const rv = torch.ones([2]);
  const storage = rm.storage;
  const x = torch.tensor([[1, 10], [3, 20], [5, 60]], { dtype: "float32" });
  F.batchNorm(x, rm, rv, null, null, true, 0.5);
  assert.equal(rm.storage, storage);
  // mean [3, 30]; unbiased var [4, 700] (PyTorch uses it for the running estimate, biased for normalising).
  assert.deepEqual(Array.from(rm.toTypedArray()), [1.5, 15]);
  assert.deepEqual(Array.from(rv.toTypedArray()), [2.5, 350.5]);
  const before = Array.from(rm.toTypedArray());
  const y = F.batchNorm(x, rm, rv, null, null, false);
  assert.deepEqual(Array.from(rm.toTypedArray()), before);
  assert.ok(Math.abs(y.get(0, 0) - (1 - 1.5) / Math.sqrt(2.5 + 1e-5)) < 1e-6);
  // Under noGrad (as in an eval loop) training mode still updates the statistics.
  torch.noGrad(() => F.batchNorm(x, rm, rv, null, null, true, 1));
  assert.deepEqual(Array.from(rm.toTypedArray()), [3, 30]);
});

test("batchNorm training output has zero mean and unit (biased) variance per channel", () => {
  const x = torch.randn([5, 3, 4, 4], { dtype: "float64" }).mul(3).add(2);
  const y = F.batchNorm(x, null, null, null, null, true, 0.1, 0);
  const m = y.mean([0, 2, 3]).toTypedArray();
  const v = y.var([0, 2, 3], { unbiased: false }).toTypedArray();
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(m[c]!) < 1e-12);
    assert.ok(Math.abs(v[c]! - 1) < 1e-12);
  }
});

test("maxPool2d: ties go to the first maximum, NaN wins, padding never does", () => {
  const x = torch.tensor([[[[1, 1], [1, 1]]]], { requiresGrad: true });
  const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
  assert.equal(idx.item(), 0);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.toTypedArray()), [1, 0, 0, 0]);
  const n = torch.tensor([[[[1, NaN], [3, 2]]]]);
  assert.ok(Number.isNaN(F.maxPool2d(n, 2).item()));
  const neg = torch.full([1, 1, 2, 2], -5);
  assert.deepEqual(Array.from(F.maxPool2d(neg, 3, { stride: 1, padding: 1 }).toTypedArray()), [-5, -5, -5, -5]);
});

test("conv2d: no graph under noGrad, weight grad alone, non-contiguous operands", () => {
  torch.manualSeed(3);
  const x = torch.randn([2, 3, 6, 5]);
  const w = torch.randn([4, 3, 3, 3], { requiresGrad: true });
  assert.equal(torch.noGrad(() => F.conv2d(x, w)).gradFn, null);
  const y = F.conv2d(x, w, null, { padding: 1 });
  y.sum().backward();
  assert.equal(x.grad, null);
  assert.deepEqual(w.grad!.shape, [4, 3, 3, 3]);
  // A permuted (channels-last) input and a transposed weight give the same numbers as contiguous ones.
  const xl = x.permute([0, 2, 3, 1]).contiguous().permute([0, 3, 1, 2]);
  const wt = w.detach().transpose(2, 3).contiguous().transpose(2, 3);
  const a = F.conv2d(x, w.detach(), null, { padding: 1 }).toTypedArray();
  const b = F.conv2d(xl, wt, null, { padding: 1 }).toTypedArray();
  assert.deepEqual(a, b);
});

test("pad: constant value keeps integer dtypes; zero padding returns a copy", () => {
  const x = torch.tensor([[1, 2], [3, 4]]);
  const p = F.pad(x, [1, 0], { value: 7 });
  assert.equal(p.dtype, "int64");
  assert.deepEqual(p.tolist(), [[7, 1, 2], [7, 3, 4]]);
  assert.deepEqual(F.pad(x, [0, 0]).tolist(), x.tolist());
});
