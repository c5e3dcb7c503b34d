import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.ts";

/**
 * Typed arrays end to end: ops over 10^7 elements allocate their results as array buffers (outside
 * the JS heap), never one JS object per element. And a training-style loop keeps memory flat.
 */

const gc = (globalThis as { gc?: () => void }).gc;

test("10^7-element elementwise ops and sum allocate no per-element JS objects", () => {
  const n = 1e7;
  const x = torch.rand(n);
  const y = torch.rand(n);
  const heap0 = process.memoryUsage().heapUsed;
  const ab0 = process.memoryUsage().arrayBuffers;
  const z = x.add(y).mul(2).relu().exp();
  const s = z.sum();
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  const abGrowth = process.memoryUsage().arrayBuffers - ab0;
  assert.equal(z.numel(), n);
  assert.ok(Number.isFinite(s.item()));
  // Four 40 MB results live in array buffers; a JS number per element would be >= 160 MB of heap.
  assert.ok(abGrowth >= 4 * n * 4 * 0.9, `array buffers grew by ${abGrowth}`);
  assert.ok(heapGrowth < 8e6, `JS heap grew by ${heapGrowth} bytes`);
});

/**
 * Memory still held after garbage collection. V8 frees array-buffer backing stores on a background
 * sweeper, so one gc() can still count buffers that are already dead: settle over a few rounds and
 * keep the lowest reading.
 */
async function settledMemory(): Promise<{ heap: number; arrayBuffers: number }> {
  let heap = Infinity;
  let arrayBuffers = Infinity;
  for (let i = 0; i < 5; i++) {
    gc!();
    await new Promise((r) => setTimeout(r, 20));
    const m = process.memoryUsage();
    heap = Math.min(heap, m.heapUsed);
    arrayBuffers = Math.min(arrayBuffers, m.arrayBuffers);
  }
  return { heap, arrayBuffers };
}

test("a training-style loop keeps heap and array-buffer memory flat", { skip: gc ? false : "run with --expose-gc" }, async () => {
  torch.manualSeed(0);
  const w = torch.randn([128, 128], { requiresGrad: true });
  const x = torch.randn([128, 128]);
  const step = () => {
    const loss = x.matmul(w).relu().sum();
    loss.backward();
    torch.noGrad(() => w.sub_(w.grad!.mul(1e-6)));
    w.grad = null;
  };
  for (let i = 0; i < 50; i++) step();
  const before = await settledMemory();
  for (let i = 0; i < 300; i++) step();
  const after = await settledMemory();
  const heap = after.heap - before.heap;
  const ab = after.arrayBuffers - before.arrayBuffers;
  assert.ok(heap < 2e6, `heap grew by ${heap} bytes over 300 steps`);
  // A leak of even one 128x128 float32 buffer per step would add 19 MB over these 300 steps.
  assert.ok(ab < 4e6, `array buffers grew by ${ab} bytes over 300 steps`);
});
