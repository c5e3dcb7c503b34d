/**
 * Issue-16 layers against PyTorch 1.13 (test/fixtures/nn16.json from scripts/fixtures/gen_nn16.py): every
 * module and F case (outputs, input and parameter gradients, repr, state keys), PyTorch's error messages,
 * the ParameterList/ParameterDict reprs and keys; the dropout variants' randomness is checked by its statistics.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { fixture, runCase, runError } from "./nn16_common.ts";

const { nn } = torch;
const fx = fixture();

describe("issue 16 layers match PyTorch 1.13", () => {
  for (const c of fx.cases) test(c.name, () => runCase(c));
});

describe("issue 16 errors read like PyTorch's", () => {
  for (const c of fx.errors) test(c.name, () => runError(c));
});

const containerRepr = (name: string): { repr: string; keys: string[] } => {
  const c = fx.containers.find((x) => x.name === name);
  assert.ok(c, name);
  return c;
};

describe("ParameterList and ParameterDict", () => {
  test("list repr and keys, before and after append", () => {
    const l = new nn.ParameterList([nn.Parameter(torch.zeros([3, 4])), nn.Parameter(torch.zeros([3], { dtype: "float64" }))]);
    let fx1 = containerRepr("list of two");
    assert.equal(l.toString(), fx1.repr);
    assert.deepEqual(Object.keys(l.stateDict()), fx1.keys);
    const plain = torch.zeros([2]);
    l.append(plain);
    fx1 = containerRepr("list after append");
    assert.equal(l.toString(), fx1.repr);
    assert.deepEqual(Object.keys(l.stateDict()), fx1.keys);
    assert.ok(l.at(2) instanceof nn.Parameter, "a plain tensor is wrapped in a Parameter");
    assert.ok(l.at(2).requiresGrad);
    assert.equal(l.length, 3);
    assert.equal(l.at(-1), l.get(2));
    assert.equal(containerRepr("list of one").repr, new nn.ParameterList([nn.Parameter(torch.zeros([2]))]).toString());
    assert.equal(containerRepr("list of a 0-d").repr, new nn.ParameterList([nn.Parameter(torch.zeros([]))]).toString());
    assert.equal(containerRepr("empty list").repr, new nn.ParameterList().toString());
  });

  test("list indexing, set, extend, iteration, parameters()", () => {
    const a = nn.Parameter(torch.ones([2]));
    const l = new nn.ParameterList([a]);
    l.extend([torch.zeros([1]), torch.zeros([3])]);
    assert.deepEqual([...l].map((p) => p.shape[0]), [2, 1, 3]);
    assert.deepEqual(l.namedParameters().map(([k]) => k), ["0", "1", "2"]);
    assert.equal(l.parameters()[0], a);
    const b = nn.Parameter(torch.ones([5]));
    l.set(-2, b);
    assert.equal(l.at(1), b);
    assert.throws(() => l.at(3), /index 3 is out of range/);
    assert.throws(() => l.at(-4), /index -4 is out of range/);
    assert.throws(() => l.append(3 as unknown as torch.Tensor), /expected a Tensor or nn.Parameter, got/);
  });

  test("dict repr and keys: a plain object sorted, a Map in order", () => {
    const d = new nn.ParameterDict({ b: nn.Parameter(torch.zeros([2])), a: nn.Parameter(torch.zeros([1, 2], { dtype: "float64" })) });
    let e = containerRepr("dict sorted");
    assert.equal(d.toString(), e.repr);
    assert.deepEqual(Object.keys(d.stateDict()), e.keys);
    d.set("c", torch.zeros([2]));
    e = containerRepr("dict after set");
    assert.equal(d.toString(), e.repr);
    assert.deepEqual(Object.keys(d.stateDict()), e.keys);
    assert.equal(new nn.ParameterDict().toString(), containerRepr("empty dict").repr);
    const m = new nn.ParameterDict(new Map([["z", torch.zeros([1])], ["y", torch.zeros([1])]]));
    assert.deepEqual(m.keys(), ["z", "y"]);
    assert.deepEqual([...m], ["z", "y"]);
    assert.ok(m.get("z") instanceof nn.Parameter);
    assert.throws(() => m.get("q"), /'ParameterDict' object has no attribute 'q'/);
    assert.equal(m.pop("z").shape[0], 1);
    assert.deepEqual(m.keys(), ["y"]);
    assert.equal(m.length, 1);
    m.update(d);
    assert.deepEqual(m.keys(), ["y", "a", "b", "c"]);
  });

  test("nested in a module: PyTorch's keys and repr; the optimizer trains them", () => {
    class Net extends nn.Module {
      pl = new nn.ParameterList([nn.Parameter(torch.zeros([1])), nn.Parameter(torch.zeros([2]))]);
      pd = new nn.ParameterDict({ w: nn.Parameter(torch.zeros([1])) });
    }
    const net = new Net();
    const e = containerRepr("nested");
    assert.equal(net.toString().replace(/^Net\(/, "Module("), e.repr);
    assert.deepEqual(Object.keys(net.stateDict()), e.keys);
    const opt = new torch.optim.SGD(net.parameters(), { lr: 1 });
    net.pl.at(1).sum().add(net.pd.get("w").mul(3).sum()).backward();
    opt.step();
    assert.deepEqual(Array.from(net.pl.at(1).toTypedArray() as Float32Array), [-1, -1]);
    assert.deepEqual(Array.from(net.pd.get("w").toTypedArray() as Float32Array), [-3]);
    const sd = net.stateDict();
    const fresh = new Net();
    fresh.loadStateDict(sd);
    assert.deepEqual(Array.from(fresh.pd.get("w").toTypedArray() as Float32Array), [-3]);
  });
});

/** Mean and variance of a tensor's values. */
function stats(t: torch.Tensor): { mean: number; variance: number } {
  const v = Array.from(t.toTypedArray() as Float32Array);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, variance: v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length };
}

describe("dropout variants: the random masks by their statistics", () => {
  const ALPHA = 1.7580993408473766;
  test("AlphaDropout keeps mean 0 and variance 1 of a standard normal; dropped values sit at one point", () => {
    torch.manualSeed(3);
    const x = torch.randn([200000]);
    const p = 0.3;
    const y = new nn.AlphaDropout(p).forward(x);
    const { mean, variance } = stats(y);
    assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    const dropped = -ALPHA * a + ALPHA * a * p;
    const yv = y.toTypedArray() as Float32Array;
    const xv = x.toTypedArray() as Float32Array;
    let nDropped = 0;
    for (let i = 0; i < yv.length; i++) {
      if (Math.abs(yv[i]! - dropped) < 1e-6) nDropped++;
      else assert.ok(Math.abs(yv[i]! - (a * xv[i]! + ALPHA * a * p)) < 1e-5, `kept value ${i}`);
    }
    assert.ok(Math.abs(nDropped / yv.length - p) < 0.01, `dropped fraction ${nDropped / yv.length}`);
  });

  test("FeatureAlphaDropout drops whole channels", () => {
    torch.manualSeed(4);
    const x = torch.randn([400, 50, 6]);
    const y = nn.F.featureAlphaDropout(x, 0.5, true);
    const { mean, variance } = stats(y);
    assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1) < 0.04, `mean ${mean} variance ${variance}`);
    // A kept channel is a*x + ALPHA*a*p all along its last dim; about half the channels are kept.
    const p = 0.5;
    const a = 1 / Math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p));
    const shift = y.sub(x.mul(a));
    const kept = shift.sub(ALPHA * a * p).abs().amax(2).lt(1e-5);
    const fracKept = kept.float().mean().item() as number;
    assert.ok(Math.abs(fracKept - 0.5) < 0.02, `kept channels ${fracKept}`);
  });

  test("Dropout1d and Dropout3d zero whole channels and scale the rest", () => {
    torch.manualSeed(5);
    const p = 0.25;
    for (const [m, shape] of [[new nn.Dropout1d(p), [300, 40, 5]], [new nn.Dropout3d(p), [100, 40, 2, 2, 3]]] as const) {
      const x = torch.ones([...shape]);
      const y = m.forward(x);
      const flat = y.reshape([shape[0] * shape[1], -1]);
      const mx = flat.amax(1);
      const mn = flat.amin(1);
      assert.ok(mx.sub(mn).abs().max().item() === 0, "constant over each channel");
      const keptFrac = mx.gt(0).float().mean().item() as number;
      assert.ok(Math.abs(keptFrac - (1 - p)) < 0.02, `kept ${keptFrac}`);
      assert.ok(Math.abs((mx.max().item() as number) - 1 / (1 - p)) < 1e-6, "scaled by 1/(1-p)");
    }
    // Unbatched Dropout1d: [C, L].
    const y = nn.F.dropout1d(torch.ones([1000, 3]), 0.5);
    assert.deepEqual([...y.shape], [1000, 3]);
    assert.ok(y.amax(1).sub(y.amin(1)).abs().max().item() === 0);
  });

  test("the generator option makes masks reproducible; eval is the identity object", () => {
    const g1 = new torch.Generator().manualSeed(7);
    const g2 = new torch.Generator().manualSeed(7);
    const x = torch.randn([50]);
    const a = new nn.AlphaDropout({ p: 0.4, generator: g1 }).forward(x);
    const b = nn.F.alphaDropout(x, { p: 0.4, training: true, generator: g2 });
    assert.deepEqual(Array.from(a.toTypedArray() as Float32Array), Array.from(b.toTypedArray() as Float32Array));
    const x2 = x.reshape([5, 10]);
    assert.equal(new nn.FeatureAlphaDropout(0.4).eval().forward(x2), x2);
    const x5 = x.reshape([1, 5, 10, 1, 1]);
    assert.equal(new nn.Dropout3d(0.4).eval().forward(x5), x5);
  });
});

describe("F.gumbelSoftmax", () => {
  test("soft samples are distributions whose argmax follows softmax(logits)", () => {
    torch.manualSeed(11);
    const logits = torch.tensor([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
    const n = 20000;
    const y = nn.F.gumbelSoftmax(logits.expand([n, 3]), { tau: 0.5 });
    const rowSums = y.sum(1);
    assert.ok(rowSums.sub(1).abs().max().item() < 1e-5, "each sample sums to 1");
    const counts = [0, 0, 0];
    for (const k of Array.from(y.argmax(1).toTypedArray() as unknown as BigInt64Array, Number)) counts[k]!++;
    [0.5, 0.3, 0.2].forEach((p, k) => assert.ok(Math.abs(counts[k]! / n - p) < 0.015, `class ${k}: ${counts[k]! / n} vs ${p}`));
  });

  test("hard: one-hot values, the soft sample's gradient (straight through)", () => {
    const w = torch.randn([4, 5]);
    torch.manualSeed(12);
    const logits = torch.randn([4, 5], { requiresGrad: true });
    const y = nn.F.gumbelSoftmax(logits, { hard: true, dim: 1 });
    assert.deepEqual([...y.shape], [4, 5]);
    const v = Array.from(y.toTypedArray() as Float32Array);
    assert.ok(v.every((x) => x === 0 || x === 1), "one-hot");
    assert.deepEqual(Array.from(y.sum(1).toTypedArray() as Float32Array), [1, 1, 1, 1]);
    y.mul(w).sum().backward();
    // Replaying the same draws gives the soft sample; its gradient is the one the hard output passes back.
    torch.manualSeed(12);
    const logits2 = torch.randn([4, 5], { requiresGrad: true });
    const soft = nn.F.gumbelSoftmax(logits2, 1, false, 1e-10, 1);
    soft.mul(w).sum().backward();
    const g1 = Array.from(logits.grad!.toTypedArray() as Float32Array);
    const g2 = Array.from(logits2.grad!.toTypedArray() as Float32Array);
    g1.forEach((g, i) => assert.ok(Math.abs(g - g2[i]!) < 1e-6, `grad ${i}: ${g} vs ${g2[i]}`));
    assert.ok(g1.some((g) => g !== 0), "a gradient flows");
    // The hard output is the one-hot of the soft sample's argmax.
    assert.deepEqual(Array.from(y.argmax(1).toTypedArray() as unknown as BigInt64Array), Array.from(soft.argmax(1).toTypedArray() as unknown as BigInt64Array));
  });
});

describe("lazy modules", () => {
  test("become the ordinary class at the first forward; an optimizer made before trains the same parameters", () => {
    const m = new nn.LazyLinear(2);
    assert.equal(m.getName(), "LazyLinear");
    assert.ok(m.parameters().every((p) => nn.isUninitializedParameter(p)));
    const opt = new torch.optim.SGD(m.parameters(), { lr: 0.5 });
    const x = torch.ones([1, 3]);
    const y = m.forward(x);
    assert.deepEqual([...y.shape], [1, 2]);
    assert.ok(m instanceof nn.Linear, "instanceof Linear");
    assert.equal(m.getName(), "Linear");
    assert.equal((m as torch.nn.Linear).inFeatures, 3);
    const before = Array.from(m.weight.toTypedArray() as Float32Array);
    y.sum().backward();
    opt.step();
    const after = Array.from(m.weight.toTypedArray() as Float32Array);
    after.forEach((v, i) => assert.ok(Math.abs(v - (before[i]! - 0.5)) < 1e-6, `weight ${i} stepped`));
    // Kaiming-uniform bounds of the materialised weight: 1/sqrt(in_features).
    assert.ok(before.every((v) => Math.abs(v) <= 1 / Math.sqrt(3)));
  });

  test("constructing one draws nothing from the default generator; the first forward draws as the ordinary class", () => {
    torch.manualSeed(5);
    const lazy = new nn.LazyConv2d(4, 3);
    lazy.forward(torch.zeros([1, 2, 5, 5]));
    torch.manualSeed(5);
    const plain = new nn.Conv2d(2, 4, 3);
    assert.deepEqual(Array.from(lazy.weight.toTypedArray() as Float32Array), Array.from(plain.weight.toTypedArray() as Float32Array));
    assert.deepEqual(Array.from(lazy.bias!.toTypedArray() as Float32Array), Array.from(plain.bias!.toTypedArray() as Float32Array));
  });

  test("BatchNorm: running statistics and state keys as the ordinary class; loadStateDict waits for a forward", () => {
    const bn = new nn.LazyBatchNorm2d();
    assert.throws(() => bn.loadStateDict(new nn.BatchNorm2d(3).stateDict()), /LazyBatchNorm2d: loadStateDict before the first forward/);
    assert.throws(() => bn.forward(torch.ones([2, 3])), /expected 4D input \(got 2D input\)/);
    bn.forward(torch.randn([2, 3, 2, 2]));
    assert.ok(bn instanceof nn.BatchNorm2d);
    assert.deepEqual([...bn.getBuffer("running_mean")!.shape], [3]);
    bn.loadStateDict(new nn.BatchNorm2d(3).stateDict());
    assert.equal(bn.toString(), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
  });

  test("errors: the conv input rank, unknown options", () => {
    assert.throws(() => new nn.LazyConv1d(4, 3).forward(torch.ones([1, 2, 3, 4])), /Expected 2D \(unbatched\) or 3D \(batched\) input to conv1d, but got input of size: \[1, 2, 3, 4\]/);
    assert.throws(() => Reflect.construct(nn.LazyLinear, [3, { in_features: 2 }]), /nn.LazyLinear\(\): unknown option 'in_features'/);
  });
});
