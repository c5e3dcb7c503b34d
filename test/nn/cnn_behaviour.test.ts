/**
 * CNN modules beyond the PyTorch fixtures: typed errors with PyTorch's messages, default
 * initialisation, Dropout2d's channel masks, BatchNorm's running-statistics semantics, and the
 * nn.functional / nn.utils exports.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const F = nn.functional;
type Tensor = torch.Tensor;

const arr = (t: Tensor): number[] => Array.from(t.toTypedArray());
const close = (a: number, b: number, tol = 1e-5): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe("errors", () => {
  test("Conv2d given the wrong number of channels", () => {
    const conv = new nn.Conv2d(1, 32, 3);
    assert.throws(() => conv.forward(torch.randn([4, 3, 28, 28])), {
      name: "ShapeError",
      message: "Given groups=1, weight of size [32, 1, 3, 3], expected input[4, 3, 28, 28] to have 1 channels, but got 3 channels instead",
    });
    const grouped = new nn.Conv2d(4, 8, 3, { groups: 2 });
    assert.throws(() => grouped.forward(torch.randn([1, 2, 5, 5])), {
      name: "ShapeError",
      message: "Given groups=2, weight of size [8, 2, 3, 3], expected input[1, 2, 5, 5] to have 4 channels, but got 2 channels instead",
    });
    assert.throws(() => conv.forward(torch.randn([28, 28])), torch.ShapeError);
  });

  test("Conv constructor arguments", () => {
    const bad: [() => unknown, string][] = [
      [() => new nn.Conv2d(3, 4, 3, { groups: 2 }), "in_channels must be divisible by groups"],
      [() => new nn.Conv2d(4, 6, 3, { groups: 4 }), "out_channels must be divisible by groups"],
      [() => new nn.Conv2d(4, 4, 3, { groups: 0 }), "groups must be a positive integer"],
      [() => new nn.Conv2d(4, 4, 3, { stride: 2, padding: "same" }), "padding='same' is not supported for strided convolutions"],
      [() => new nn.Conv1d(4, 4, 3, { padding: "full" as "same" }), "Invalid padding string 'full', should be one of {'valid', 'same'}"],
      [
        () => new nn.Conv2d(4, 4, 3, { paddingMode: "mirror" as "reflect" }),
        "padding_mode must be one of {'zeros', 'reflect', 'replicate', 'circular'}, but got padding_mode='mirror'",
      ],
      [() => new nn.Conv2d(4, 4, [3, 3, 3]), "kernel_size must be an integer or a tuple of 2 integers, got [3,3,3]"],
    ];
    for (const [fn, message] of bad) assert.throws(fn, { name: "ArgumentError", message });
  });

  test("BatchNorm given the wrong rank or channels", () => {
    assert.throws(() => new nn.BatchNorm2d(3).forward(torch.randn([2, 3, 4])), { name: "ShapeError", message: "expected 4D input (got 3D input)" });
    assert.throws(() => new nn.BatchNorm2d(3).forward(torch.randn([2, 3])), { name: "ShapeError", message: "expected 4D input (got 2D input)" });
    assert.throws(() => new nn.BatchNorm1d(3).forward(torch.randn([2, 3, 4, 4])), { name: "ShapeError", message: "expected 2D or 3D input (got 4D input)" });
    assert.throws(() => new nn.BatchNorm2d(4).forward(torch.randn([2, 3, 4, 4])), { name: "ShapeError", message: "running_mean should contain 3 elements not 4" });
    assert.throws(() => new nn.BatchNorm1d(3).forward(torch.randn([1, 3])), {
      name: "ArgumentError",
      message: "Expected more than 1 value per channel when training, got input size [1, 3]",
    });
    // The failed forwards counted nothing they should not have: the rank check comes first.
    const bn = new nn.BatchNorm2d(3);
    assert.throws(() => bn.forward(torch.randn([3, 4, 4])));
    assert.equal(bn.numBatchesTracked!.item(), 0);
  });

  test("Dropout2d probability out of range", () => {
    for (const p of [1.5, -0.1]) {
      assert.throws(() => new nn.Dropout2d(p), { name: "ArgumentError", message: `dropout probability has to be between 0 and 1, but got ${p}` });
      assert.throws(() => F.dropout2d(torch.ones([1, 2, 2, 2]), p), torch.ArgumentError);
    }
    assert.throws(() => new nn.Dropout2d(NaN), torch.ArgumentError);
  });

  test("LayerNorm given the wrong trailing shape", () => {
    assert.throws(() => new nn.LayerNorm([4, 5]).forward(torch.randn([2, 5, 4])), {
      name: "ShapeError",
      message: "Given normalized_shape=[4, 5], expected input with shape [*, 4, 5], but got input of size[2, 5, 4]",
    });
  });
});

describe("initialisation", () => {
  test("Conv2d: kaiming_uniform_(a=sqrt(5)) weight and U(+-1/sqrt(fanIn)) bias, seeded", () => {
    torch.manualSeed(7);
    const conv = new nn.Conv2d(8, 16, 3);
    const bound = 1 / Math.sqrt(8 * 9);
    const w = arr(conv.weight);
    assert.deepEqual(conv.weight.shape, [16, 8, 3, 3]);
    assert.ok(w.every((v) => Math.abs(v) <= bound));
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    assert.ok(Math.abs(std - bound / Math.sqrt(3)) < 0.05 * bound, `std ${std}`);
    assert.ok(arr(conv.bias!).every((v) => Math.abs(v) <= bound));
    torch.manualSeed(7);
    assert.deepEqual(arr(new nn.Conv2d(8, 16, 3).weight), w);
    const g = new torch.Generator().manualSeed(3);
    const a = new nn.Conv1d(2, 3, 5, { generator: g, dtype: "float64" });
    assert.equal(a.weight.dtype, "float64");
    assert.deepEqual(a.weight.shape, [3, 2, 5]);
    assert.deepEqual(arr(a.weight), arr(new nn.Conv1d(2, 3, 5, { generator: new torch.Generator().manualSeed(3), dtype: "float64" }).weight));
  });

  test("grouped and bias-free convs; norm layers start at weight 1, bias 0, running stats 0/1/0", () => {
    const c = new nn.Conv2d(6, 4, [3, 2], { groups: 2, bias: false });
    assert.deepEqual(c.weight.shape, [4, 3, 3, 2]);
    assert.equal(c.bias, null);
    assert.deepEqual(Object.keys(c.stateDict()), ["weight"]);
    const bn = new nn.BatchNorm1d(3);
    assert.deepEqual([arr(bn.weight!), arr(bn.bias!), arr(bn.runningMean!), arr(bn.runningVar!)], [[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    assert.equal(bn.numBatchesTracked!.dtype, "int64");
    assert.deepEqual(bn.numBatchesTracked!.shape, []);
    const ln = new nn.LayerNorm([2, 3], { elementwiseAffine: false });
    assert.deepEqual(Object.keys(ln.stateDict()), []);
  });
});

describe("Dropout2d", () => {
  test("zeroes whole channels with probability p, scales the rest, identity in eval", () => {
    torch.manualSeed(1);
    const drop = new nn.Dropout2d(0.3);
    const x = torch.ones([64, 16, 3, 3]).requiresGrad_(true);
    const y = drop.forward(x);
    const v = arr(y);
    let dropped = 0;
    for (let ch = 0; ch < 64 * 16; ch++) {
      const plane = v.slice(ch * 9, ch * 9 + 9);
      assert.ok(plane.every((e) => e === plane[0]), "a channel is all kept or all dropped");
      assert.ok(plane[0] === 0 || close(plane[0]!, 1 / 0.7));
      if (plane[0] === 0) dropped++;
    }
    assert.ok(Math.abs(dropped / 1024 - 0.3) < 0.05, `dropped fraction ${dropped / 1024}`);
    y.sum().backward();
    assert.deepEqual(arr(x.grad!), v, "the gradient is the mask");
    drop.eval();
    assert.equal(drop.forward(x), x);
    assert.equal(F.dropout2d(x, 0.5, { training: false }), x);
    assert.ok(arr(new nn.Dropout2d(1).forward(torch.ones([2, 3, 2, 2]))).every((e) => e === 0));
  });

  test("masks come from the given generator", () => {
    const run = () => new nn.Dropout2d(0.5, { generator: new torch.Generator().manualSeed(5) }).forward(torch.ones([4, 8, 2, 2]));
    assert.deepEqual(arr(run()), arr(run()));
  });
});

describe("BatchNorm running statistics", () => {
  test("momentum null is the cumulative average of the batch statistics", () => {
    torch.manualSeed(2);
    const bn = new nn.BatchNorm2d(2, { momentum: null });
    const xs = [0, 1, 2].map(() => torch.randn([3, 2, 4, 4]).mul(2).add(1));
    xs.forEach((x) => bn.forward(x));
    const means = xs.map((x) => arr(x.mean([0, 2, 3])));
    const vars = xs.map((x) => arr(x.transpose(0, 1).reshape([2, -1]).var(1)));
    for (let c = 0; c < 2; c++) {
      assert.ok(close(arr(bn.runningMean!)[c]!, (means[0]![c]! + means[1]![c]! + means[2]![c]!) / 3, 1e-5));
      assert.ok(close(arr(bn.runningVar!)[c]!, (vars[0]![c]! + vars[1]![c]! + vars[2]![c]!) / 3, 1e-5));
    }
    assert.equal(bn.numBatchesTracked!.item(), 3);
  });

  test("eval uses the running statistics and counts nothing; without them it uses the batch's", () => {
    const bn = new nn.BatchNorm1d(2, { momentum: 0.5 });
    bn.forward(torch.tensor([[1, 10], [3, 30]], { dtype: "float32" }));
    assert.deepEqual(arr(bn.runningMean!), [1, 10]);
    assert.deepEqual(arr(bn.runningVar!), [1.5, 100.5]);
    bn.eval();
    const y = bn.forward(torch.tensor([[1, 10]], { dtype: "float32" }));
    assert.ok(close(arr(y)[0]!, 0) && close(arr(y)[1]!, 0));
    assert.equal(bn.numBatchesTracked!.item(), 1);
    const free = new nn.BatchNorm1d(2, { trackRunningStats: false }).eval();
    assert.deepEqual(free.namedBuffers(), []);
    const z = arr(free.forward(torch.tensor([[1, 10], [3, 30]], { dtype: "float32" })));
    assert.ok(close(z[0]!, -1, 1e-4) && close(z[2]!, 1, 1e-4));
  });

  test("to(float64) converts the statistics but keeps the int64 counter; reset restores them", () => {
    const bn = new nn.BatchNorm2d(2).to("float64");
    bn.forward(torch.randn([2, 2, 3, 3], { dtype: "float64" }));
    assert.equal(bn.runningMean!.dtype, "float64");
    assert.equal(bn.numBatchesTracked!.dtype, "int64");
    assert.equal(bn.numBatchesTracked!.item(), 1);
    bn.resetRunningStats();
    assert.deepEqual([arr(bn.runningMean!), arr(bn.runningVar!), bn.numBatchesTracked!.item()], [[0, 0], [1, 1], 0]);
  });
});

test("nn.functional and nn.utils exports", () => {
  const x = torch.randn([1, 2, 6, 6]);
  const w = torch.randn([3, 2, 3, 3]);
  assert.deepEqual(F.conv2d(x, w, null, { padding: 1 }).shape, [1, 3, 6, 6]);
  assert.deepEqual(nn.F.conv1d(torch.randn([1, 2, 6]), torch.randn([3, 2, 3])).shape, [1, 3, 4]);
  assert.deepEqual(F.maxPool2d(x, 2).shape, [1, 2, 3, 3]);
  assert.deepEqual(F.avgPool2d(x, 3, { stride: 3 }).shape, [1, 2, 2, 2]);
  assert.deepEqual(F.adaptiveAvgPool2d(x, [1, 2]).shape, [1, 2, 1, 2]);
  assert.deepEqual(F.batchNorm(x, null, null, null, null, true).shape, [1, 2, 6, 6]);
  assert.deepEqual(F.layerNorm(x, [6, 6]).shape, [1, 2, 6, 6]);
  assert.deepEqual(F.pad(x, [1, 1, 2, 0], { mode: "reflect" }).shape, [1, 2, 8, 8]);
  const [values, indices] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
  assert.deepEqual([values.shape, indices.dtype], [[1, 2, 3, 3], "int64"]);
  const p = nn.Parameter(torch.ones([3]));
  p.grad = torch.tensor([3, 4, 0], { dtype: "float32" });
  assert.ok(close(nn.utils.clipGradNorm_([p], 1).item(), 5));
  assert.ok(close(arr(p.grad)[0]!, 0.6, 1e-4));
  nn.utils.clipGradValue_([p], 0.5);
  assert.ok(arr(p.grad).every((v) => Math.abs(v) <= 0.5));
});
