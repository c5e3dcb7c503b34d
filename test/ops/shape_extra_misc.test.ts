/**
 * What the PyTorch fixtures of shape_extra.test.ts do not pin down: float64 gradchecks of every
 * differentiable op, in-place writes through the new views (seen by the base, with autograd through
 * them), the in-place index ops' version counters and graph, the new* factories, and keyword forms.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
const f64 = (shape: number[], seed = 0) => {
  torch.manualSeed(seed);
  return torch.randn(shape, { dtype: "float64" }).requiresGrad_(true);
};
const idx = (...v: number[]) => torch.tensor(v, { dtype: "int64" });
const gc = (fn: (...t: Tensor[]) => Tensor, ...inputs: Tensor[]) => assert.ok(torch.autograd.gradcheck(fn, inputs));

describe("shape_extra gradchecks (float64)", () => {
  test("views and joins", () => {
    const x = f64([2, 3, 4]);
    gc((t) => torch.movedim(t, [0, 1], [2, 0]), x);
    gc((t) => t.swapaxes(0, 2), x);
    gc((t) => t.unflatten(2, [2, 2]), x);
    gc((t) => torch.broadcastTo(t.sum(0), [2, 3, 4]), x);
    gc((t) => torch.ravel(t.transpose(0, 2)), x);
    gc((a, b) => torch.hstack([a, b]), f64([2, 3], 1), f64([2, 2], 2));
    gc((a, b) => torch.dstack([a, b]), f64([3], 1), f64([3], 2));
    gc((a, b) => torch.columnStack([a, b]), f64([3], 1), f64([3, 2], 2));
    gc((t) => torch.stack(torch.tensorSplit(t, [1, 3], 2).map((p) => p.sum())), x);
    gc((t) => torch.cat(torch.vsplit(t, 2), 1), x);
  });

  test("diagonal family", () => {
    const x = f64([3, 4]);
    gc((t) => torch.diagonal(t, 1), x);
    gc((t) => torch.diagonal(t, { offset: -1, dim1: 1, dim2: 0 }), x);
    gc((t) => t.diagEmbed(1, 0, 2), f64([2, 3]));
    gc((t) => torch.diag(t, -1), f64([3]));
    gc((t) => torch.diag(t, 1), x);
    gc((t) => torch.diagflat(t), f64([2, 2]));
    gc((t) => torch.trace(t), x);
    gc((t) => torch.rot90(t, 3, [1, 0]), x);
    gc((t) => torch.fliplr(t), x);
  });

  test("index and reduction ops", () => {
    const x = f64([3, 4]);
    gc((t) => torch.takeAlongDim(t, idx(2, 0, 1, 1, 0, 0, 2, 1).reshape([2, 4]), 0), x);
    gc((t, s) => torch.indexAdd(t, 1, idx(3, 0, 3), s, { alpha: -2 }), x, f64([3, 3], 3));
    gc((t, s) => t.indexCopy(0, idx(2, 0), s), x, f64([2, 4], 4));
    gc((t, v) => t.indexFill(1, idx(1, 1, 2), v), x, f64([], 5));
    const withNaN = torch.tensor([[1, NaN, 2], [0.5, -1, NaN]], { dtype: "float64" }).requiresGrad_(true);
    gc((t) => torch.nansum(t, 1), withNaN);
    gc((t) => torch.nanmean(t, 0, true), withNaN);
    gc((t) => torch.stdMean(t, 1)[0], x);
    gc((t) => torch.varMean(t, null, { correction: 0 })[1], x);
  });

  test("combining ops", () => {
    gc((a, b) => torch.cartesianProd(a, b), f64([2], 1), f64([3], 2));
    gc((t) => torch.combinations(t, 2, true), f64([3]));
    gc((a, b) => torch.blockDiag(a, b), f64([2, 2], 1), f64([3], 2));
    gc((a, b) => torch.kron(a, b), f64([2, 3], 1), f64([2], 2));
    gc((a, b) => torch.cross(a, b, 1), f64([2, 3], 1), f64([2, 3], 2));
    gc((a, b) => torch.linalg.cross(a, b), f64([1, 3], 1), f64([4, 3], 2));
  });

  test("linear-algebra helpers", () => {
    const A = f64([2, 3], 1);
    const v = f64([3], 2);
    gc((a, b) => torch.mv(a, b), A, v);
    gc((i, a, b) => torch.addmv(i, a, b, { beta: 0.5, alpha: 2 }), f64([2], 3), A, v);
    gc((i, a, b) => torch.addr(i, a, b, { alpha: -1 }), f64([2, 3], 3), f64([2], 4), v);
    gc((i, a, b) => torch.addbmm(i, a, b, { beta: 2 }), f64([2, 4], 5), f64([3, 2, 3], 6), f64([3, 3, 4], 7));
    gc((a, b) => torch.inner(a, b), A, f64([4, 3], 8));
    gc((a, b) => torch.vdot(a, b), v, f64([3], 9));
    gc((a, b) => torch.tensordot(a, b, [[0, 2], [1, 0]]), f64([2, 3, 4], 10), f64([4, 2], 11));
    gc((a, b, c) => torch.chainMatmul(a, b, c), A, f64([3, 2], 12), f64([2, 2], 13));
    gc((a, b) => torch.dist(a, b, 3), A, v);
    gc((a, b) => torch.cdist(a, b), f64([3, 2], 14), f64([4, 2], 15));
    gc((a, b) => torch.cdist(a, b, 1.5), f64([2, 3, 2], 16), f64([1, 4, 2], 17));
    gc((t) => torch.renorm(t, 2, 0, 0.7), f64([3, 4], 18));
    gc((y, x) => torch.trapezoid(y, x), f64([2, 4], 19), f64([4], 20));
    gc((y, x) => torch.cumulativeTrapezoid(y, x, { dim: 0 }), f64([3, 2], 21), f64([3, 2], 22));
    gc((y) => torch.trapz(y, { dx: 0.3 }), f64([2, 4], 23));
    const wellConditioned = (shape: number[], seed: number) => {
      const n = shape[shape.length - 1]!;
      return f64(shape, seed).detach().add(torch.eye(n, n, { dtype: "float64" }).mul(3)).requiresGrad_(true);
    };
    gc((a) => torch.linalg.inv(a), wellConditioned([2, 3, 3], 24));
    gc((a) => torch.linalg.det(a), wellConditioned([2, 3, 3], 25));
    gc((a) => torch.linalg.slogdet(a)[1], wellConditioned([3, 3], 26));
    gc((a, b) => torch.linalg.solve(a, b), wellConditioned([2, 3, 3], 27), f64([3, 2], 28));
    gc((a, b) => torch.linalg.solve(a, b, { left: false }), wellConditioned([3, 3], 29), f64([2, 3], 30));
  });

  test("diagonal's gradient lands on the diagonal only (zeros elsewhere, also for an empty one)", () => {
    const x = torch.zeros([2, 3], { dtype: "float64" }).requiresGrad_(true);
    torch.diagonal(x, 1).mul(torch.tensor([2, 3], { dtype: "float64" })).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[0, 2, 0], [0, 0, 3]]);
    const y = torch.zeros([2, 3], { dtype: "float64" }).requiresGrad_(true);
    torch.diagonal(y, 5).sum().backward();
    assert.deepEqual(y.grad!.tolist(), [[0, 0, 0], [0, 0, 0]]);
  });
});

describe("views share memory", () => {
  test("in-place writes through diagonal, movedim, unflatten and tensorSplit reach the base", () => {
    const base = torch.zeros([3, 3]);
    torch.diagonal(base, 1).fill_(7);
    base.movedim(0, 1).select(0, 0).add_(1);
    base.reshape([9]).unflatten(0, [3, 3]).select(1, 2).sub_(2);
    torch.tensorSplit(base, 3, 0)[2]!.mul_(10);
    assert.deepEqual(base.tolist(), [[1, 7, -2], [1, 0, 5], [10, 0, -20]]);
  });

  test("autograd through an in-place write to a diagonal view (CopySlices)", () => {
    const leaf = torch.ones([2, 2], { dtype: "float64" }).requiresGrad_(true);
    const y = leaf.mul(3);
    torch.diagonal(y).mul_(torch.tensor([2, 5], { dtype: "float64" }));
    y.sum().backward();
    assert.deepEqual(leaf.grad!.tolist(), [[6, 3], [3, 15]]);
    assert.deepEqual(y.tolist(), [[6, 3], [3, 15]]);
  });

  test("a diagonal of a leaf that requires grad refuses an in-place write", () => {
    const leaf = torch.ones([2, 2]).requiresGrad_(true);
    assert.throws(() => torch.diagonal(leaf).zero_(), /a view of a leaf Variable that requires grad/);
  });

  test("swapaxes, broadcastTo and atleast3d are views; diag of a matrix is a copy", () => {
    const x = torch.arange(6).reshape([2, 3]);
    assert.equal(x.swapdims(0, 1).storage, x.storage);
    assert.equal(torch.broadcastTo(x, [4, 2, 3]).storage, x.storage);
    assert.equal((torch.atleast3d(x) as Tensor).storage, x.storage);
    assert.notEqual(torch.diag(x).storage, x.storage);
  });
});

describe("in-place index ops", () => {
  test("indexAdd_ / indexCopy_ / indexFill_ write in place, bump the version, and record the graph", () => {
    const x = torch.zeros([3, 2]);
    const v0 = x._version;
    const r = x.indexAdd_(0, idx(0, 0, 2), torch.ones([3, 2]), { alpha: 2 });
    assert.equal(r, x);
    assert.ok(x._version > v0);
    assert.deepEqual(x.tolist(), [[4, 4], [0, 0], [2, 2]]);
    x.indexCopy_(1, idx(1), torch.tensor([[9], [8], [7]], { dtype: "float32" }));
    x.indexFill_(0, idx(-2), -1);
    assert.deepEqual(x.tolist(), [[4, 9], [-1, -1], [2, 7]]);

    const leaf = torch.ones([3], { dtype: "float64" }).requiresGrad_(true);
    const src = torch.tensor([5, 6], { dtype: "float64" }).requiresGrad_(true);
    const y = leaf.mul(2);
    y.indexCopy_(0, idx(2, 0), src);
    y.mul(torch.tensor([1, 2, 3], { dtype: "float64" })).sum().backward();
    assert.deepEqual(leaf.grad!.tolist(), [0, 4, 0]);
    assert.deepEqual(src.grad!.tolist(), [3, 1]);
  });

  test("addmv_ / addr_ / addbmm_ / renorm_ write in place with PyTorch's values and gradients", () => {
    const x = torch.ones([2], { dtype: "float64" });
    const v0 = x._version;
    const A = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
    assert.equal(x.addmv_(A, torch.tensor([1, -1], { dtype: "float64" }), { beta: 2, alpha: 3 }), x);
    assert.ok(x._version > v0);
    assert.deepEqual(x.tolist(), [-1, -1]);
    const m = torch.zeros([2, 2], { dtype: "float64" });
    m.addr_(torch.tensor([1, 2], { dtype: "float64" }), torch.tensor([3, 4], { dtype: "float64" }));
    assert.deepEqual(m.tolist(), [[3, 4], [6, 8]]);
    m.addbmm_(A.unsqueeze(0), A.unsqueeze(0), { beta: 0 });
    assert.deepEqual(m.tolist(), [[7, 10], [15, 22]]);
    m.renorm_(1, 0, 10);
    const r = m.tolist() as number[][];
    assert.ok(Math.abs(r[0]![0]! - (7 * 10) / (17 + 1e-7)) < 1e-12 && Math.abs(r[1]![1]! - (22 * 10) / (37 + 1e-7)) < 1e-12);

    const leaf = torch.tensor([[3, 4], [0.3, 0.4]], { dtype: "float64" }).requiresGrad_(true);
    const y = leaf.mul(1);
    y.renorm_(2, 0, 1);
    y.mul(torch.tensor([[1, 0], [1, 0]], { dtype: "float64" })).sum().backward();
    // Row 0 (norm 5) becomes x / (5 + 1e-7): d(x0 / |x|)/dx = (|x|^2 - x0 x) / |x|^3 (up to the 1e-7); row 1 is untouched.
    const g = leaf.grad!.tolist() as number[][];
    assert.ok(Math.abs(g[0]![0]! - 16 / 125) < 1e-6 && Math.abs(g[0]![1]! + 12 / 125) < 1e-6);
    assert.deepEqual(g[1], [1, 0]);
  });

  test("on a leaf that requires grad they are refused", () => {
    const leaf = torch.ones([3]).requiresGrad_(true);
    assert.throws(() => leaf.indexFill_(0, idx(0), 2), /leaf Variable that requires grad/);
  });
});

describe("cross's default dim (PyTorch 1.13)", () => {
  test("without dim: the first dim of size 3, with a deprecation warning once", () => {
    const a = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]], { dtype: "float64" });
    const b = torch.tensor([[0, 1, 0], [0, 0, 1], [1, 0, 0]], { dtype: "float64" });
    const seen: string[] = [];
    const original = console.error;
    console.error = (m: string) => seen.push(m);
    try {
      // dim 0 (the first of size 3), not linalg.cross's -1: the columns are crossed.
      assert.deepEqual(torch.cross(a, b).tolist(), torch.cross(a, b, 0).tolist());
      assert.notDeepEqual(torch.cross(a, b).tolist(), torch.linalg.cross(a, b).tolist());
    } finally {
      console.error = original;
    }
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /Using torch.cross without specifying the dim arg is deprecated/);
  });
});

describe("factories and keyword forms", () => {
  test("newZeros / newOnes / newEmpty / newFull / newTensor default to the tensor's dtype", () => {
    const x = torch.tensor([1, 2], { dtype: "int32" });
    const z = x.newZeros(2, 3);
    assert.equal(z.dtype, "int32");
    assert.deepEqual(z.shape, [2, 3]);
    assert.equal(x.newOnes([2], { dtype: "float64" }).dtype, "float64");
    assert.deepEqual(x.newEmpty(4).shape, [4]);
    assert.deepEqual(x.newFull([2], 7).tolist(), [7, 7]);
    const t = x.newTensor([1.5, 2], { requiresGrad: false });
    assert.equal(t.dtype, "int32");
    assert.equal(torch.tensor([1.5]).newOnes(1, { requiresGrad: true }).requiresGrad, true);
    assert.throws(() => x.newZeros(2, { dtpye: "int64" } as never), /unknown option 'dtpye' \(did you mean 'dtype'\?\)/);
  });

  test("diagonal / diagEmbed take keywords; unknown ones are errors", () => {
    const x = torch.arange(9).reshape([3, 3]);
    assert.deepEqual(torch.diagonal(x, { offset: 1 }).tolist(), [1, 5]);
    assert.deepEqual(x.diagonal(-1, { dim1: 1, dim2: 0 }).tolist(), [1, 5]);
    assert.throws(() => torch.diagonal(x, { dim_1: 1 } as never), /unknown option 'dim_1'/);
    assert.throws(() => torch.diagonal(x, 1, { offset: 2 }), /multiple values for argument 'offset'/);
    assert.throws(() => torch.indexAdd(x, 0, idx(0), x.narrow(0, 0, 1), { alhpa: 2 } as never), /did you mean 'alpha'/);
  });

  test("combinations takes { r, withReplacement }; stdMean returns [std, mean]", () => {
    const c = torch.combinations(torch.tensor([1, 2, 3]), { r: 2, withReplacement: true });
    assert.deepEqual(c.shape, [6, 2]);
    const [s, m] = torch.stdMean(torch.tensor([1, 2, 3, 4], { dtype: "float64" }));
    assert.ok(Math.abs((s!.item() as number) - Math.sqrt(5 / 3)) < 1e-12);
    assert.equal(m!.item(), 2.5);
  });
});
