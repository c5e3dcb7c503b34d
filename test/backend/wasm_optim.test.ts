/**
 * The wasm backend's fused SGD (SIMD kernels over linear memory, plain and with momentum) against the
 * JS loop: bit-identical parameters (and momentum buffers, through them) over several steps, on sizes
 * around the staging threshold and the vector width, a non-contiguous view, and gradients of mixed
 * magnitudes; and every update it does not cover (Nesterov, weight decay, maximize, float64, Adam)
 * declined with nothing written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import { loadWasmBackend } from "../../src/backend/wasm/index.ts";
import { mulberry32 } from "../helpers/rng.ts";

type Tensor = torch.Tensor;
const wasm = loadWasmBackend();
const SKIP = "WebAssembly SIMD not available";

function values(n: number, seed: number, scale: number): number[] {
  const u = mulberry32(seed);
  return Array.from({ length: n }, () => (u() - 0.5) * scale);
}

// The largest is shared out over the threads (2 of them, started in the first test).
const SHAPES = [[1], [2047], [2048], [4099], [65537], [96, 33], [(1 << 18) + 5]];

function run(backendName: string, make: (p: Tensor[]) => torch.optim.Optimizer): Tensor[] {
  torch.setBackend(backendName);
  const ps = SHAPES.map((s, i) => torch.tensor(values(s.reduce((a, b) => a * b, 1), 10 + i, 4)).reshape(s));
  ps.push(torch.tensor(values(3000, 99, 4)).reshape([60, 50]).t());
  for (const p of ps) p.requiresGrad_();
  const opt = make(ps);
  for (let step = 0; step < 4; step++) {
    ps.forEach((p, i) => {
      p.grad = torch.tensor(values(p.numel(), step * 7 + i, step % 2 ? 1e-3 : 30)).reshape(p.shape);
    });
    opt.step();
  }
  return ps;
}

test("wasm fused SGD is bit-identical to the JS loop", async (t) => {
  if (!wasm) return t.skip(SKIP);
  torch.setNumThreads(2);
  await wasm.whenReady();
  const saved = torch.getBackend();
  try {
    const configs = [{ lr: 0.03 }, { lr: 1.7 }, { lr: 0.03, momentum: 0.9 }, { lr: 1.7, momentum: 0.37, dampening: 0.3 }];
    for (const cfg of configs) {
      const lr = JSON.stringify(cfg);
      const make = (p: Tensor[]) => new torch.optim.SGD(p, cfg);
      const js = run("js", make), w = run("wasm", make);
      js.forEach((p, i) => {
        const a = w[i]!.contiguous().toTypedArray(), b = p.contiguous().toTypedArray();
        for (let j = 0; j < b.length; j++) if (!Object.is(a[j], b[j])) assert.fail(`lr ${lr} param ${i}[${j}]: wasm ${a[j]} vs js ${b[j]}`);
      });
    }
  } finally {
    torch.setBackend(saved);
  }
});

test("wasm fused SGD declines what it does not cover, writing nothing", (t) => {
  if (!wasm) return t.skip(SKIP);
  const k = wasm.fusedOptimizer;
  const p = new Float32Array(4096).fill(1), g = new Float32Array(4096).fill(1);
  const s = { negLr: -0.5, wd: 0, mom: 0, damp1: 1, nesterov: false, maximize: false };
  assert.equal(k.sgdStep([p], [g], [new Float32Array(4096)], [false], { ...s, mom: 0.9, nesterov: true }), false);
  assert.equal(k.sgdStep([p], [g], null, null, { ...s, wd: 0.1 }), false);
  assert.equal(k.sgdStep([p], [g], null, null, { ...s, maximize: true }), false);
  assert.equal(k.sgdStep([new Float64Array(4096)], [new Float64Array(4096)], null, null, s), false);
  assert.equal(k.adamStep([p], [g], [g], [g], null, [-1], [1], { maximize: false, l2: 0, decay: 1, b1: 0.9, omb1: 0.1, b2: 0.999, omb2: 0.001, eps: 1e-8 }), false);
  assert.ok(p.every((v) => v === 1), "declined calls write nothing");
  assert.equal(k.sgdStep([p, p.subarray(0, 3)], [g, g.subarray(0, 3)], null, null, s), true);
  assert.equal(p[0], 0);
  assert.equal(p[3], 0.5);
});
