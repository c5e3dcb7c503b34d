import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

test("numpy() is the tensor's memory: changes show on both sides", () => {
  const t = torch.ones(5);
  const n = t.numpy();
  assert.ok(n instanceof Float32Array);
  t.add_(1);
  assert.deepEqual([...n], [2, 2, 2, 2, 2]);
  n[0] = 7;
  assert.equal((t.tolist() as number[])[0], 7);
});

test("numpy() of a contiguous view starts at its offset; int64 is a Float64Array, bool a Uint8Array", () => {
  const x = torch.arange(12).view(3, 4);
  const row = x.select(0, 1).numpy();
  assert.ok(row instanceof Float64Array);
  assert.deepEqual([...row], [4, 5, 6, 7]);
  assert.deepEqual([...torch.tensor([true, false]).numpy()], [1, 0]);
  assert.equal(torch.zeros([0]).numpy().length, 0);
});

test("numpy() refuses a tensor that requires grad and a non-contiguous one", () => {
  assert.throws(() => torch.ones(2, { requiresGrad: true }).numpy(), (e: Error) => e instanceof torch.AutogradError && /detach\(\)\.numpy\(\)/.test(e.message));
  assert.throws(() => torch.ones(2, 3).t().numpy(), (e: Error) => e instanceof torch.ArgumentError && /non-contiguous.*strides \[1, 3\]/.test(e.message));
});

test("fromNumpy wraps a typed array without copying (float32, float64, int32)", () => {
  const n = new Float64Array(5).fill(1);
  const t = torch.fromNumpy(n);
  assert.equal(t.dtype, "float64");
  assert.deepEqual(t.shape, [5]);
  n.forEach((v, i) => (n[i] = v + 1));
  assert.deepEqual(t.tolist(), [2, 2, 2, 2, 2]);
  t.mul_(2);
  assert.deepEqual([...n], [4, 4, 4, 4, 4]);
  assert.equal(torch.fromNumpy(new Float32Array(2)).dtype, "float32");
  assert.equal(torch.fromNumpy(Int32Array.from([1, 2])).view(2, 1).dtype, "int32");
  assert.throws(() => torch.fromNumpy(new Uint8Array(2) as unknown as Float32Array), (e: Error) => e instanceof torch.DTypeError && /Uint8Array/.test(e.message));
});

test("torch.cuda and torch.backends.mps report no accelerator", () => {
  assert.equal(torch.cuda.isAvailable(), false);
  assert.equal(torch.cuda.deviceCount(), 0);
  assert.equal(torch.backends.mps.isAvailable(), false);
  assert.equal(torch.backends.mps.isBuilt(), false);
});
