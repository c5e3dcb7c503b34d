/**
 * Autograd through in-place ops beyond the PyTorch fixtures (inplace_fixtures.test.ts): float64
 * gradchecks through in-place chains and views, the random in-place methods (their distribution,
 * generators, dtypes), version counters bumped by optimizers and no-grad writes, and the bookkeeping
 * around a rebased history (retained gradients, views, detach_).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
const { gradcheck } = torch.autograd;

/** float64 leaf values in [lo, hi), from a fixed generator, requiring grad. */
function leaf(shape: number[], lo = -1, hi = 1, seed = 7): Tensor {
  const g = new torch.Generator(seed);
  return torch.rand(shape, { dtype: "float64", generator: g }).mul(hi - lo).add(lo).detach().requiresGrad_(true);
}

describe("float64 gradchecks through in-place chains", () => {
  test("arithmetic, addcmul_/addcdiv_ and relu_ on a non-leaf", () => {
    const x = leaf([2, 3], 0.2, 1, 1);
    const y = leaf([2, 3], 0.5, 1.5, 2);
    assert.ok(gradcheck((a, b) => {
      const h = a.mul(1);
      h.mul_(b).add_(a, { alpha: 2 }).sub_(b.mul(0.25));
      h.addcmul_(a, b, { value: 0.5 }).addcdiv_(a, b, { value: -0.75 });
      h.div_(b).pow_(b).mul_(3);
      return h.relu_();
    }, [x, y]));
  });

  test("unary in-place methods, each where its gradient is smooth", () => {
    const x = leaf([2, 3], 0.3, 1.2, 3);
    const e = leaf([2, 3], 0.5, 2, 4);
    assert.ok(gradcheck((a, b) => {
      const h = a.mul(1.5);
      h.neg_().abs_().sqrt_();
      const k = h.mul(1);
      k.pow_(b).exp_();
      const s = a.sub(0.7);
      s.tanh_();
      const q = a.add(0.1);
      q.sigmoid_();
      return k.add(s).add(q.clamp(0.55, 0.7));
    }, [x, e]));
  });

  test("clamp_, maskedFill_, copy_ and fill_ with a tensor", () => {
    const x = leaf([3, 4], -2, 2, 5);
    const y = leaf([4], -1, 1, 6);
    const v = leaf([], -1, 1, 8);
    const mask = torch.tensor([[true, false, false, true], [false, false, true, false], [true, true, false, false]]);
    assert.ok(gradcheck((a, b, c) => {
      const h = a.mul(2).add(0.013);
      h.clamp_(-1.5, 1.5).maskedFill_(mask, 0.5);
      h.select(0, 1).copy_(b);
      h.narrow(1, 3, 1).fill_(c);
      return h.mul(a);
    }, [x, y, v]));
  });

  test("in-place ops on views: narrow, select, transpose, strided slices, views of views", () => {
    const x = leaf([4, 3], -1, 1, 9);
    const y = leaf([3, 2], 0.5, 1.5, 10);
    assert.ok(gradcheck((a, b) => {
      const h = a.mul(1);
      h.narrow(0, 0, 2).t().mul_(b);
      h.select(1, 2).add_(a.select(1, 0).mul(0.5));
      h.slice(0, 1, undefined, 2).sub_(a.slice(0, 0, undefined, 2));
      h.view(12).narrow(0, 4, 5).mul_(a.view(12).narrow(0, 0, 5));
      const sibling = h.narrow(1, 1, 2);
      h.select(0, 3).mul_(2);
      return sibling.mul(sibling.add(1));
    }, [x, y]));
  });

  test("a residual block: linear, relu_, out += identity, relu_", () => {
    const x = leaf([3, 4], -1, 1, 11);
    const w1 = leaf([4, 4], -0.5, 0.5, 12);
    const b1 = leaf([4], -0.2, 0.2, 13);
    const w2 = leaf([4, 4], -0.5, 0.5, 14);
    assert.ok(gradcheck((a, p, q, r) => {
      const out = torch.nn.F.linear(a, p, q).relu_();
      const y = torch.nn.F.linear(out, r);
      y.add_(a);
      return y.relu_();
    }, [x, w1, b1, w2]));
  });
});

describe("random in-place methods", () => {
  test("uniform_ draws in [from, to) from the given generator, as nn.init.uniform_ does", () => {
    const a = torch.empty([2000]).uniform_(-2, 3, { generator: new torch.Generator(5) });
    const b = torch.nn.init.uniform_(torch.empty([2000]), -2, 3, { generator: new torch.Generator(5) });
    assert.deepEqual(a.tolist(), b.tolist());
    const v = a.toTypedArray();
    assert.ok(v.every((e) => e >= -2 && e < 3));
    assert.ok(Math.abs(a.mean().item() - 0.5) < 0.1);
  });

  test("normal_ has the asked mean and std, and reproduces under manualSeed", () => {
    torch.manualSeed(3);
    const a = torch.empty([4000], { dtype: "float64" }).normal_(1.5, 0.5);
    torch.manualSeed(3);
    const b = torch.empty([4000], { dtype: "float64" }).normal_(1.5, 0.5);
    assert.deepEqual(a.tolist(), b.tolist());
    assert.ok(Math.abs(a.mean().item() - 1.5) < 0.05);
    assert.ok(Math.abs(a.std().item() - 0.5) < 0.05);
  });

  test("bernoulli_ gives 0/1 in self's dtype with probability p (a number or a tensor)", () => {
    const g = new torch.Generator(9);
    const a = torch.empty([4000], { dtype: "int64" }).bernoulli_(0.25, { generator: g });
    assert.equal(a.dtype, "int64");
    assert.ok(a.toTypedArray().every((e) => e === 0 || e === 1));
    assert.ok(Math.abs(a.float().mean().item() - 0.25) < 0.04);
    const p = torch.tensor([0, 1, 0, 1]);
    assert.deepEqual(torch.empty([3, 4]).bernoulli_(p.float()).tolist(), [[0, 1, 0, 1], [0, 1, 0, 1], [0, 1, 0, 1]]);
    assert.throws(() => torch.empty([2]).bernoulli_(torch.tensor([0.5, 2])), { name: "ArgumentError" });
    assert.throws(() => torch.empty([2]).uniform_(0, 1, { seed: 1 } as never), { name: "ArgumentError", message: /seed/ });
  });

  test("a random fill of a tensor in the graph ends its history (zero gradient), as PyTorch", () => {
    const x = torch.ones([3], { requiresGrad: true });
    const h = x.mul(2);
    h.uniform_();
    assert.equal(h.gradFn?.name, "UniformBackward0");
    h.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [0, 0, 0]);
  });
});

describe("version counters", () => {
  test("views, detach() and every in-place write share one counter; clones get their own", () => {
    const t = torch.zeros([2, 3]);
    const v = t.select(0, 1);
    const d = t.detach();
    assert.equal(t.version, 0);
    v.add_(1);
    d.mul_(2);
    t.T.fill_(3);
    assert.deepEqual([t.version, v.version, d.version, t._version], [3, 3, 3, 3]);
    assert.equal(t.clone().version, 0);
    torch.noGrad(() => t.zero_());
    assert.equal(v.version, 4);
  });

  test("an optimizer step bumps its parameters: backward through the old graph is an error, as PyTorch", () => {
    const w = torch.tensor([1, 2, 3], { requiresGrad: true });
    const loss = w.mul(w).sum();
    const opt = new torch.optim.SGD([w], { lr: 0.1 });
    w.grad = torch.ones([3]);
    opt.step();
    assert.equal(w.version, 1);
    assert.throws(() => loss.backward(), {
      name: "AutogradError",
      message: /^one of the variables needed for gradient computation has been modified by an inplace operation: \[torch\.FloatTensor \[3\]\] is at version 1; expected version 0 instead\./,
    });
  });

  test("batch norm's running statistics are written in place (version 1 after one training step, as PyTorch)", () => {
    const bn = new torch.nn.BatchNorm1d(3);
    bn.forward(torch.randn([4, 3]));
    assert.deepEqual([bn.runningMean!.version, bn.runningVar!.version], [1, 1]);
  });

  test("saved tensors are checked again on a second backward with retainGraph", () => {
    const x = torch.tensor([0.5, -1], { requiresGrad: true });
    const y = x.softmax(0);
    const loss = y.mul(torch.tensor([1, 2])).sum();
    loss.backward(undefined, { retainGraph: true });
    torch.noGrad(() => y.mul_(2));
    assert.throws(() => loss.backward(), /\[torch.FloatTensor \[2\]\], which is output 0 of SoftmaxBackward0, is at version 1; expected version 0 instead/);
  });
});

describe("rebased histories", () => {
  test("retainGrad follows the tensor to its new node", () => {
    const x = torch.tensor([1, 2], { requiresGrad: true });
    const h = x.mul(2);
    h.retainGrad();
    h.mul_(3);
    h.sum().backward();
    assert.deepEqual(h.grad!.tolist(), [1, 1]);
    assert.deepEqual(x.grad!.tolist(), [6, 6]);
  });

  test("a plain tensor written from a tensor that requires grad joins the graph", () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    const buf = torch.zeros([2, 2]);
    const row = buf.select(0, 1);
    const other = buf.select(0, 0);
    row.add_(w);
    assert.ok(buf.requiresGrad && other.requiresGrad && !buf.isLeaf);
    assert.deepEqual([buf.gradFn?.name, row.gradFn?.name], ["CopySlices", "AsStridedBackward0"]);
    buf.mul(torch.tensor([[1, 1], [5, 7]])).sum().backward();
    assert.deepEqual(w.grad!.tolist(), [5, 7]);
  });

  test("in-place ops under noGrad stay plain writes, even on leaves that require grad", () => {
    const w = torch.tensor([1, 2], { requiresGrad: true });
    torch.noGrad(() => w.mul_(3).add_(1).clamp_(0, 5));
    assert.deepEqual([w.tolist(), w.isLeaf, w.gradFn, w.version], [[4, 5], true, null, 3]);
  });

  test("detach_ of a view is refused, as PyTorch", () => {
    const h = torch.ones([2, 2], { requiresGrad: true }).mul(1);
    assert.throws(() => h.select(0, 0).detach_(), { name: "AutogradError", message: /^Can't detach views in-place/ });
  });

  test("a view made under noGrad may be written under noGrad", () => {
    const h = torch.ones([2, 2], { requiresGrad: true }).mul(1);
    const v = torch.noGrad(() => h.select(0, 0));
    torch.noGrad(() => v.fill_(0));
    assert.deepEqual(h.tolist(), [[0, 0], [1, 1]]);
  });
});
