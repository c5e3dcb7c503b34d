/**
 * Dead intermediate gradients go back to the storage pool during backward (autograd/ledger.ts recycle).
 * These tests pin that it happens (the pool fills, the next step takes the buffers) and every way a
 * gradient can outlive its node, where it must not: a hook or a custom Function that keeps it,
 * retainGrad, a leaf that adopted it, a gradient aliased by a subarray or shared by two inputs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { clearStoragePool, pooledBytes } from "../../src/tensor/pool.ts";

/** 128 x 256 float32: 128 KiB, above the pool's 64 KiB floor. */
const SHAPE = [128, 256];

function leaf(seed: number): Tensor {
  torch.manualSeed(seed);
  return torch.randn(SHAPE).requiresGrad_(true);
}

const snapshot = (t: Tensor): number[] => Array.from(t.contiguous().storage as Float32Array);

/** d/dx sum((relu(2x) * 3)^2) computed by hand, in float64 then rounded: 2 * 3 * (6x) * 2 where x > 0. */
function expectedGrad(x: Tensor): number[] {
  return snapshot(x).map((v) => (v > 0 ? Math.fround(72 * v) : 0));
}

function chain(x: Tensor): Tensor {
  return x.mul(2).relu().mul(3).pow(2).sum();
}

/** More backward passes through chain(x), which would overwrite any buffer wrongly recycled. */
function churn(x: Tensor): void {
  for (let i = 0; i < 3; i++) {
    x.grad = null;
    chain(x).backward();
  }
}

test("a backward gives its dead intermediate gradients to the pool, and later passes stay exact", () => {
  clearStoragePool();
  const x = leaf(1);
  chain(x).backward();
  assert.ok(pooledBytes() >= 128 * 256 * 4, `pool holds ${pooledBytes()} bytes after backward`);
  const want = expectedGrad(x);
  for (let i = 0; i < 3; i++) {
    x.grad = null;
    chain(x).backward();
    const got = snapshot(x.grad!);
    for (let j = 0; j < want.length; j += 97) assert.ok(Math.abs(got[j]! - want[j]!) <= 1e-5 * Math.max(1, Math.abs(want[j]!)), `pass ${i} element ${j}: ${got[j]} vs ${want[j]}`);
  }
});

test("a gradient a tensor hook kept is never recycled", () => {
  clearStoragePool();
  const x = leaf(2);
  const mid = x.mul(2);
  let kept: Tensor | null = null;
  mid.registerHook((g) => {
    kept = g;
  });
  mid.relu().mul(3).pow(2).sum().backward();
  const before = snapshot(kept!);
  churn(x);
  assert.deepEqual(snapshot(kept!), before);
});

test("a gradient a custom Function's backward kept is never recycled", () => {
  clearStoragePool();
  let kept: Tensor | null = null;
  class Keep extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, a: Tensor): Tensor {
      return a.mul(1);
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
      kept = g;
      return g.mul(1);
    }
  }
  const x = leaf(3);
  (Keep.apply(x.mul(2).relu()) as Tensor).mul(3).pow(2).sum().backward();
  const before = snapshot(kept!);
  churn(x);
  assert.deepEqual(snapshot(kept!), before);
});

test("retainGrad's gradient and a leaf's adopted gradient survive later passes", () => {
  clearStoragePool();
  const x = leaf(4);
  const mid = x.mul(2);
  mid.retainGrad();
  mid.relu().mul(3).pow(2).sum().backward();
  const midGrad = snapshot(mid.grad!);
  const xGrad = snapshot(x.grad!);
  const y = leaf(5);
  for (let i = 0; i < 3; i++) chain(y).backward();
  assert.deepEqual(snapshot(mid.grad!), midGrad);
  assert.deepEqual(snapshot(x.grad!), xGrad);
});

test("one gradient shared by two inputs (add's backward) reaches both intact", () => {
  clearStoragePool();
  const a = leaf(6);
  const b = leaf(7);
  // add hands the same gradient to both sides; each then goes through its own chain.
  a.mul(2).add(b.mul(3)).relu().pow(2).sum().backward();
  const s = snapshot(a.mul(2).add(b.mul(3)).detach());
  const ga = snapshot(a.grad!);
  const gb = snapshot(b.grad!);
  for (let j = 0; j < s.length; j += 101) {
    const up = s[j]! > 0 ? 2 * s[j]! : 0;
    assert.ok(Math.abs(ga[j]! - 2 * up) <= 1e-4 * Math.max(1, Math.abs(2 * up)), `a.grad[${j}]`);
    assert.ok(Math.abs(gb[j]! - 3 * up) <= 1e-4 * Math.max(1, Math.abs(3 * up)), `b.grad[${j}]`);
  }
});

test("a training loop's memory stays in the pool: a CNN step allocates its gradients from it", () => {
  clearStoragePool();
  torch.manualSeed(0);
  const model = new torch.nn.Sequential(new torch.nn.Conv2d(1, 16, 3), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(16 * 26 * 26, 10));
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
  const x = torch.randn([32, 1, 28, 28]);
  const y = torch.randint(0, 10, [32]);
  const losses: number[] = [];
  for (let i = 0; i < 4; i++) {
    opt.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  assert.ok(pooledBytes() > 0, "nothing was recycled");
  // The same four steps with an empty pool before each give the same losses bit for bit.
  torch.manualSeed(0);
  const model2 = new torch.nn.Sequential(new torch.nn.Conv2d(1, 16, 3), new torch.nn.ReLU(), new torch.nn.Flatten(), new torch.nn.Linear(16 * 26 * 26, 10));
  const opt2 = new torch.optim.SGD(model2.parameters(), { lr: 0.01 });
  for (let i = 0; i < 4; i++) {
    clearStoragePool();
    opt2.zeroGrad();
    const loss = torch.nn.functional.crossEntropy(model2.forward(x), y);
    loss.backward();
    opt2.step();
    assert.equal(loss.item(), losses[i], `step ${i}`);
  }
});
