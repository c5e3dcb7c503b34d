/**
 * Defects the widened differential check (scripts/differential/op_table.py) found, each pinned with
 * PyTorch 1.13's numbers (printed by the snippet in each test's comment).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const F = torch.nn.functional;
const values = (t: torch.Tensor) => Array.from(t.toTypedArray(), Number);

test("integer alpha/beta/value are truncated, as PyTorch casts them to the integer dtype", () => {
  // torch.zeros(3, dtype=torch.long).index_add(0, torch.tensor([0, 0]), torch.tensor([3, 5]), alpha=a)
  const x = torch.zeros([3], { dtype: "int64" });
  assert.deepEqual(values(x.indexAdd(0, torch.tensor([0, 0]), torch.tensor([3, 5]), { alpha: 0.5 })), [0, 0, 0]);
  assert.deepEqual(values(x.indexAdd(0, torch.tensor([0]), torch.tensor([3]), { alpha: 1.7 })), [3, 0, 0]);
  assert.deepEqual(values(x.indexAdd(0, torch.tensor([0]), torch.tensor([3]), { alpha: -1.7 })), [-3, 0, 0]);
  const t = torch.tensor([[1, 2]], { dtype: "int32" });
  // torch.addmv(torch.tensor(1, dtype=torch.int32), t, torch.tensor([1, 1], dtype=torch.int32), beta=0.5, alpha=2.5)
  const mv = torch.tensor(1, { dtype: "int32" }).addmv(t, torch.tensor([1, 1], { dtype: "int32" }), { beta: 0.5, alpha: 2.5 });
  assert.equal(mv.dtype, "int32");
  assert.deepEqual(values(mv), [6]);
  const b = torch.ones([1, 1, 1], { dtype: "int32" }).baddbmm(t.unsqueeze(0), t.t().unsqueeze(0), { beta: 0.5, alpha: 2.5 });
  assert.equal(b.dtype, "int32");
  assert.deepEqual(values(b), [10]);
  // without beta/alpha the int32 product stays int32 (it widened to int64)
  assert.equal(torch.ones([1, 1, 1], { dtype: "int32" }).baddbmm(t.unsqueeze(0), t.t().unsqueeze(0)).dtype, "int32");
  assert.deepEqual(values(torch.ones([2], { dtype: "int32" }).addmm(t.t(), t, { alpha: 0.5 })), [1, 1, 1, 1]);
  // a = torch.tensor([1, 2]); a.addcmul_(torch.tensor([1, 2]), torch.tensor([3, 3]), value=0.5) -> [1, 2]
  assert.deepEqual(values(torch.tensor([1, 2]).addcmul_(torch.tensor([1, 2]), torch.tensor([3, 3]), { value: 0.5 })), [1, 2]);
});

test("bool scatter_add and index_add add as logical or", () => {
  // torch.zeros(3, dtype=torch.bool).scatter_add(0, torch.tensor([0, 0, 1]), torch.tensor([True, True, False]))
  const b = torch.zeros([3], { dtype: "bool" });
  const s = b.scatterAdd(0, torch.tensor([0, 0, 1]), torch.tensor([true, true, false]));
  assert.deepEqual(values(s), [1, 0, 0]);
  assert.deepEqual(values(s.eq(torch.tensor([true, true, true]))), [1, 0, 0]);
  assert.deepEqual(values(b.indexAdd(0, torch.tensor([0, 0, 1]), torch.tensor([true, true, false]))), [1, 0, 0]);
  // a bool self takes alpha as a bool: 0.5 adds, 0 does not
  assert.deepEqual(values(b.indexAdd(0, torch.tensor([0, 1]), torch.tensor([true, false]), { alpha: 0.5 })), [1, 0, 0]);
  assert.deepEqual(values(b.indexAdd(0, torch.tensor([0, 1]), torch.tensor([true, true]), { alpha: 0 })), [0, 0, 0]);
});

test("einsum keeps the operands' dtype for diagonals and contractions; bool contractions are refused", () => {
  const b = torch.tensor([[true, false], [true, true]]);
  const i = b.int();
  const cases: [string, torch.Tensor[], string, number[]][] = [
    ["ab->a", [b], "int64", [1, 2]],
    ["aa->a", [b], "bool", [1, 1]],
    ["ab,z->abz", [b, b.select(0, 0)], "bool", [1, 0, 0, 0, 1, 0, 1, 0]],
    ["ab->a", [i], "int64", [1, 2]],
    ["ab,bz->az", [i, i], "int32", [1, 0, 2, 1]],
    ["aa->", [i], "int64", [2]],
  ];
  for (const [eq, ops, dtype, want] of cases) {
    const r = torch.einsum(eq, ...ops);
    assert.equal(r.dtype, dtype, eq);
    assert.deepEqual(values(r), want, eq);
  }
  assert.throws(() => torch.einsum("ab,bz->az", b, b), torch.DTypeError);
  assert.throws(() => torch.einsum("a,a->", b.select(0, 0), b.select(0, 0)), torch.DTypeError);
});

test("repeat returns new memory: in-place ops on it work and leave the input alone", () => {
  const x = torch.tensor([1.5]);
  const r = x.repeat([3]);
  r.add_(1);
  assert.deepEqual(values(r), [2.5, 2.5, 2.5]);
  assert.deepEqual(values(x), [1.5]);
  const same = x.repeat([1]);
  same.mul_(2);
  assert.deepEqual(values(x), [1.5]);
});

test("median, nanmedian, mode, kthvalue refuse an empty reduced dim even when another dim is empty", () => {
  const x = torch.zeros([0, 0]);
  assert.throws(() => x.median(1), torch.IndexError);
  assert.throws(() => x.nanmedian(0), torch.IndexError);
  assert.throws(() => x.mode(1), torch.IndexError);
  assert.throws(() => x.kthvalue(1, 1), torch.IndexError);
  assert.throws(() => torch.zeros([2, 0, 0]).median(1), torch.IndexError);
});

test("addcdiv with a bool tensor2: input's gradient alone is fine, tensor1's is PyTorch's cast error", () => {
  const x = torch.tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const y = torch.addcdiv(x, torch.tensor(2.5), torch.tensor([true, false]));
  assert.deepEqual(values(y), [3.5, Infinity]);
  y.sum().backward();
  assert.deepEqual(values(x.grad!), [1, 1]);
  const t1 = torch.tensor(2.5, { requiresGrad: true });
  assert.throws(() => torch.addcdiv(x, t1, torch.tensor([true, false])).sum().backward(), torch.DTypeError);
});

test("nll_loss and cross_entropy: an ignored target loses 0 even with inf/NaN logits", () => {
  // x = [[inf, 1], [nan, 2], [0.5, -inf]]; F.nll_loss / F.cross_entropy(x, [0, 0, 1], ignore_index=0)
  const x = torch.tensor([[Infinity, 1], [NaN, 2], [0.5, -Infinity]]);
  const y = torch.tensor([0, 0, 1]);
  assert.deepEqual(values(F.nllLoss(x, y, { ignoreIndex: 0, reduction: "none" })), [0, 0, Infinity]);
  assert.deepEqual(values(F.crossEntropy(x, y, { ignoreIndex: 0, reduction: "none" })), [0, 0, Infinity]);
  assert.deepEqual(values(F.crossEntropy(x, y, { ignoreIndex: 0, reduction: "none", labelSmoothing: 0.1 })), [0, 0, Infinity]);
  assert.deepEqual(values(F.crossEntropy(x, y, { ignoreIndex: 0, reduction: "sum", labelSmoothing: 0.1 })), [Infinity]);
  const g = torch.tensor([[Infinity, 1], [NaN, 2], [0.5, -1]], { requiresGrad: true });
  F.nllLoss(g, y, { ignoreIndex: 0, reduction: "sum" }).backward();
  assert.deepEqual(values(g.grad!), [0, 0, 0, 0, 0, -1]);
});

test("lerp takes the start branch for every weight below 0.5, negative ones included", () => {
  // torch.lerp(torch.tensor([-0.7138, 1.0]), torch.tensor([inf, -inf]), w) for w = -0.6, 0.6 (number and tensor)
  const s = torch.tensor([-0.7138, 1.0]);
  const e = torch.tensor([Infinity, -Infinity]);
  assert.deepEqual(values(torch.lerp(s, e, -0.6)), [-Infinity, Infinity]);
  assert.deepEqual(values(torch.lerp(s, e, torch.full([2], -0.6))), [-Infinity, Infinity]);
  assert.deepEqual(values(torch.lerp(s, e, 0.6)), [NaN, NaN]);
  assert.deepEqual(values(torch.lerp(s, e, torch.full([2], 0.6))), [NaN, NaN]);
});

test("cumprod backward as PyTorch's: divisions before a slice's first zero, 0 after it; int dtype refused with grad", () => {
  // x = torch.tensor(c, dtype=torch.float64, requires_grad=True); (x.cumprod(0) * torch.arange(1., n + 1)).sum().backward()
  const cases: [number[], number[]][] = [
    [[-1.1139, NaN, -3.0], [NaN, NaN, NaN]],
    [[2, 0, 3, 0, 5], [1, 22, 0, 0, 0]],
    [[2, 3, Infinity, 0, 4], [Infinity, Infinity, NaN, Infinity, 0]],
    [[1, 0, Infinity], [1, Infinity, 0]],
    [[NaN], [1]],
    [[2, 3, 4], [43, 28, 18]],
  ];
  for (const [c, want] of cases) {
    const x = torch.tensor(c, { dtype: "float64", requiresGrad: true });
    x.cumprod(0).mul(torch.arange(1, c.length + 1, 1, { dtype: "float64" })).sum().backward();
    assert.deepEqual(values(x.grad!), want, JSON.stringify(c));
  }
  const y = torch.tensor([[1, 2], [0, 3], [4, 5]], { requiresGrad: true });
  y.cumprod(0).mul(torch.tensor([[1, 2], [3, 4], [5, 6]])).sum().backward();
  assert.deepEqual(values(y.grad!), [1, 104, 23, 68, 0, 36]);
  assert.throws(() => torch.tensor([1.5], { requiresGrad: true }).cumprod(0, { dtype: "int64" }), torch.AutogradError);
});

test("PyTorch's missing bool/int kernels are refused; True/False stand for 1/0 where a number may", () => {
  // F.leaky_relu(int) / b.dot(b) / b.pow(True) / B.addmm(B, B) / B[None].baddbmm(B[None], B[None]): "... not implemented for ..."
  const b = torch.tensor([true, false]);
  const B = torch.ones([2, 2], { dtype: "bool" });
  assert.throws(() => F.leakyRelu(torch.tensor([1, 2], { dtype: "int32" })), /"leaky_relu_cpu" not implemented for 'Int'/);
  assert.throws(() => F.leakyRelu(b), torch.DTypeError);
  assert.throws(() => b.dot(b), /"dot" not implemented for 'Bool'/);
  assert.throws(() => b.pow(true as unknown as number), /"pow" not implemented for 'Bool'/);
  assert.deepEqual(values(b.pow(2)), [1, 0]);
  assert.throws(() => B.addmm(B, B), /"addmm_impl_cpu_" not implemented for 'Bool'/);
  assert.throws(() => B.unsqueeze(0).baddbmm(B.unsqueeze(0), B.unsqueeze(0)), /"baddbmm" not implemented for 'Bool'/);
  // t.float_power(False) -> [1., 1.] float64; torch.lerp(t, 2 * t, True) -> [2., 4.]; zeros(3).scatter(0, [1], True) -> [0., 1., 0.]
  const t = torch.tensor([1, 2], { dtype: "float32" });
  const fp = t.floatPower(false as unknown as number);
  assert.equal(fp.dtype, "float64");
  assert.deepEqual(values(fp), [1, 1]);
  assert.deepEqual(values(torch.lerp(t, t.mul(2), true as unknown as number)), [2, 4]);
  assert.deepEqual(values(torch.zeros([3]).scatter(0, torch.tensor([1]), true as unknown as number)), [0, 1, 0]);
});

test("huber_loss: an infinite difference outside delta has a finite gradient; empty bool products are not refused", () => {
  // x = [-inf, 0.2, 3, inf] (float64); F.huber_loss(x, zeros, reduction="none", delta=0.5) * [0, 1, 1, 2] summed, backward
  const x = torch.tensor([-Infinity, 0.2, 3, Infinity], { dtype: "float64", requiresGrad: true });
  const l = F.huberLoss(x, torch.zeros([4], { dtype: "float64" }), { reduction: "none", delta: 0.5 });
  assert.deepEqual(values(l), [Infinity, 0.020000000000000004, 1.375, Infinity]);
  l.mul(torch.tensor([0, 1, 1, 2], { dtype: "float64" })).sum().backward();
  assert.deepEqual(values(x.grad!), [0, 0.2, 0.5, 1]);
  // torch.ones(1, 0, 2, dtype=torch.bool).baddbmm(torch.ones(1, 0, 2, dtype=torch.bool), torch.ones(1, 2, 2, dtype=torch.bool)): empty, no error
  const e = torch.ones([1, 0, 2], { dtype: "bool" }).baddbmm(torch.ones([1, 0, 2], { dtype: "bool" }), torch.ones([1, 2, 2], { dtype: "bool" }));
  assert.deepEqual(e.shape, [1, 0, 2]);
  assert.deepEqual(torch.ones([0, 2], { dtype: "bool" }).addmm(torch.ones([0, 2], { dtype: "bool" }), torch.ones([2, 2], { dtype: "bool" })).shape, [0, 2]);
});

test("loss target dtypes as PyTorch's: bool targets promoted by mse/smooth_l1/huber; kl_div, bce and bce-with-logits refuse integer ones", () => {
  // x = [0.3, -1.2]; F.mse_loss(x, [True, False]) = 0.965, F.smooth_l1_loss = F.huber_loss = 0.4725
  const x = torch.tensor([0.3, -1.2]);
  const b = torch.tensor([true, false]);
  const l = torch.tensor([1, 0]);
  assert.ok(Math.abs(F.mseLoss(x, b).item() - 0.965) < 1e-6);
  assert.ok(Math.abs(F.smoothL1Loss(x, b).item() - 0.4725) < 1e-6);
  assert.ok(Math.abs(F.huberLoss(x, b).item() - 0.4725) < 1e-6);
  assert.throws(() => F.l1Loss(x, b), torch.DTypeError);
  assert.throws(() => F.klDiv(x, l), /kl_div: Integral inputs not supported\./);
  assert.throws(() => F.binaryCrossEntropy(x.sigmoid(), l), /Found dtype Long but expected Float/);
  assert.throws(() => F.binaryCrossEntropy(x.sigmoid(), x.sigmoid().double()), /Found dtype Double but expected Float/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(x, l), /result type Float can't be cast to the desired output type Long/);
});

test("var backward as PyTorch's 2 / (N - correction) * g * (x - mean): an inf element leaves the others' gradients infinite", () => {
  // x = torch.tensor(v, dtype=torch.float64, requires_grad=True); (x.var(dim, ...) * -0.5).sum().backward()
  const g = (v: number[] | number[][], dim: number, opts: torch.VarOptions = {}) => {
    const x = torch.tensor(v, { dtype: "float64", requiresGrad: true });
    x.var(dim, opts).mul(-0.5).sum().backward();
    return values(x.grad!);
  };
  assert.deepEqual(g([1, Infinity], 0), [Infinity, NaN]);
  assert.deepEqual(g([-0, Infinity, 1.5], 0), [Infinity, NaN, Infinity]);
  assert.deepEqual(g([1, 2, 4], 0), [0.6666666666666667, 0.16666666666666674, -0.8333333333333333]);
  assert.deepEqual(g([[1, 2], [3, 5]], 1, { correction: 0, keepdim: true }), [0.25, -0.25, 0.5, -0.5]);
  assert.deepEqual(g([0.74], 0), [NaN]);
  // 0-d: x = torch.tensor(0.74, ...); (x.var() * gv).backward() -> gv * inf; with unbiased=False, -0.0
  for (const [gv, want] of [[-0.5, -Infinity], [0, NaN], [2, Infinity]] as const) {
    const x = torch.tensor(0.74, { dtype: "float64", requiresGrad: true });
    x.var().mul(gv).backward();
    assert.deepEqual(values(x.grad!), [want]);
  }
  const z = torch.tensor(0.74, { dtype: "float64", requiresGrad: true });
  z.var(null, { unbiased: false }).mul(-0.5).backward();
  assert.deepEqual(values(z.grad!), [-0]);
  const c2 = torch.tensor(0.74, { dtype: "float64", requiresGrad: true });
  c2.var(-1, { correction: 2 }).mul(-1.525).backward();
  assert.deepEqual(values(c2.grad!), [0]);
  assert.equal(torch.tensor([1, 2], { requiresGrad: true }).var().gradFn!.name, "VarBackward0");
});

test("kthvalue of a 0-d bool tensor is itself (PyTorch dispatches no kernel); 1-d bool is refused", () => {
  const r = torch.tensor(true).kthvalue(1);
  assert.equal(r.values.dtype, "bool");
  assert.deepEqual(values(r.values), [1]);
  assert.deepEqual(values(r.indices), [0]);
  assert.throws(() => torch.tensor([true]).kthvalue(1), /"kthvalue_cpu" not implemented for 'Bool'/);
});

test("binary_cross_entropy gradients as PyTorch's: the 1e-12f clamp for the input, unclamped logs for the target", () => {
  // x = [0, 1e-50, 0.3, 1], t = 0.5 (float64, both requires_grad); F.binary_cross_entropy(x, t, reduction="sum").backward()
  const x = torch.tensor([0, 1e-50, 0.3, 1], { dtype: "float64", requiresGrad: true });
  const t = torch.tensor([0.5, 0.5, 0.5, 0.5], { dtype: "float64", requiresGrad: true });
  F.binaryCrossEntropy(x, t, { reduction: "sum" }).backward();
  assert.deepEqual(values(x.grad!), [-500000001997.9014, -500000001997.9014, -0.9523809523809524, 500000001997.9014]);
  assert.deepEqual(values(t.grad!), [Infinity, 115.12925464970229, 0.8472978603872037, -Infinity]);
});

test("cross_entropy's composed path (strided logits): ignored rows get 0 gradient even from a NaN upstream", () => {
  // base[::2] as logits, every target ignored: loss NaN; backward(NaN) leaves base.grad all 0 in PyTorch
  const base = torch.tensor([[1.5, 0.3064, 1.0], [1.5, 1.2267, 0.0], [1.0266, -1.597, 0.8239], [-0.3855, 2.0988, -1.5295]], { dtype: "float64", requiresGrad: true });
  const l = F.crossEntropy(base.index([torch.Slice(null, null, 2)]), torch.tensor([0, 0]), { ignoreIndex: 0 });
  assert.deepEqual(values(l), [NaN]);
  l.backward(torch.tensor(NaN, { dtype: "float64" }));
  assert.deepEqual(values(base.grad!), Array(12).fill(0));
});

test("prod backward with several zeros in a whole-tensor product is zeros_like(input), even for a NaN gradient", () => {
  // torch.tensor([0, 2, -0., inf]).prod().backward(nan) -> [0, 0, 0, 0]; torch.tensor([0, 2, 3.]).prod().backward(nan) -> all NaN
  const x = torch.tensor([0, 2, -0, Infinity], { dtype: "float64", requiresGrad: true });
  x.prod().backward(torch.tensor(NaN, { dtype: "float64" }));
  assert.deepEqual(values(x.grad!), [0, 0, 0, 0]);
  const y = torch.tensor([0, 2, 3], { dtype: "float64", requiresGrad: true });
  y.prod().backward(torch.tensor(NaN, { dtype: "float64" }));
  assert.deepEqual(values(y.grad!), [NaN, NaN, NaN]);
});

test("hardsigmoid's gradient multiplies by the float constant 1.0f / 6.0f, float64 included", () => {
  // x = [-2.0871, 0.5, 2.9]; F.hardsigmoid(x).backward([1.419, 0.3, 1]) in float64 and float32
  for (const [dt, want] of [
    ["float64", [0.23650000704824925, 0.05000000149011612, 0.1666666716337204]],
    ["float32", [0.23650000989437103, 0.05000000447034836, 0.1666666716337204]],
  ] as const) {
    const x = torch.tensor([-2.0871, 0.5, 2.9], { dtype: dt, requiresGrad: true });
    F.hardsigmoid(x).backward(torch.tensor([1.419, 0.3, 1], { dtype: dt }));
    assert.deepEqual(values(x.grad!), want);
  }
});

test("fill_/zero_ write through expanded memory (one value everywhere), hardtanh clamps integers, einsum promotes a pair with nothing summed", () => {
  const b = torch.tensor([[1.5, 2.5]]);
  const e = b.expand([3, 2]);
  e.fill_(7);
  assert.deepEqual(values(b), [7, 7]);
  e.zero_();
  assert.deepEqual(values(b), [0, 0]);
  assert.throws(() => e.add_(1), /single memory location/);
  // F.hardtanh(torch.tensor([-3, 0, 2])) -> [-1, 0, 1]; with (-0.5, 0.5) -> [0, 0, 0]; bool refused
  const x = torch.tensor([-3, 0, 2]);
  assert.deepEqual(values(F.hardtanh(x)), [-1, 0, 1]);
  const h = F.hardtanh(x, -0.5, 0.5);
  assert.equal(h.dtype, "int64");
  assert.deepEqual(values(h), [0, 0, 0]);
  assert.throws(() => F.hardtanh(torch.tensor([true])), /Bool inputs not supported for hardtanh/);
  // torch.einsum("ab,z->abz", int64, float64) is float64; "ab,b->a" refuses the mix
  const a = torch.tensor([[1, 2], [3, 4]]);
  const f = torch.tensor([1.5, -1], { dtype: "float64" });
  const o = torch.einsum("ab,z->abz", a, f);
  assert.equal(o.dtype, "float64");
  assert.deepEqual(values(o), [1.5, -1, 3, -2, 4.5, -3, 6, -4]);
  assert.throws(() => torch.einsum("ab,b->a", a, f), /expected scalar type Long but found Double/);
});

test("addcdiv_ has addcdiv's gradient, including PyTorch's error for tensor1's gradient over an integer tensor2", () => {
  // a.clone().addcdiv_(t1, t2, value=0.5) with a = [0.757, -0.9276], t1 = [0.3039, 0] (requires grad)
  const run = (t2: torch.Tensor) => {
    const t1 = torch.tensor([0.3039, 0.0], { requiresGrad: true });
    const r = torch.tensor([0.757, -0.9276]).addcdiv_(t1, t2, { value: 0.5 });
    assert.deepEqual(values(r), [0.8329750299453735, -0.9276000261306763]);
    r.sum().backward();
    return values(t1.grad!);
  };
  assert.throws(() => run(torch.tensor([2])), /result type Float can't be cast to the desired output type Long/);
  assert.deepEqual(run(torch.tensor([2, 4], { dtype: "float32" })), [0.25, 0.125]);
});

test("addmm wants one dtype (self against mat2 first); addr refuses a fractional alpha for any integral result, bool included", () => {
  const f = torch.ones([2, 2]);
  const d = torch.ones([2, 2], { dtype: "float64" });
  assert.throws(() => f.addmm(d, d), /self and mat2 must have the same dtype/);
  assert.throws(() => f.addmm(f, d), /self and mat2 must have the same dtype/);
  assert.throws(() => f.addmm(d, f), /mat1 and mat2 must have the same dtype/);
  const bv = torch.ones([2], { dtype: "bool" });
  assert.throws(() => torch.ones([2, 2], { dtype: "bool" }).addr(bv, bv, { alpha: 0.5 }), /For integral input tensors, argument alpha/);
  // torch.ones(2, 2, dtype=torch.long).addr(torch.ones(2), torch.ones(2), alpha=0.5): a float result, allowed
  assert.equal(torch.ones([2, 2], { dtype: "int64" }).addr(torch.ones([2]), torch.ones([2]), { alpha: 0.5 }).dtype, "float32");
});

test("scatter with an empty index keeps src in the graph; floor_divide_ by an operand that requires grad fails in backward", () => {
  // x = torch.tensor(2.4761, requires_grad=True); torch.zeros(0, 0).scatter_add(1, empty index, x.expand(0, 0)).std().norm(1) * 1.7 -> x.grad 0
  const x = torch.tensor(2.4761, { requiresGrad: true });
  const s = torch.zeros([0, 0]).scatterAdd(1, torch.zeros([0, 0], { dtype: "int64" }), x.expand([0, 0]));
  s.std().norm(1).mul(1.7).backward();
  assert.deepEqual(values(x.grad!), [0]);
  // z = torch.tensor([3., 5.]); z.floor_divide_(o) with o requiring grad: "derivative for aten::floor_divide_ is not implemented"
  const o = torch.tensor(0.5, { requiresGrad: true });
  const z = torch.tensor([3, 5], { dtype: "float32" });
  z.floorDivide_(o);
  assert.equal(z.requiresGrad, true);
  assert.throws(() => z.sum().backward(), /derivative for aten::floor_divide_ is not implemented/);
});

test("lgamma(1) and lgamma(2) are +0 (1 / lgamma is +inf, as PyTorch); an empty bool einsum contraction is not refused", () => {
  // 1 / torch.lgamma(torch.tensor([1., 2.])) -> [inf, inf]
  for (const dt of ["float32", "float64"] as const) {
    assert.deepEqual(values(torch.lgamma(torch.tensor([1, 2], { dtype: dt })).reciprocal()), [Infinity, Infinity]);
  }
  // torch.einsum("abc,cz->abz", torch.ones(2, 3, 0, dtype=torch.bool), torch.ones(0, 1, dtype=torch.bool)): all False
  const r = torch.einsum("abc,cz->abz", torch.ones([2, 3, 0], { dtype: "bool" }), torch.ones([0, 1], { dtype: "bool" }));
  assert.equal(r.dtype, "bool");
  assert.deepEqual(values(r), [0, 0, 0, 0, 0, 0]);
});

test("ravel is contiguous().view(-1): a strided leaf's ravel is a copy that may be written in place", () => {
  // base = torch.tensor([2.2453, 0.1612, 1.9359, 1.9891], requires_grad=True); base[::2].ravel().pow_(3) is allowed
  const base = torch.tensor([2.2453, 0.1612, 1.9359, 1.9891], { requiresGrad: true });
  const r = base.index([torch.Slice(null, null, 2)]).ravel();
  r.pow_(3);
  r.sum().backward();
  assert.ok(Math.abs(base.grad!.toTypedArray()[0]! - 3 * 2.2453 ** 2) < 1e-4);
  assert.throws(() => base.index([torch.Slice(null, null, 2)]).reshape([-1]).pow_(3), torch.AutogradError);
  const a = torch.tensor([[1, 2], [3, 4]], { dtype: "float32" });
  a.ravel().add_(1);
  assert.deepEqual(values(a), [2, 3, 4, 5]);
});

test("float32 var as PyTorch's CPU paths: Welford in double per slice, a float32 mean over every element", () => {
  // torch.full(shape, -0.2164).var(d): (3, 3) dim 0 -> 0.0; (3, 1) dim 0 -> 3.3306690738754696e-16
  assert.deepEqual(values(torch.full([3, 3], -0.2164, { dtype: "float32" }).var(0)), [0, 0, 0]);
  assert.deepEqual(values(torch.full([3, 1], -0.2164, { dtype: "float32" }).var(0)), [3.3306690738754696e-16]);
  // std's backward masks result == 0: a (3, 3) column of equal values gets 0; (3, 1) gets PyTorch's -0.4082
  const y = torch.full([3, 3], -0.2164, { dtype: "float32" }).requiresGrad_(true);
  y.std(0).sum().backward();
  assert.deepEqual(values(y.grad!).map(Math.abs), Array(9).fill(0));
  const z = torch.full([3, 1], -0.2164, { dtype: "float32" }).requiresGrad_(true);
  z.std(0).sum().backward();
  assert.ok(Math.abs(values(z.grad!)[0]! + 0.4082) < 1e-3);
});

test("torch.norm's inf norms of empty slices are 0 (linalg.vector_norm still refuses them)", () => {
  // torch.zeros(0).norm(inf) -> 0; torch.zeros(2, 0).norm(-inf, 1) -> [0, 0]
  assert.deepEqual(values(torch.zeros([0]).norm(Infinity)), [0]);
  assert.deepEqual(values(torch.zeros([2, 0]).norm(-Infinity, 1)), [0, 0]);
  assert.throws(() => torch.linalg.vectorNorm(torch.zeros([0]), Infinity));
});

test("baddbmm takes the batches' dtype (self cast, no promotion); addr keeps a bool result; a bool einsum over a length-1 letter multiplies", () => {
  // torch.ones(1, 2, 2, dtype=torch.float64).baddbmm(f32, f32) -> float32; mixed batches -> "expected scalar type Double but found Float"
  const f = torch.ones([1, 2, 2]);
  const d = torch.ones([1, 2, 2], { dtype: "float64" });
  assert.equal(d.baddbmm(f, f).dtype, "float32");
  assert.equal(f.baddbmm(d, d).dtype, "float64");
  assert.throws(() => f.baddbmm(d, f), /expected scalar type Double but found Float/);
  const g = torch.tensor(1, { dtype: "float64", requiresGrad: true });
  g.baddbmm(f, f).sum().backward();
  assert.equal(g.grad!.dtype, "float64");
  assert.deepEqual(values(g.grad!), [4]);
  // torch.tensor([True, True]).addr([False, False], [True, True], beta=2) -> bool, all True
  const r = torch.tensor([true, true]).addr(torch.tensor([false, false]), torch.tensor([true, true]), { beta: 2 });
  assert.equal(r.dtype, "bool");
  assert.deepEqual(values(r), [1, 1, 1, 1]);
  const e = torch.einsum("abc,cz->abz", torch.ones([3, 1, 1], { dtype: "bool" }), torch.ones([1, 1], { dtype: "bool" }));
  assert.equal(e.dtype, "bool");
  assert.deepEqual(values(e), [1, 1, 1]);
});
