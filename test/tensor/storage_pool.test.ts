/**
 * Gradient buffer recycling (src/tensor/pool.ts): zeroGrad hands a weight gradient's buffer to the next
 * step only when no code outside kindling can hold it. These tests pin both halves: it is reused when
 * private, and a gradient the caller read or assigned is never overwritten.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { clearStoragePool, pooledBytes, releaseStorage } from "../../src/tensor/pool.ts";
import { allocUninitialized } from "../../src/tensor/dtype.ts";

const { nn } = torch;

/** A model whose weight gradients are big enough to be pooled (>= 64 KB). */
function setup(seed = 3, setToNone = true) {
  torch.manualSeed(seed);
  const model = new nn.Sequential(new nn.Linear(128, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.05 });
  const x = torch.randn([16, 128]);
  const y = torch.randint(0, 10, [16]);
  const step = (): void => {
    opt.zeroGrad({ setToNone });
    new nn.CrossEntropyLoss().forward(model.forward(x), y).backward();
    opt.step();
  };
  const w = model.at(0) as torch.nn.Linear;
  return { model, opt, step, w };
}

test("a private weight gradient's buffer is reused by the next step", () => {
  clearStoragePool();
  const { step, w } = setup();
  step();
  const before = Tensor.peekGrad(w.weight)!.storage;
  step();
  assert.equal(Tensor.peekGrad(w.weight)!.storage, before, "the 256x128 gradient buffer was not recycled");
});

test("zeroGrad's default (zeros, PyTorch 1.13) recycles a private gradient too, and makes its zeros only when read", () => {
  clearStoragePool();
  const { model, opt, step, w } = setup(3, false);
  step();
  const before = Tensor.peekGrad(w.weight)!.storage;
  step();
  assert.equal(Tensor.peekGrad(w.weight)!.storage, before, "the 256x128 gradient buffer was not recycled");
  opt.zeroGrad();
  assert.ok(pooledBytes() >= 256 * 128 * 4, "the zeroed private buffer went to the pool");
  const g = w.weight.grad!;
  assert.deepEqual([...g.shape], [256, 128]);
  assert.equal(g.dtype, "float32");
  assert.ok((g.storage as Float32Array).every((v) => v === 0), "read after zeroGrad: zeros");
  // Now public: zeroGrad zeroes it in place and backward adds into it, as PyTorch's does.
  step();
  assert.equal(w.weight.grad, g);
  assert.ok((g.storage as Float32Array).some((v) => v !== 0));
  model.zeroGrad();
  assert.ok((g.storage as Float32Array).every((v) => v === 0));
});

test("a gradient the caller read keeps its values after zeroGrad and later steps", () => {
  clearStoragePool();
  const { step, w } = setup();
  step();
  const kept = w.weight.grad!;
  const snapshot = Float32Array.from(kept.storage as Float32Array);
  step();
  step();
  assert.notEqual(Tensor.peekGrad(w.weight)!.storage, kept.storage);
  assert.deepEqual(kept.storage, snapshot);
});

test("a gradient the caller assigned is never recycled", () => {
  clearStoragePool();
  const { opt, step, w } = setup();
  const mine = torch.full([256, 128], 0.25);
  w.weight.grad = mine;
  opt.zeroGrad({ setToNone: true });
  step();
  step();
  assert.ok((mine.storage as Float32Array).every((v) => v === 0.25), "user tensor was overwritten");
});

test("training with recycling gives bit-identical weights to training without it", () => {
  clearStoragePool();
  const a = setup(11);
  const b = setup(11);
  for (let i = 0; i < 4; i++) {
    a.step();
    b.step();
    // Reading .grad makes b's gradients public, so none of b's buffers is ever recycled.
    for (const p of b.model.parameters()) void p.grad;
  }
  const pa = [...a.model.parameters()], pb = [...b.model.parameters()];
  for (let i = 0; i < pa.length; i++) assert.deepEqual(pa[i]!.storage, pb[i]!.storage, `parameter ${i}`);
});

test("Module.zeroGrad recycles too, and the pool only takes back buffers it issued, once", () => {
  clearStoragePool();
  const { model, step, w } = setup();
  step();
  model.zeroGrad({ setToNone: true });
  assert.equal(w.weight.grad, null);
  assert.ok(pooledBytes() >= 256 * 128 * 4);
  clearStoragePool();
  assert.equal(pooledBytes(), 0);
  assert.equal(releaseStorage(new Float32Array(1 << 16)), false, "a buffer the pool did not issue");
  const s = allocUninitialized("float32", 1 << 16);
  assert.equal(releaseStorage(s), true);
  assert.equal(releaseStorage(s), false, "released twice");
  assert.equal(allocUninitialized("float32", 1 << 16), s);
  clearStoragePool();
});

test("past its limit the pool drops the buffers given back longest ago", async () => {
  const { setStoragePoolLimit, takeStorage } = await import("../../src/tensor/pool.ts");
  clearStoragePool();
  const prev = setStoragePoolLimit(1 << 20);
  try {
    const bufs = [0, 1, 2].map(() => allocUninitialized("float32", 100_000) as Float32Array);
    const odd = allocUninitialized("float32", 70_000) as Float32Array;
    assert.ok(releaseStorage(odd));
    for (const b of bufs) assert.ok(releaseStorage(b));
    // 280 KB + 3 x 400 KB > 1 MiB: the oldest (odd) went first, then bufs[0].
    assert.equal(pooledBytes(), 2 * 400_000);
    assert.equal(takeStorage(Float32Array, 70_000), null);
    assert.equal(takeStorage(Float32Array, 100_000), bufs[2]);
    assert.equal(takeStorage(Float32Array, 100_000), bufs[1]);
    assert.equal(takeStorage(Float32Array, 100_000), null);
    assert.equal(pooledBytes(), 0);
    // A buffer larger than the limit is refused; one given back twice is held once.
    assert.equal(releaseStorage(allocUninitialized("float32", 300_000)), false);
    assert.ok(releaseStorage(bufs[0]!));
    assert.equal(releaseStorage(bufs[0]!), false);
    assert.equal(pooledBytes(), 400_000);
  } finally {
    setStoragePoolLimit(prev);
    clearStoragePool();
  }
});
