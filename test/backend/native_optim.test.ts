/**
 * The native fused optimizer (one addon call per group) against the JS update loops of src/optim:
 * SGD (momentum, dampening, nesterov, weight decay, maximize) and Adam/AdamW (weight decay, amsgrad,
 * maximize), float32 and float64, over several steps, on parameters of odd sizes (1, 17, 65537, a
 * matrix, a non-contiguous view), with per-parameter step counts that diverge. Parameters and every
 * state buffer must be bit-identical. Skipped when the addon is not built.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import { type FusedOptimizer, fusedOptimizer } from "../../src/optim/fused.ts";
import { mulberry32 } from "../helpers/rng.ts";

type Tensor = torch.Tensor;
const addon = loadNative();
const full = addon;
const SKIP = "native addon (with kernels) not built";

// The native capability has the shape the optimizers look for (checked by the type checker).
const capability: FusedOptimizer | undefined = full ? loadNativeBackend()?.fusedOptimizer : undefined;

/** Deterministic uniform [-0.5, 0.5). */
function rng(seed: number): () => number {
  const u = mulberry32(seed);
  return () => u() - 0.5;
}

const SHAPES = [[1], [17], [65537], [33, 3]];

function values(n: number, seed: number, scale: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => r() * scale);
}

/** The same parameters every call: four contiguous ones and a transposed (non-contiguous) view. */
function makeParams(dtype: "float32" | "float64"): Tensor[] {
  const ps = SHAPES.map((s, i) => torch.tensor(values(s.reduce((a, b) => a * b, 1), 100 + i, 2), { dtype }).reshape(s));
  ps.push(torch.tensor(values(15, 200, 2), { dtype }).reshape([3, 5]).t());
  for (const p of ps) p.requiresGrad_();
  return ps;
}

function setGrads(ps: Tensor[], step: number): void {
  ps.forEach((p, i) => {
    // Parameter 1 skips step 2 (its Adam step count falls behind); gradients of mixed magnitudes.
    p.grad = i === 1 && step === 2 ? null : torch.tensor(values(p.numel(), step * 31 + i, step % 2 ? 1e-3 : 3), { dtype: p.dtype }).reshape(p.shape);
  });
}

type Make = (params: Tensor[]) => torch.optim.Optimizer;

function run(backendName: string, dtype: "float32" | "float64", make: Make, steps: number) {
  torch.setBackend(backendName);
  const params = makeParams(dtype);
  const opt = make(params);
  for (let i = 0; i < steps; i++) {
    setGrads(params, i);
    opt.step();
  }
  return { params, state: opt.stateDict().state };
}

function assertBits(a: Tensor, b: Tensor, what: string): void {
  const x = a.contiguous().toTypedArray(), y = b.contiguous().toTypedArray();
  assert.equal(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i]) && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) assert.fail(`${what}[${i}]: native ${x[i]} vs js ${y[i]}`);
  }
}

const CONFIGS: [string, Make][] = [
  ["SGD lr", (p) => new torch.optim.SGD(p, { lr: 0.03 })],
  ["SGD momentum", (p) => new torch.optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
  ["SGD momentum dampening weightDecay", (p) => new torch.optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 1e-2 })],
  ["SGD nesterov maximize", (p) => new torch.optim.SGD(p, { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 1e-3, maximize: true })],
  ["SGD two groups", (p) => new torch.optim.SGD([{ params: p.slice(0, 2) }, { params: p.slice(2), lr: 0.5, momentum: 0.5 }], { lr: 0.01 })],
  ["Adam", (p) => new torch.optim.Adam(p, { lr: 1e-3 })],
  ["Adam weightDecay amsgrad", (p) => new torch.optim.Adam(p, { lr: 1e-2, weightDecay: 1e-2, amsgrad: true })],
  ["Adam maximize betas eps", (p) => new torch.optim.Adam(p, { lr: 1e-3, maximize: true, betas: [0.8, 0.99], eps: 1e-6 })],
  ["AdamW", (p) => new torch.optim.AdamW(p, { lr: 1e-3 })],
  ["AdamW amsgrad", (p) => new torch.optim.AdamW(p, { lr: 1e-2, weightDecay: 0.1, amsgrad: true })],
];

for (const [name, make] of CONFIGS) {
  test(`${name}: native fused steps are bit-identical to the JS loops`, (t) => {
    if (!full) return t.skip(SKIP);
    const saved = torch.getBackend();
    try {
      for (const dtype of ["float32", "float64"] as const) {
        const js = run("js", dtype, make, 5);
        const nat = run("native", dtype, make, 5);
        js.params.forEach((p, i) => assertBits(nat.params[i]!, p, `${dtype} param ${i}`));
        for (const [idx, entry] of Object.entries(js.state)) {
          for (const [k, v] of Object.entries(entry)) {
            const m = nat.state[Number(idx)]![k];
            if (v instanceof torch.Tensor) assertBits(m as Tensor, v, `${dtype} state ${idx}.${k}`);
            else assert.equal(m, v, `${dtype} state ${idx}.${k}`);
          }
        }
      }
    } finally {
      torch.setBackend(saved);
    }
  });
}

test("the optimizers find the fused capability on the native backend, not on the js one", (t) => {
  if (!full) return t.skip(SKIP);
  const saved = torch.getBackend();
  try {
    torch.setBackend("native");
    assert.ok(fusedOptimizer() !== null && capability !== undefined);
    torch.setBackend("js");
    assert.equal(fusedOptimizer(), null);
  } finally {
    torch.setBackend(saved);
  }
});

test("the addon's sgdStep declines mixed dtypes, ragged lengths and shared memory", (t) => {
  if (!full) return t.skip(SKIP);
  const p = new Float32Array(8).fill(1), g = new Float32Array(8).fill(1);
  const step = (params: (Float32Array | Float64Array)[], grads: (Float32Array | Float64Array)[]) =>
    full.sgdStep(params, grads, null, null, -0.5, 0, 0, 1, false, false);
  assert.equal(step([p, new Float64Array(2)], [g, new Float64Array(2)]), false);
  assert.equal(step([p], [new Float32Array(7)]), false);
  assert.equal(step([p.subarray(0, 4), p.subarray(2, 6)], [g.subarray(0, 4), g.subarray(4, 8)]), false);
  assert.deepEqual([...p], new Array(8).fill(1), "declined calls write nothing");
  assert.equal(step([p], [g]), true);
  assert.deepEqual([...p], new Array(8).fill(0.5));
  assert.equal(step([], []), true);
  assert.throws(() => full.sgdStep([p], [g, g], null, null, -0.5, 0, 0, 1, false, false), RangeError);
  assert.throws(() => full.sgdStep([p], [[] as unknown as Float32Array], null, null, -0.5, 0, 0, 1, false, false), TypeError);
});
