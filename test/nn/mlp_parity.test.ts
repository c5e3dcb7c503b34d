/**
 * Parity with PyTorch on the seed's MLP (784-1024-2048-512-12, batch 8): logits, cross-entropy loss
 * and every parameter gradient. The 3.5M weights are not stored: gen_nn.py and `hashed` below compute
 * them from the same integer hash, exactly (see test/fixtures/nn/mlp.json's generator). Tolerance:
 * relative error <= 1e-4 in float32 (normwise for tensors; sums against the sum of |g|).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const { nn } = torch;
type Tensor = torch.Tensor;

interface GradStats {
  shape: number[];
  sum: number;
  sumAbs: number;
  sumSq: number;
  maxAbs: number;
  stride: number;
  samples: number[];
}

interface MlpFixture {
  params: { name: string; shape: number[]; seed: number; exp: number }[];
  input: { shape: number[]; seed: number; exp: number };
  target: number[];
  checksOfHash: Record<string, number[]>;
  logits: TensJson;
  loss: number;
  grads: Record<string, GradStats>;
  lastLayer: Record<string, TensJson>;
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/nn/mlp.json", import.meta.url), "utf8")) as MlpFixture;
const TOL = 1e-4;

/** gen_nn.py's `hashed`: integer hash of (k + seed * 0x9E3779B9) mod 2^32, top 24 bits, scaled by 2^-exp. */
function hashed(shape: number[], seed: number, exp: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const base = seed * 0x9e3779b9;
  const scale = 2 ** -exp;
  for (let k = 0; k < n; k++) {
    let x = (k + base) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    out[k] = ((x >>> 8) - 8388608) * scale;
  }
  return torch.tensor(out).reshape(shape);
}

function rel(a: number, b: number, scale: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(scale), 1e-30);
}

test("seed MLP: logits, loss and every parameter gradient match PyTorch", () => {
  const p0 = fx.params[0]!;
  const w0 = hashed(p0.shape, p0.seed, p0.exp);
  assert.deepEqual(Array.from(w0.toTypedArray().slice(0, 4)), fx.checksOfHash["0.weight[:4]"], "weight hash differs from gen_nn.py");
  const x = hashed(fx.input.shape, fx.input.seed, fx.input.exp);
  assert.deepEqual(Array.from(x.toTypedArray().slice(0, 4)), fx.checksOfHash["input[:4]"], "input hash differs from gen_nn.py");

  const model = new nn.Sequential(
    new nn.Linear(784, 1024), new nn.ReLU(),
    new nn.Linear(1024, 2048), new nn.ReLU(),
    new nn.Linear(2048, 512), new nn.ReLU(),
    new nn.Linear(512, 12),
  );
  const sd = new Map(fx.params.map((p) => [p.name, hashed(p.shape, p.seed, p.exp)] as const));
  assert.deepEqual(model.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] });

  const logits = model.forward(x);
  checkTensor(logits, fx.logits, "logits");
  const loss = nn.F.crossEntropy(logits, torch.tensor(fx.target));
  assert.ok(rel(loss.item(), fx.loss, fx.loss) <= TOL, `loss ${loss.item()} vs ${fx.loss}`);
  loss.backward();

  const named = new Map(model.namedParameters());
  assert.deepEqual([...named.keys()], Object.keys(fx.grads));
  for (const [name, s] of Object.entries(fx.grads)) {
    const g = named.get(name)!.grad;
    assert.ok(g, `${name}: no gradient`);
    assert.deepEqual([...g.shape], s.shape, `${name}: grad shape`);
    const d = g.toTypedArray();
    let sum = 0;
    let sumSq = 0;
    let maxAbs = 0;
    for (const v of d) {
      sum += v;
      sumSq += v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    assert.ok(rel(sum, s.sum, s.sumAbs) <= TOL, `${name}: sum ${sum} vs ${s.sum} (sum|g| ${s.sumAbs})`);
    assert.ok(rel(sumSq, s.sumSq, s.sumSq) <= 2 * TOL, `${name}: sum of squares ${sumSq} vs ${s.sumSq}`);
    assert.ok(rel(maxAbs, s.maxAbs, s.maxAbs) <= TOL, `${name}: max |g| ${maxAbs} vs ${s.maxAbs}`);
    s.samples.forEach((want, i) => {
      const got = d[i * s.stride]!;
      assert.ok(rel(got, want, s.maxAbs) <= TOL, `${name}[${i * s.stride}]: ${got} vs ${want} (max |g| ${s.maxAbs})`);
    });
  }
  for (const [name, want] of Object.entries(fx.lastLayer)) checkTensor(named.get(name)!.grad, want, `${name}.grad`);
});

test("seed MLP fixture: the hashed input round-trips through fromJson helpers", () => {
  // Sanity for the helper used elsewhere: a fixture tensor rebuilds with its dtype and shape.
  const t = fromJson(fx.logits);
  assert.deepEqual([...t.shape], fx.logits.shape);
  assert.equal(t.dtype, "float32");
});
