/**
 * nn.functional beyond the fixtures: float64 gradchecks of the custom backward rules (fused cross
 * entropy, BCE, BCE with logits, smooth L1) and of the composed activations; dropout statistics.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const F = nn.F;
type Tensor = torch.Tensor;

const leaf = (shape: number[], scale = 1) => torch.randn(shape, { dtype: "float64" }).mul(scale).detach().requiresGrad_(true);

test("gradcheck: fused cross entropy, every option combination", () => {
  torch.manualSeed(3);
  const target = torch.tensor([0, 3, -100, 2, 3]);
  const weight = torch.tensor([0.5, 1, 2, 1.5], { dtype: "float64" });
  for (const reduction of ["mean", "sum", "none"] as const) {
    for (const w of [null, weight]) {
      for (const labelSmoothing of [0, 0.25]) {
        const x = leaf([5, 4], 2);
        assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, target, { weight: w, reduction, labelSmoothing }), [x]));
      }
    }
  }
  const nd = leaf([2, 3, 2]);
  assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, torch.tensor([[0, 2], [1, 1]]), { labelSmoothing: 0.1, weight: weight.narrow(0, 0, 3) }), [nd]));
  assert.ok(torch.autograd.gradcheck((a) => F.crossEntropy(a, torch.tensor(2), { reduction: "none" }), [leaf([4])]));
  const probs = torch.softmax(torch.randn([3, 4], { dtype: "float64" }), 1).detach().requiresGrad_(true);
  assert.ok(torch.autograd.gradcheck((a, p) => F.crossEntropy(a, p, { labelSmoothing: 0.1, weight }), [leaf([3, 4]), probs]));
});

test("gradcheck: BCE, BCE with logits, smooth L1 (input and target)", () => {
  torch.manualSeed(4);
  const p = torch.sigmoid(torch.randn([3, 4], { dtype: "float64" })).detach().requiresGrad_(true);
  const t = torch.rand([3, 4], { dtype: "float64" }).requiresGrad_(true);
  const w = torch.rand([4], { dtype: "float64" }).add(0.5);
  for (const reduction of ["mean", "sum", "none"] as const) {
    assert.ok(torch.autograd.gradcheck((a, b) => F.binaryCrossEntropy(a, b, { weight: w, reduction }), [p, t]));
    assert.ok(torch.autograd.gradcheck((a, b) => F.binaryCrossEntropyWithLogits(a, b, { weight: w, posWeight: w.mul(2), reduction }), [leaf([3, 4], 3), t]));
    const x = leaf([3, 4]);
    const y = leaf([3, 4]);
    assert.ok(torch.autograd.gradcheck((a, b) => F.smoothL1Loss(a, b, { beta: 0.7, reduction }), [x, y]));
  }
});

test("gradcheck: composed activations", () => {
  const away = torch.tensor([[-1.5, -0.3, 0.4], [0.9, -2.2, 1.7]], { dtype: "float64" }).requiresGrad_(true);
  assert.ok(torch.autograd.gradcheck((a) => F.leakyRelu(a, 0.2), [away]));
  assert.ok(torch.autograd.gradcheck((a) => F.gelu(a, { approximate: "tanh" }), [leaf([2, 3])]));
  assert.ok(torch.autograd.gradcheck((a) => F.logSoftmax(a), [leaf([2, 3])]));
  const lin = new nn.Linear(3, 2, { dtype: "float64" });
  assert.ok(torch.autograd.gradcheck((a, w, b) => F.linear(a, w, b), [leaf([4, 3]), lin.weight, lin.bias!]));
});

test("cross entropy is finite for huge logits and matches the log-softmax + NLL composition", () => {
  const x = torch.tensor([[1e4, -1e4, 0], [-5e3, 5e3, 1]], { dtype: "float32" }).requiresGrad_(true);
  const y = torch.tensor([0, 2]);
  const loss = F.crossEntropy(x, y);
  assert.ok(Number.isFinite(loss.item()));
  loss.backward();
  assert.ok(x.grad!.toTypedArray().every(Number.isFinite));
  const x2 = torch.randn([6, 5], { requiresGrad: true });
  const y2 = torch.tensor([0, 1, 2, 3, 4, -100]);
  const fused = F.crossEntropy(x2, y2);
  fused.backward();
  const g1 = x2.grad!.tolist();
  x2.grad = null;
  const composed = F.nllLoss(F.logSoftmax(x2, 1), y2);
  composed.backward();
  assert.ok(Math.abs(fused.item() - composed.item()) < 1e-6);
  const g2 = x2.grad!.toTypedArray();
  (g1 as number[][]).flat().forEach((v, i) => assert.ok(Math.abs(v - g2[i]!) < 1e-6));
  // PyTorch's graph: NllLossBackward0 over LogSoftmaxBackward0 (kindling's fused gradient passes through the second).
  assert.equal(fused.gradFn!.name, "NllLossBackward0");
  assert.equal((fused.gradFn!.nextFunctions[0]![0] as torch.autograd.Node).name, "LogSoftmaxBackward0");
});

test("dropout: drop rate, 1/(1-p) scaling, gradient through the mask, reproducible, identity in eval", () => {
  const x = torch.ones([200, 500], { requiresGrad: true });
  torch.manualSeed(11);
  const drop = new nn.Dropout(0.3);
  const y = drop.forward(x);
  const v = y.toTypedArray();
  let zeros = 0;
  for (const e of v) {
    if (e === 0) zeros++;
    else assert.equal(e, Math.fround(1 / 0.7));
  }
  const rate = zeros / v.length;
  assert.ok(Math.abs(rate - 0.3) < 0.005, `drop rate ${rate}`);
  y.sum().backward();
  assert.deepEqual(Array.from(x.grad!.toTypedArray()), Array.from(v), "gradient is mask / (1 - p)");
  torch.manualSeed(11);
  assert.deepEqual(Array.from(drop.forward(x).toTypedArray()), Array.from(v), "same seed, same mask");
  drop.eval();
  assert.equal(drop.forward(x), x);
  assert.equal(F.dropout(x, 0.5, { training: false }), x);
  assert.ok(F.dropout(x, 1).toTypedArray().every((e) => e === 0));
  assert.equal(new nn.Dropout(0).forward(x), x);
});

test("oneHot, leakyRelu at 0, softmax default dim", () => {
  assert.deepEqual(F.oneHot(torch.tensor([0, 2, 1])).tolist(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.deepEqual([...F.oneHot(torch.tensor([1]), 4).shape], [1, 4]);
  assert.throws(() => F.oneHot(torch.tensor([3]), 2), /smaller than num_classes/);
  const z = torch.tensor([0, -2, 3], { dtype: "float32" }).requiresGrad_(true);
  F.leakyRelu(z, 0.1).sum().backward();
  assert.deepEqual(Array.from(z.grad!.toTypedArray()), [Math.fround(0.1), Math.fround(0.1), 1], "slope at 0, as PyTorch");
  const s = new nn.Softmax().forward(torch.zeros([2, 4]));
  assert.deepEqual(s.sum(1).tolist(), [1, 1], "2-d input: dim 1");
  const s3: Tensor = F.softmax(torch.zeros([3, 2, 2]));
  assert.deepEqual(s3.sum(0).tolist(), [[1, 1], [1, 1]], "3-d input: dim 0");
});
