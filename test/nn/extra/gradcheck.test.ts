/**
 * Float64 finite-difference gradient checks of the issue-14 ops on small shapes (every option that
 * changes the computation, non-contiguous inputs), and the corners: empty batches, 0-d inputs,
 * non-contiguous inputs giving the contiguous result, dtypes kept, KLDiv's one-time warning.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";

type Tensor = torch.Tensor;
const F = torch.nn.F;

torch.manualSeed(14);

function leaf(shape: number[], scale = 1, shift = 0): Tensor {
  return torch.randn(shape, { dtype: "float64" }).mul(scale).add(shift).detach().requiresGrad_(true);
}

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  test(`gradcheck ${name}`, () => {
    assert.equal(torch.autograd.gradcheck(fn, inputs), true);
  });
}

describe("float64 gradchecks", () => {
  check("convTranspose2d stride 2 padding 1 outputPadding 1 groups 2 dilation [1,2]", (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: [1, 2] }), [
    leaf([2, 4, 3, 3]), leaf([4, 2, 2, 3]), leaf([4]),
  ]);
  check("convTranspose2d outputPadding 2 < dilation 3 (past the stride)", (x, w) => F.convTranspose2d(x, w, null, { dilation: 3, outputPadding: 2 }), [leaf([1, 2, 2, 3]), leaf([2, 2, 2, 2])]);
  check("convTranspose2d unbatched, permuted input", (x, w, b) => F.convTranspose2d(x.permute([0, 2, 1]), w, b, { stride: [1, 2], padding: [0, 1] }), [leaf([2, 3, 3]), leaf([2, 3, 3, 3]), leaf([3])]);
  check("interpolate bilinear scale 1.7", (x) => F.interpolate(x, { scaleFactor: 1.7, mode: "bilinear" }), [leaf([1, 2, 3, 4])]);
  check("interpolate bilinear alignCorners size 5x2", (x) => F.interpolate(x, { size: [5, 2], mode: "bilinear", alignCorners: true }), [leaf([1, 1, 3, 4])]);
  check("interpolate nearest size 5x7 on a transposed input", (x) => F.interpolate(x.transpose(2, 3), { size: [5, 7] }), [leaf([1, 2, 3, 4])]);
  check("interpolate linear 3-D downsample", (x) => F.interpolate(x, { scaleFactor: 0.6, mode: "linear" }), [leaf([2, 1, 7])]);
  check("groupNorm affine", (x, w, b) => F.groupNorm(x, 2, w, b), [leaf([2, 4, 2, 2]), leaf([4]), leaf([4])]);
  check("groupNorm one value per group (composed path)", (x) => F.groupNorm(x, 2, null, null, 1e-2), [leaf([3, 2])]);
  check("instanceNorm affine", (x, w, b) => F.instanceNorm(x, null, null, w, b), [leaf([2, 2, 2, 3]), leaf([2]), leaf([2])]);
  check("instanceNorm with running stats in eval", (x, w) => {
    const rm = torch.tensor([0.1, -0.2], { dtype: "float64" });
    const rv = torch.tensor([0.5, 2], { dtype: "float64" });
    return F.instanceNorm(x, rm, rv, w, null, false);
  }, [leaf([2, 2, 2, 2]), leaf([2])]);
  check("elu alpha 0.7", (x) => F.elu(x, { alpha: 0.7 }), [leaf([3, 4], 2, 0.1)]);
  check("softplus beta 2 threshold 3", (x) => F.softplus(x, { beta: 2, threshold: 3 }), [leaf([3, 4], 2, 0.1)]);
  check("softplus default", (x) => F.softplus(x), [leaf([3, 4], 2)]);
  check("mish", (x) => F.mish(x), [leaf([3, 4], 2)]);
  check("hardtanh", (x) => F.hardtanh(x, { minVal: -0.7, maxVal: 1.3 }), [leaf([3, 4], 2, 0.01)]);
  check("logsigmoid", (x) => F.logsigmoid(x), [leaf([3, 4], 3)]);
  check("silu", (x) => F.silu(x), [leaf([3, 4], 3)]);
  check("prelu per channel", (x, w) => F.prelu(x, w), [leaf([2, 3, 2], 1, 0.05), leaf([3])]);
  check("klDiv batchmean", (x, t) => F.klDiv(x, t, { reduction: "batchmean" }), [leaf([2, 3]), leaf([2, 3], 0.1, 0.5)]);
  check("klDiv logTarget none", (x, t) => F.klDiv(x, t, { reduction: "none", logTarget: true }), [leaf([2, 3]), leaf([2, 3])]);
  check("huberLoss delta 0.8", (x, t) => F.huberLoss(x, t, { delta: 0.8, reduction: "sum" }), [leaf([3, 3], 2), leaf([3, 3], 2)]);
  check("cosineEmbeddingLoss margin 0.1", (a, b) => F.cosineEmbeddingLoss(a, b, torch.tensor([1, -1, -1, 1]), { margin: -0.5, reduction: "none" }), [leaf([4, 3]), leaf([4, 3])]);
});

describe("corners", () => {
  test("empty batches keep their shapes (as PyTorch's)", () => {
    assert.deepEqual(F.convTranspose2d(torch.zeros([0, 3, 4, 4]), torch.zeros([3, 2, 3, 3]), null, { stride: 2 }).shape, [0, 2, 9, 9]);
    assert.deepEqual(F.interpolate(torch.zeros([0, 2, 3, 3]), { scaleFactor: 2, mode: "bilinear" }).shape, [0, 2, 6, 6]);
    assert.deepEqual(F.groupNorm(torch.zeros([0, 4, 3, 3]), 2).shape, [0, 4, 3, 3]);
    assert.deepEqual(F.groupNorm(torch.zeros([2, 4, 0]), 2).shape, [2, 4, 0]);
    assert.deepEqual(F.elu(torch.zeros([0])).shape, [0]);
    assert.ok(Number.isNaN(F.huberLoss(torch.zeros([0]), torch.zeros([0])).item()));
    assert.ok(Number.isNaN(F.cosineEmbeddingLoss(torch.zeros([0, 3]), torch.zeros([0, 3]), torch.zeros([0])).item()));
  });

  test("0-d inputs to the activations stay 0-d", () => {
    const x = torch.tensor(-0.5);
    for (const y of [F.elu(x), F.softplus(x, { beta: 2 }), F.mish(x), F.hardtanh(x), F.logsigmoid(x), F.prelu(x, torch.tensor([0.25]))]) assert.deepEqual(y.shape, []);
    assert.equal(F.prelu(x, torch.tensor([0.25])).item(), -0.125);
  });

  test("non-contiguous inputs give the contiguous result", () => {
    const x = torch.randn([2, 5, 4, 3]).permute([0, 3, 1, 2]);
    const w = torch.randn([3, 2, 3, 3]);
    const a = F.convTranspose2d(x, w, null, { stride: 2 });
    const b = F.convTranspose2d(x.contiguous(), w, null, { stride: 2 });
    assert.deepEqual(a.toTypedArray(), b.toTypedArray());
    const c = F.interpolate(x, { size: [7, 6], mode: "bilinear" });
    assert.deepEqual(c.toTypedArray(), F.interpolate(x.contiguous(), { size: [7, 6], mode: "bilinear" }).toTypedArray());
    assert.deepEqual(F.groupNorm(x, 3).toTypedArray(), F.groupNorm(x.contiguous(), 3).toTypedArray());
  });

  test("float64 stays float64", () => {
    const x = torch.randn([1, 2, 3, 3], { dtype: "float64" });
    assert.equal(F.convTranspose2d(x, torch.randn([2, 1, 2, 2], { dtype: "float64" })).dtype, "float64");
    assert.equal(F.interpolate(x, { scaleFactor: 2, mode: "bilinear" }).dtype, "float64");
    assert.equal(new torch.nn.GroupNorm(1, 2, { dtype: "float64" }).forward(x).dtype, "float64");
    assert.equal(F.mish(x).dtype, "float64");
  });

  test("bilinear upsampling of a ramp is exact, nearest repeats", () => {
    const x = torch.tensor([[[[0, 1], [2, 3]]]], { dtype: "float32" });
    const y = F.interpolate(x, { scaleFactor: 2, mode: "bilinear", alignCorners: true });
    assert.deepEqual(Array.from(y.toTypedArray()).slice(0, 4).map((v) => Math.round(v * 3) / 3), [0, 1 / 3, 2 / 3, 1].map((v) => Math.round(v * 3) / 3));
    assert.deepEqual(Array.from(F.interpolate(x, { scaleFactor: 2 }).toTypedArray()).slice(0, 8), [0, 0, 1, 1, 0, 0, 1, 1]);
  });

  test("ConvTranspose2d inverts Conv2d's shape", () => {
    const conv = new torch.nn.Conv2d(3, 8, 4, { stride: 2, padding: 1 });
    const up = new torch.nn.ConvTranspose2d(8, 3, 4, { stride: 2, padding: 1 });
    const x = torch.randn([2, 3, 17, 16]);
    const h = conv.forward(x);
    assert.deepEqual(up.forward(h).shape, [2, 3, 16, 16]);
    assert.deepEqual(up.forward(h, [17, 16]).shape, [2, 3, 17, 16]);
  });

  test("KLDivLoss with reduction 'mean' warns once, with PyTorch's text", () => {
    const seen: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => seen.push(m);
    try {
      const loss = new torch.nn.KLDivLoss();
      loss.forward(torch.zeros([2, 2]), torch.ones([2, 2]).mul(0.5));
      loss.forward(torch.zeros([2, 2]), torch.ones([2, 2]).mul(0.5));
      new torch.nn.KLDivLoss({ reduction: "batchmean" }).forward(torch.zeros([2, 2]), torch.ones([2, 2]));
    } finally {
      console.warn = warn;
    }
    // node --test runs each file in its own process, and nothing else here uses "mean".
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /^reduction: 'mean' divides the total loss by both the batch size and the support size\./);
  });

  test("InstanceNorm2d keeps num_batches_tracked at 0 (PyTorch 1.13 does not count)", () => {
    const m = new torch.nn.InstanceNorm2d(2, { trackRunningStats: true });
    m.forward(torch.randn([2, 2, 3, 3]));
    assert.equal(m.stateDict()["num_batches_tracked"]!.item(), 0);
    assert.notDeepEqual(Array.from(m.runningMean!.toTypedArray()), [0, 0]);
  });
});
