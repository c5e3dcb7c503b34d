/** nn.init: bounds and statistics on large tensors, gains and fans, reproducibility, in-place semantics. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const { init } = nn;
type Tensor = torch.Tensor;

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = t.toTypedArray();
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    s += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / (v.length - 1)), min, max };
}

const close = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b} (rel ${rel})`);

test("calculateGain and fans follow PyTorch", () => {
  assert.equal(init.calculateGain("linear"), 1);
  assert.equal(init.calculateGain("conv2d"), 1);
  assert.equal(init.calculateGain("sigmoid"), 1);
  assert.equal(init.calculateGain("tanh"), 5 / 3);
  assert.equal(init.calculateGain("relu"), Math.sqrt(2));
  assert.equal(init.calculateGain("leaky_relu"), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain("leaky_relu", 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain("selu"), 0.75);
  assert.throws(() => init.calculateGain("swish" as "relu"), { name: "ArgumentError", message: "Unsupported nonlinearity swish" });
  assert.deepEqual(init.calculateFanInAndFanOut(torch.zeros([16, 8, 3, 3])), [72, 144]);
  assert.deepEqual(init.calculateFanInAndFanOut(torch.zeros([5, 7])), [7, 5]);
  assert.throws(() => init.calculateFanInAndFanOut(torch.zeros([5])), /fewer than 2 dimensions/);
});

test("uniform_ and normal_ fill in place with the requested distribution", () => {
  const t = torch.empty([200, 500]);
  assert.equal(init.uniform_(t, -2, 3), t);
  const u = stats(t);
  assert.ok(u.min >= -2 && u.max < 3);
  close(u.mean, 0.5, 0.02, "uniform mean");
  close(u.std, 5 / Math.sqrt(12), 0.01, "uniform std");
  init.normal_(t, 1, 0.5);
  const n = stats(t);
  close(n.mean, 1, 0.005, "normal mean");
  close(n.std, 0.5, 0.01, "normal std");
  init.constant_(t, 0.25);
  assert.ok(t.toTypedArray().every((v) => v === 0.25));
  init.ones_(t);
  assert.equal(stats(t).min, 1);
  init.zeros_(t);
  assert.equal(stats(t).max, 0);
  assert.throws(() => init.uniform_(t, 1, 0), /from=1 > to=0/);
  assert.throws(() => init.normal_(t, 0, -1), /std >= 0.0/);
  assert.throws(() => init.uniform_(torch.zeros([2], { dtype: "int64" })), torch.DTypeError);
});

test("xavier bounds and std", () => {
  const w = torch.empty([300, 700]);
  const a = Math.sqrt(6 / 1000);
  init.xavierUniform_(w);
  const u = stats(w);
  assert.ok(u.min >= -a && u.max <= a, "within +-sqrt(6/(fanIn+fanOut))");
  assert.ok(u.max > 0.99 * a && u.min < -0.99 * a, "fills the range");
  close(u.std, a / Math.sqrt(3), 0.01, "xavier uniform std");
  init.xavierUniform_(w, 2);
  assert.ok(stats(w).max <= 2 * a && stats(w).max > 1.98 * a);
  init.xavierNormal_(w, init.calculateGain("tanh"));
  close(stats(w).std, (5 / 3) * Math.sqrt(2 / 1000), 0.01, "xavier normal std");
});

test("kaiming std within tolerance for both modes and nonlinearities", () => {
  const w = torch.empty([256, 1024]);
  init.kaimingNormal_(w, { mode: "fan_in", nonlinearity: "relu" });
  close(stats(w).std, Math.sqrt(2 / 1024), 0.01, "kaiming normal fan_in relu");
  close(stats(w).mean + 1, 1, 0.001, "kaiming normal mean ~ 0");
  init.kaimingNormal_(w, { mode: "fanOut", nonlinearity: "relu" });
  close(stats(w).std, Math.sqrt(2 / 256), 0.01, "kaiming normal fan_out relu");
  init.kaimingUniform_(w, { a: Math.sqrt(5) });
  const u = stats(w);
  const bound = 1 / Math.sqrt(1024);
  assert.ok(u.max <= bound * (1 + 1e-6) && u.min >= -bound * (1 + 1e-6), "Linear's default bound 1/sqrt(fan_in)");
  close(u.std, bound / Math.sqrt(3), 0.01, "kaiming uniform std");
  init.kaimingUniform_(w, { mode: "fan_out", nonlinearity: "leaky_relu", a: 0.1 });
  close(stats(w).std, Math.sqrt(2 / 1.01) / Math.sqrt(256), 0.01, "kaiming uniform fan_out leaky");
  assert.throws(() => init.kaimingNormal_(w, { mode: "fan_avg" as "fan_in" }), /Mode fan_avg not supported, please use one of fan_in, fan_out/);
  const empty = torch.empty([0, 3]);
  assert.equal(init.kaimingUniform_(empty), empty, "zero-element tensors are left alone");
});

test("random inits are reproducible under manualSeed and honour a private generator", () => {
  const draw = () => init.kaimingUniform_(torch.empty([10, 10])).tolist();
  torch.manualSeed(123);
  const a = draw();
  torch.manualSeed(123);
  assert.deepEqual(draw(), a);
  assert.notDeepEqual(draw(), a);
  const g1 = new torch.Generator(5);
  const g2 = new torch.Generator(5);
  const x = init.normal_(torch.empty([20]), 0, 1, { generator: g1 });
  torch.manualSeed(999);
  assert.deepEqual(init.normal_(torch.empty([20]), 0, 1, { generator: g2 }).tolist(), x.tolist());
});

test("init writes into parameters that require grad without recording a graph", () => {
  const p = nn.Parameter(torch.zeros([3, 3]));
  init.xavierNormal_(p);
  assert.equal(p.isLeaf, true);
  assert.equal(p.gradFn, null);
  assert.equal(p.requiresGrad, true);
  assert.ok(p.toTypedArray().some((v) => v !== 0));
});
