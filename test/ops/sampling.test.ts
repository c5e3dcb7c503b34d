/**
 * The samplers: dtypes, shapes, graph nodes and errors against PyTorch 1.13 (test/fixtures/misc15.json,
 * from scripts/fixtures/gen_misc15.py), and the distributions checked statistically (kindling's generator
 * is xoshiro128**, not PyTorch's mt19937, so values cannot match PyTorch's bit for bit), plus determinism
 * under manualSeed and an explicit Generator.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
type D = torch.DType;
interface SampleCase { name: string; dtype?: D; shape?: number[]; requiresGrad?: boolean; gradFn?: string | null; error?: string }
const fx = JSON.parse(readFileSync(new URL("../fixtures/misc15.json", import.meta.url), "utf8")) as { sampling: SampleCase[] };

const f = () => torch.tensor([0.2, 0.7], { dtype: "float32" });
const f64 = () => torch.tensor([0.2, 0.7], { dtype: "float64" });
const il = () => torch.tensor([0, 1]);
const ib = () => torch.tensor([true, false]);
const g = (t: Tensor) => t.clone().requiresGrad_();
const z = (d: D) => torch.zeros([3], { dtype: d });
const x = torch.zeros([3], { requiresGrad: true });

/** Mirrors the `s(...)` calls of gen_misc15.py. */
const CASES: Record<string, () => Tensor> = {
  "bernoulli f32": () => torch.bernoulli(f()),
  "bernoulli f64 grad": () => torch.bernoulli(g(f64())),
  "bernoulli int64": () => torch.bernoulli(il()),
  "bernoulli bool": () => torch.bernoulli(ib()),
  "bernoulli p int64": () => torch.bernoulli(il(), 0.3),
  "bernoulli p bool": () => torch.bernoulli(ib(), 0.3),
  "bernoulli p grad": () => torch.bernoulli(g(f()), 0.3),
  "bernoulli bad probs": () => torch.bernoulli(torch.tensor([1.5])),
  "bernoulli bad p": () => torch.bernoulli(f(), 1.5),
  "bernoulli method": () => f().bernoulli(),
  "bernoulli 0-d": () => torch.bernoulli(torch.tensor(0.5, { dtype: "float32" })),
  "bernoulli size-0": () => torch.bernoulli(torch.zeros([0, 3])),
  "normal tensor float": () => torch.normal(f(), 1.0),
  "normal float tensor": () => torch.normal(0.0, f64()),
  "normal tensor tensor": () => torch.normal(f(), f()),
  "normal broadcast": () => torch.normal(torch.zeros([2, 1]), torch.ones([3])),
  "normal shapes": () => torch.normal(torch.zeros([2, 3]), torch.ones([6])),
  "normal size": () => torch.normal(0.0, 1.0, [2, 3]),
  "normal size float64": () => torch.normal(0.0, 1.0, [2, 3], { dtype: "float64" }),
  "normal size int64": () => torch.normal(0.0, 1.0, [2, 3], { dtype: "int64" }),
  "normal int mean": () => torch.normal(il(), 1.0),
  "normal negative std": () => torch.normal(f(), -1.0),
  "normal negative std tensor": () => torch.normal(f(), torch.tensor([-1.0, 1.0], { dtype: "float32" })),
  "normal size negative std": () => torch.normal(0.0, -1.0, [2]),
  "normal mixed dtypes": () => torch.normal(f(), f64()),
  "normal grad mean": () => torch.normal(g(f()), 1.0),
  "normal grad std": () => torch.normal(0.0, g(f())),
  "normal grad both": () => torch.normal(g(f()), g(f())),
  "normal 0-d": () => torch.normal(torch.tensor(1.0, { dtype: "float32" }), 2.0),
  "normal size-0": () => torch.normal(torch.zeros([0, 3]), 2.0),
  poisson: () => torch.poisson(torch.tensor([1.0, 5.0], { dtype: "float32" })),
  "poisson int64": () => torch.poisson(il()),
  "poisson negative": () => torch.poisson(torch.tensor([-1.0], { dtype: "float32" })),
  "poisson nan": () => torch.poisson(torch.tensor([NaN])),
  "poisson grad": () => torch.poisson(g(f64())),
  "randintLike high": () => torch.randintLike(f(), 10),
  "randintLike low high": () => torch.randintLike(il(), 3, 10),
  "randintLike bad": () => torch.randintLike(il(), 10, 3),
  "randintLike dtype": () => torch.randintLike(f(), 10, { dtype: "int32" }),
  "exponential_ negative": () => torch.zeros([3]).exponential_(-1),
  "geometric_ 0": () => torch.zeros([3]).geometric_(0),
  "geometric_ 1": () => torch.zeros([3]).geometric_(1),
  "logNormal_ std 0": () => torch.zeros([3]).logNormal_(1, 0),
  "random_ from >= to": () => torch.zeros([3]).random_(10, 3),
  "random_ to 0": () => torch.zeros([3]).random_(0),
  "random_ int32 to too big": () => z("int32").random_(0, 2 ** 40),
  "random_ bool to 3": () => z("bool").random_(0, 3),
  "random_ leaf": () => torch.zeros([3], { requiresGrad: true }).random_(),
  "exponential_ leaf": () => torch.zeros([3], { requiresGrad: true }).exponential_(),
  "random_ non-leaf": () => x.mul(2).random_(),
  "random_ to non-leaf": () => x.mul(2).random_(5),
  "random_ from to non-leaf": () => x.mul(2).random_(1, 5),
  "exponential_ non-leaf": () => x.mul(2).exponential_(),
  "geometric_ non-leaf": () => x.mul(2).geometric_(0.3),
  "cauchy_ non-leaf": () => x.mul(2).cauchy_(),
  "logNormal_ non-leaf": () => x.mul(2).logNormal_(),
};
for (const d of ["float32", "float64", "int32", "int64", "bool"] as const) {
  CASES[`random_ ${d}`] = () => z(d).random_();
  CASES[`random_ to ${d}`] = () => z(d).random_(2);
  CASES[`exponential_ ${d}`] = () => z(d).exponential_();
  CASES[`geometric_ ${d}`] = () => z(d).geometric_(0.5);
  CASES[`cauchy_ ${d}`] = () => z(d).cauchy_();
  CASES[`logNormal_ ${d}`] = () => z(d).logNormal_();
}

describe("samplers vs PyTorch: dtype, shape, graph node, errors", () => {
  for (const c of fx.sampling) {
    test(c.name, () => {
      const run = CASES[c.name];
      assert.ok(run, `no kindling call for ${c.name}`);
      if (c.error !== undefined) {
        assert.throws(run, (e: Error) => {
          assert.equal(e.message.split("\n")[0], c.error);
          return true;
        });
        return;
      }
      const out = run();
      assert.equal(out.dtype, c.dtype);
      assert.deepEqual([...out.shape], c.shape);
      assert.equal(out.requiresGrad, c.requiresGrad);
      assert.equal(out.gradFn?.name ?? null, c.gradFn);
    });
  }
});

const stats = (t: Tensor) => {
  const v = (t.double().reshape([-1]).tolist() as number[]);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return { v, mean, variance };
};
/** |estimate - truth| within k standard errors. */
const near = (got: number, want: number, se: number, what: string, k = 5) =>
  assert.ok(Math.abs(got - want) <= k * se, `${what}: ${got} vs ${want} (se ${se})`);

describe("sampler distributions (statistical, n = 20000)", () => {
  const n = 20000;
  test("bernoulli: per-element probabilities, values in {0, 1}", () => {
    torch.manualSeed(1);
    const p = torch.tensor([0, 0.25, 1]).reshape([3, 1]).expand([3, n]);
    const out = torch.bernoulli(p);
    const rows = out.mean(1).tolist() as number[];
    assert.equal(rows[0], 0);
    assert.equal(rows[2], 1);
    near(rows[1]!, 0.25, Math.sqrt(0.25 * 0.75 / n), "p=0.25");
    near(stats(torch.bernoulli(torch.zeros([n]), 0.7)).mean, 0.7, Math.sqrt(0.21 / n), "p=0.7");
  });
  test("normal: each overload's mean and std; a non-contiguous mean", () => {
    torch.manualSeed(2);
    const a = stats(torch.normal(torch.full([n], 3), 2));
    near(a.mean, 3, 2 / Math.sqrt(n), "mean");
    near(Math.sqrt(a.variance), 2, 2 / Math.sqrt(2 * n), "std");
    const b = stats(torch.normal(-1, torch.full([n], 0.5)));
    near(b.mean, -1, 0.5 / Math.sqrt(n), "mean");
    const m = torch.tensor([[0, 10]], { dtype: "float64" }).expand([n, 2]).t();
    const c = torch.normal(m, torch.tensor([[1], [3]], { dtype: "float64" }));
    const rows = c.mean(1).tolist() as number[];
    near(rows[0]!, 0, 1 / Math.sqrt(n), "row 0");
    near(rows[1]!, 10, 3 / Math.sqrt(n), "row 1");
    const d = stats(torch.normal(5, 0.1, [n]));
    near(d.mean, 5, 0.1 / Math.sqrt(n), "size overload");
    assert.ok(torch.normal(1, 0, [4]).equal(torch.ones(4)));
  });
  test("poisson: mean and variance equal the rate, small and large rates; rate 0 gives 0", () => {
    torch.manualSeed(3);
    for (const rate of [0.5, 4, 30, 1000]) {
      const s = stats(torch.poisson(torch.full([n], rate, { dtype: "float64" })));
      assert.ok(s.v.every((v) => Number.isInteger(v) && v >= 0));
      near(s.mean, rate, Math.sqrt(rate / n), `mean at ${rate}`);
      near(s.variance, rate, rate * Math.sqrt(2 / n) + Math.sqrt(rate / n), `variance at ${rate}`, 6);
    }
    assert.deepEqual(torch.poisson(torch.zeros([3])).tolist(), [0, 0, 0]);
  });
  test("exponential_, geometric_, cauchy_, logNormal_", () => {
    torch.manualSeed(4);
    const e = stats(torch.zeros([n], { dtype: "float64" }).exponential_(2));
    near(e.mean, 0.5, 0.5 / Math.sqrt(n), "exponential mean");
    assert.ok(e.v.every((v) => v >= 0));
    assert.ok(torch.zeros([2]).exponential_(0).isinf().all().item());
    const geo = stats(torch.zeros([n], { dtype: "int64" }).geometric_(0.25));
    assert.ok(geo.v.every((v) => Number.isInteger(v) && v >= 1));
    near(geo.mean, 4, Math.sqrt(0.75 / 0.0625 / n), "geometric mean");
    const c = (torch.zeros([n], { dtype: "float64" }).cauchy_(2, 3).tolist() as number[]).sort((a, b) => a - b);
    near(c[n / 2]!, 2, 3 * Math.PI / 2 / Math.sqrt(n), "cauchy median");
    near(c[(3 * n) / 4]! - c[n / 4]!, 6, 0.3, "cauchy IQR = 2 sigma");
    const ln = stats(torch.zeros([n], { dtype: "float64" }).logNormal_(0.5, 0.25).log());
    near(ln.mean, 0.5, 0.25 / Math.sqrt(n), "log-normal: log mean");
    near(Math.sqrt(ln.variance), 0.25, 0.25 / Math.sqrt(2 * n), "log-normal: log std");
  });
  test("random_: ranges per dtype and per overload", () => {
    torch.manualSeed(5);
    const r = torch.zeros([n], { dtype: "float32" }).random_(3, 7).tolist() as number[];
    assert.deepEqual([...new Set(r)].sort(), [3, 4, 5, 6]);
    const b = torch.zeros([n], { dtype: "bool" }).random_().tolist() as boolean[];
    assert.ok(b.includes(true) && b.includes(false));
    const i32 = stats(torch.zeros([n], { dtype: "int32" }).random_());
    assert.ok(i32.v.every((v) => v >= 0 && v <= 2 ** 31 - 1));
    near(i32.mean, (2 ** 31 - 1) / 2, 2 ** 31 / Math.sqrt(12 * n), "int32 full range");
    const f32 = torch.zeros([n]).random_().tolist() as number[];
    assert.ok(f32.every((v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 24));
    const from = torch.zeros([n], { dtype: "int64" }).random_(-5, null).tolist() as number[];
    assert.ok(from.every((v) => v >= -5) && from.some((v) => v > 2 ** 40));
    const to = stats(torch.zeros([n], { dtype: "float64" }).random_(10));
    assert.ok(to.v.every((v) => v >= 0 && v < 10));
    near(to.mean, 4.5, Math.sqrt(99 / 12 / n), "random_(10) mean");
  });
  test("randintLike, and samplers on non-contiguous selves write through the view", () => {
    torch.manualSeed(6);
    const r = torch.randintLike(torch.zeros([n], { dtype: "int32" }), -2, 2).tolist() as number[];
    assert.deepEqual([...new Set(r)].sort(), [-1, -2, 0, 1].sort());
    const base = torch.zeros([4, 6], { dtype: "float64" });
    base.t().narrow(0, 0, 3).exponential_();
    const filled = (base.gt(0).tolist() as boolean[][]).map((row) => row.map(Number));
    assert.deepEqual(filled, Array.from({ length: 4 }, () => [1, 1, 1, 0, 0, 0]));
  });
});

describe("determinism and gradients", () => {
  test("manualSeed and an explicit Generator reproduce every sampler", () => {
    const runs = (gen?: torch.Generator) => [
      torch.bernoulli(torch.full([5], 0.5), { generator: gen }), torch.bernoulli(torch.zeros([5]), 0.5, { generator: gen }),
      torch.normal(torch.zeros([5]), 1, { generator: gen }), torch.normal(0, 1, [5], { generator: gen }),
      torch.poisson(torch.full([5], 20), { generator: gen }), torch.zeros([5]).random_(0, 100, { generator: gen }),
      torch.zeros([5]).exponential_(1, { generator: gen }), torch.zeros([5]).geometric_(0.3, { generator: gen }),
      torch.zeros([5]).cauchy_(0, 1, { generator: gen }), torch.zeros([5]).logNormal_(1, 2, { generator: gen }),
      torch.zeros([5]).random_({ generator: gen }), torch.zeros([5]).random_(7, { generator: gen }),
    ].map((t) => t.tolist());
    torch.manualSeed(42);
    const a = runs();
    torch.manualSeed(42);
    assert.deepEqual(runs(), a);
    const gen = new torch.Generator(7);
    const b = runs(gen);
    gen.manualSeed(7);
    assert.deepEqual(runs(gen), b);
    assert.notDeepEqual(b, a);
  });
  test("Generator.seed() reseeds and returns the seed; device is cpu", () => {
    const gen = new torch.Generator(1);
    const s = gen.seed();
    assert.equal(gen.initialSeed(), s);
    const a = torch.rand(3, { generator: gen }).tolist();
    gen.manualSeed(s);
    assert.deepEqual(torch.rand(3, { generator: gen }).tolist(), a);
    assert.equal(gen.device, "cpu");
  });
  test("gradients through samples are zero, as PyTorch's (no reparameterization)", () => {
    const m = torch.tensor([0.5, 1.5], { dtype: "float64", requiresGrad: true });
    const s = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
    torch.normal(m, s).mul(torch.tensor([3, 4])).sum().backward();
    assert.deepEqual(m.grad!.tolist(), [0, 0]);
    assert.deepEqual(s.grad!.tolist(), [0, 0]);
    const p = torch.tensor([0.3, 0.6], { requiresGrad: true });
    torch.bernoulli(p).add(torch.poisson(p)).sum().backward();
    assert.deepEqual(p.grad!.tolist(), [0, 0]);
    const y = x.mul(3);
    y.exponential_();
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [0, 0, 0]);
  });
  test("0-d and size-0 selves", () => {
    for (const t of [torch.zeros([]), torch.zeros([0, 3])]) {
      for (const fill of [(u: Tensor) => u.random_(3), (u: Tensor) => u.exponential_(), (u: Tensor) => u.geometric_(0.5),
        (u: Tensor) => u.cauchy_(), (u: Tensor) => u.logNormal_()]) {
        const out = fill(t);
        assert.equal(out, t);
        assert.deepEqual([...out.shape], [...t.shape]);
      }
    }
    assert.ok((torch.zeros([]).geometric_(0.9).item() as number) >= 1);
    assert.deepEqual([...torch.poisson(torch.zeros([0])).shape], [0]);
    assert.deepEqual([...torch.randintLike(torch.zeros([]), 5).shape], []);
  });
  test("in-place samplers bump the version counter and refuse options they do not know", () => {
    const t = torch.zeros([3]);
    const v = t.version;
    t.cauchy_();
    t.random_(4);
    assert.equal(t.version, v + 2);
    assert.throws(() => t.exponential_(1, { gen: 1 } as never), /gen/);
    assert.throws(() => torch.normal(0, 1, [2], { generater: 1 } as never), /generater/);
  });
});
