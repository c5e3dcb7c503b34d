/**
 * Float64 finite-difference gradient checks of the issue-15 functions and layers on small inputs kept
 * away from the kinks (where the one-sided slopes differ and finite differences are meaningless; the
 * fixtures check PyTorch's choice there), non-contiguous inputs included; and the in-place forms'
 * autograd rules (a leaf that requires grad is refused, the version counter moves).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
const { nn } = torch;
const F = nn.F;

torch.manualSeed(15);

/** Values in [lo, hi) that keep `gap` away from every kink. */
function leaf(shape: number[], kinks: number[] = [], gap = 0.05, scale = 2): Tensor {
  const x = torch.randn(shape, { dtype: "float64" }).mul(scale);
  const data = Array.from(x.toTypedArray() as Float64Array, (v) => {
    for (const k of kinks) if (Math.abs(v - k) < gap) v = k + (v < k ? -gap : gap);
    return v;
  });
  return torch.tensor(data, { dtype: "float64" }).reshape(shape).requiresGrad_(true);
}

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  test(`gradcheck ${name}`, () => assert.equal(torch.autograd.gradcheck(fn, inputs), true));
}

describe("float64 gradchecks", () => {
  check("relu6", (x) => F.relu6(x), [leaf([3, 4], [0, 6], 0.05, 4)]);
  check("hardswish", (x) => F.hardswish(x), [leaf([3, 4], [-3, 3], 0.05, 3)]);
  check("hardsigmoid", (x) => F.hardsigmoid(x), [leaf([3, 4], [-3, 3], 0.05, 3)]);
  check("selu", (x) => F.selu(x), [leaf([3, 4], [0])]);
  check("celu alpha 0.6", (x) => F.celu(x, { alpha: 0.6 }), [leaf([3, 4], [0])]);
  check("softsign", (x) => F.softsign(x), [leaf([3, 4], [0])]);
  check("tanhshrink", (x) => F.tanhshrink(x), [leaf([3, 4])]);
  check("softshrink 0.7", (x) => F.softshrink(x, 0.7), [leaf([3, 4], [-0.7, 0.7])]);
  check("hardshrink 0.7", (x) => F.hardshrink(x, 0.7), [leaf([3, 4], [-0.7, 0.7])]);
  check("threshold 0.3 -> 5", (x) => F.threshold(x, 0.3, 5), [leaf([3, 4], [0.3])]);
  check("glu dim 0, transposed", (x) => F.glu(x.t(), 0), [leaf([3, 4])]);
  check("softmin dim 1", (x) => F.softmin(x, 1), [leaf([3, 4])]);
  check("normalize p 2", (x) => F.normalize(x), [leaf([3, 4])]);
  check("normalize p 3 dim 0", (x) => F.normalize(x, { p: 3, dim: 0 }), [leaf([3, 4], [0])]);
  check("normalize with eps clamping", (x) => F.normalize(x, { eps: 10 }), [leaf([3, 4])]);
  check("cosineSimilarity", (a, b) => F.cosineSimilarity(a, b), [leaf([3, 4]), leaf([3, 4])]);
  check("cosineSimilarity broadcast dim -1", (a, b) => F.cosineSimilarity(a, b, -1), [leaf([3, 1, 4]), leaf([2, 4])]);
  check("pairwiseDistance", (a, b) => F.pairwiseDistance(a, b), [leaf([3, 4]), leaf([3, 4])]);
  check("pairwiseDistance p 1 keepdim", (a, b) => F.pairwiseDistance(a, b, 1, 1e-6, true), [leaf([3, 4]), leaf([3, 4], [], 0.05, 5)]);
  check("pixelShuffle 2", (x) => F.pixelShuffle(x, 2), [leaf([2, 8, 2, 3])]);
  check("pixelUnshuffle 2 of a permuted input", (x) => F.pixelUnshuffle(x.permute([0, 1, 3, 2]), 2), [leaf([1, 2, 6, 4])]);
  check("maxPool1d 3 stride 2 padding 1 dilation 2", (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1, dilation: 2 }), [leaf([2, 2, 9])]);
  check("avgPool1d 3 stride 2 padding 1 ceil, no pad count", (x) => F.avgPool1d(x, 3, 2, 1, true, false), [leaf([2, 2, 8])]);
  check("adaptiveAvgPool1d 3 from 7", (x) => F.adaptiveAvgPool1d(x, 3), [leaf([2, 2, 7])]);
  check("adaptiveMaxPool1d 4 from 9", (x) => F.adaptiveMaxPool1d(x, 4), [leaf([2, 2, 9])]);
  check("adaptiveMaxPool2d [2, 3] transposed", (x) => F.adaptiveMaxPool2d(x.transpose(1, 2), [2, 3]), [leaf([2, 5, 4])]);
  // Windows that do not overlap: repeated indices would make the output miss some inputs (last write wins).
  const [, idx] = F.maxPool2d(torch.randn([1, 2, 5, 5]), 2, { returnIndices: true });
  check("maxUnpool2d 2, outputSize [5, 5]", (x) => F.maxUnpool2d(x, idx, 2, { outputSize: [5, 5] }), [leaf([1, 2, 2, 2])]);
  check("lpPool1d p 2 k 3 stride 2 ceil", (x) => F.lpPool1d(x, 2, 3, 2, true), [leaf([2, 2, 8])]);
  check("lpPool2d p 1.5 [2, 3] (positive input)", (x) => F.lpPool2d(x.abs().add(0.1), 1.5, [2, 3]), [leaf([1, 2, 4, 6])]);
  check("localResponseNorm size 3 alpha 0.1 beta 1.5 on 4-d", (x) => F.localResponseNorm(x, 3, 0.1, 1.5, 2), [leaf([2, 5, 2, 3])]);
  check("localResponseNorm size 2 on 3-d, transposed", (x) => F.localResponseNorm(x.transpose(1, 2), 2, { alpha: 0.5 }), [leaf([2, 3, 4])]);
  // PyTorch 1.13 has no derivative for channel_shuffle; kindling's is the inverse permutation.
  check("channelShuffle 3", (x) => F.channelShuffle(x, 3), [leaf([2, 6, 2])]);
  const [, idx1] = F.maxPool1d(torch.randn([2, 2, 9]), 2, { returnIndices: true });
  check("maxUnpool1d 2, outputSize [9]", (x) => F.maxUnpool1d(x, idx1, 2, { outputSize: [9] }), [leaf([2, 2, 4])]);
  check("unfold [2, 3] dilation 2 padding 1 stride 2", (x) => F.unfold(x, [2, 3], 2, 1, 2), [leaf([1, 2, 5, 6])]);
  check("fold overlapping blocks, padding 1", (x) => F.fold(x, [4, 5], 2, { padding: 1 }), [leaf([1, 8, 30])]);
  check("ConstantPad2d with cropping", (x) => new nn.ConstantPad2d([1, -1, 2, 0], 1.5).forward(x), [leaf([1, 2, 3, 3])]);
  check("ReflectionPad2d", (x) => new nn.ReflectionPad2d([2, 1, 0, 2]).forward(x), [leaf([2, 3, 4])]);
  check("ReplicationPad1d", (x) => new nn.ReplicationPad1d([3, 1]).forward(x), [leaf([2, 3])]);
});

describe("in-place forms", () => {
  test("refuse a leaf that requires grad, as PyTorch", () => {
    const x = torch.ones([3], { dtype: "float64", requiresGrad: true });
    for (const f of [() => F.hardswish(x, true), () => F.celu(x, 1, true), () => F.threshold(x, 0, 1, true), () => F.relu6(x, true)]) {
      assert.throws(f, /a leaf Variable that requires grad is being used in an in-place operation/);
    }
  });

  test("write into the input, bump its version and keep its gradient", () => {
    const leafX = torch.tensor([-4, -1, 0.5, 2, 5], { dtype: "float64", requiresGrad: true });
    const y = leafX.mul(1);
    const v = y.version;
    const out = F.hardswish(y, { inplace: true });
    assert.equal(out, y);
    assert.ok(y.version > v);
    out.sum().backward();
    const expected = [0, -1 / 3 + 0.5, 0.5 / 3 + 0.5, 2 / 3 + 0.5, 1];
    Array.from(leafX.grad!.toTypedArray()).forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) < 1e-15, `grad ${i}: ${g}`));
  });

  test("relu6 in place on integers clamps the input itself", () => {
    const x = torch.tensor([-3, 2, 9]);
    assert.equal(F.relu6(x, true), x);
    assert.deepEqual(Array.from(x.toTypedArray()), [0, 2, 6]);
  });

  test("selu_, celu_ and threshold_ are F's underscore forms", () => {
    const x = torch.tensor([-1, 0.5, 2], { dtype: "float64" });
    assert.equal(F.threshold_(x, 1, -7), x);
    assert.deepEqual(Array.from(x.toTypedArray()), [-7, -7, 2]);
    const y = torch.tensor([-1, 1], { dtype: "float64" });
    F.celu_(y, 2);
    assert.ok(Math.abs(y.toTypedArray()[0]! - 2 * Math.expm1(-0.5)) < 1e-15);
    const z = torch.tensor([1], { dtype: "float64" });
    F.selu_(z);
    assert.ok(Math.abs(z.toTypedArray()[0]! - 1.0507009873554805) < 1e-15);
  });
});

describe("rrelu in training draws its slopes", () => {
  test("each negative element scaled by a slope in [lower, upper], the gradient that slope", () => {
    const x = torch.linspace(-5, 5, 2001, { dtype: "float64" }).requiresGrad_(true);
    const y = F.rrelu(x, 0.1, 0.3, true);
    y.sum().backward();
    const xs = x.detach().toTypedArray();
    const ys = y.detach().toTypedArray();
    const gs = x.grad!.toTypedArray();
    const slopes: number[] = [];
    xs.forEach((v, i) => {
      if (v > 0) {
        assert.equal(ys[i], v);
        assert.equal(gs[i], 1);
      } else if (v < 0) {
        const a = ys[i]! / v;
        assert.ok(a >= 0.1 && a <= 0.3, `slope ${a}`);
        assert.ok(Math.abs(gs[i]! - a) < 1e-12);
        slopes.push(a);
      }
    });
    const mean = slopes.reduce((p, q) => p + q, 0) / slopes.length;
    assert.ok(Math.abs(mean - 0.2) < 0.01, `mean slope ${mean}`);
    assert.ok(new Set(slopes.map((a) => a.toFixed(6))).size > slopes.length / 2, "slopes vary");
  });

  test("a generator makes it repeatable; nn.RReLU draws in train mode only", () => {
    const x = torch.linspace(-3, 1, 9);
    const a = F.rrelu(x, { training: true, generator: torch.manualSeed(7) });
    const b = F.rrelu(x, { training: true, generator: torch.manualSeed(7) });
    assert.deepEqual(Array.from(a.toTypedArray()), Array.from(b.toTypedArray()));
    const m = new nn.RReLU(0.1, 0.3);
    m.eval();
    assert.deepEqual(Array.from(m.forward(torch.tensor([-2, 1], { dtype: "float32" })).toTypedArray()), [Math.fround(-0.4), 1]);
    assert.equal(String(new nn.RReLU()), "RReLU(lower=0.125, upper=0.3333333333333333)");
  });
});
