/**
 * issue 13's pieces that PyTorch fixtures cannot pin down number for number: multinomial's draws
 * (kindling's random stream is its own), Tensor.data / Tensor.type / dtype aliases (PyTorch's
 * documented behaviour), and gradchecks of the ops with their own backward (cumprod, sort, norms, einsum).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

const f64 = (data: number[], shape?: number[]) => {
  const t = torch.tensor(data, { dtype: "float64" });
  return (shape ? t.reshape(shape) : t).detach().requiresGrad_(true);
};

describe("multinomial", () => {
  test("with replacement: frequencies follow the (unnormalised) weights", () => {
    torch.manualSeed(1);
    const draws = torch.multinomial(torch.tensor([1.0, 0, 3], { dtype: "float32" }), 20000, true);
    assert.equal(draws.dtype, "int64");
    assert.deepEqual(draws.shape, [20000]);
    const counts = [0, 0, 0];
    for (const v of draws.tolist() as number[]) counts[v]!++;
    assert.equal(counts[1], 0, "a zero-weight category is never drawn");
    assert.ok(Math.abs(counts[0]! / 20000 - 0.25) < 0.015, `category 0 drawn ${counts[0]} times`);
  });

  test("without replacement: distinct categories per row, weighted first picks", () => {
    torch.manualSeed(2);
    const draws = torch.multinomial(torch.tensor([[1, 1, 1, 1], [0, 5, 0, 1]], { dtype: "float32" }), 2);
    assert.deepEqual(draws.shape, [2, 2]);
    const rows = draws.tolist() as number[][];
    assert.notEqual(rows[0]![0], rows[0]![1]);
    assert.deepEqual([...rows[1]!].sort(), [1, 3], "the two non-zero categories come before zero-weight ones");
    let first1 = 0;
    for (let i = 0; i < 2000; i++) if ((torch.multinomial(torch.tensor([1, 4], { dtype: "float64" }), 1).tolist() as number[])[0] === 1) first1++;
    assert.ok(Math.abs(first1 / 2000 - 0.8) < 0.03, `heavier category first in ${first1} of 2000`);
  });

  test("the default generator and { generator } are reproducible", () => {
    const p = torch.tensor([0.2, 0.3, 0.5]);
    torch.manualSeed(7);
    const a = torch.multinomial(p, 10, true).tolist();
    torch.manualSeed(7);
    assert.deepEqual(p.multinomial(10, true).tolist(), a);
    const g1 = new torch.Generator(3);
    const g2 = new torch.Generator(3);
    assert.deepEqual(torch.multinomial(p, 3, false, { generator: g1 }).tolist(), torch.multinomial(p, 3, { generator: g2 }).tolist());
  });
});

describe("Tensor.data, Tensor.type, dtype aliases", () => {
  test("data is a detached view of the same memory", () => {
    const w = torch.tensor([1, 2, 3], { requiresGrad: true });
    const d = w.data;
    assert.equal(d.requiresGrad, false);
    assert.ok(d.isLeaf);
    d.mul_(2);
    assert.deepEqual(w.tolist(), [2, 4, 6]);
  });

  test("assigning data replaces the contents and shape, keeping identity and requiresGrad", () => {
    const w = torch.zeros([2], { requiresGrad: true });
    const src = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
    w.data = src;
    assert.deepEqual(w.shape, [2, 2]);
    assert.equal(w.dtype, "float64");
    assert.equal(w.requiresGrad, true);
    src.add_(1);
    assert.deepEqual(w.tolist(), [[2, 3], [4, 5]], "w shares src's memory, as PyTorch's set_data");
    w.sum().backward();
    assert.deepEqual(w.grad!.tolist(), [[1, 1], [1, 1]]);
  });

  test("type() names the legacy tensor type; type(dtype) casts", () => {
    assert.equal(torch.zeros([1]).type(), "torch.FloatTensor");
    assert.equal(torch.zeros([1], { dtype: "float64" }).type(), "torch.DoubleTensor");
    assert.equal(torch.zeros([1], { dtype: "int64" }).type(), "torch.LongTensor");
    assert.equal(torch.zeros([1], { dtype: "int32" }).type(), "torch.IntTensor");
    assert.equal(torch.zeros([1], { dtype: "bool" }).type(), "torch.BoolTensor");
    const x = torch.tensor([1.5, -2.5]);
    assert.equal(x.type(torch.long).dtype, "int64");
    assert.deepEqual(x.type("torch.DoubleTensor").tolist(), [1.5, -2.5]);
    assert.equal(x.type(torch.float), x, "same type: the tensor itself, as PyTorch");
    assert.throws(() => x.type("torch.HalfTensor"), /invalid type: 'torch.HalfTensor'/);
  });

  test("dtype aliases are kindling's dtype names", () => {
    assert.deepEqual(
      [torch.float, torch.double, torch.long, torch.int, torch.bool, torch.float32, torch.float64, torch.int32, torch.int64],
      ["float32", "float64", "int64", "int32", "bool", "float32", "float64", "int32", "int64"],
    );
    assert.equal(torch.ones([2], { dtype: torch.long }).dtype, "int64");
  });
});

describe("ops13 behaviour beyond the fixtures", () => {
  test("sort without { stable } also keeps ties in order, and NaN last", () => {
    const s = torch.tensor([2, NaN, 1, 2, 1]).sort();
    assert.deepEqual(s.indices.tolist(), [2, 4, 0, 3, 1]);
    assert.deepEqual(torch.tensor([3, 1, 2]).argsort(0, true).tolist(), [0, 2, 1]);
  });

  test("gradcheck: cumprod with zeros, cumsum, sort, topk, norms, einsum, repeat, roll", () => {
    const x = f64([2, 0, -1.5, 0, 3, 0.5], [2, 3]);
    const gc = (fn: (t: torch.Tensor) => torch.Tensor, t = x) => assert.ok(torch.autograd.gradcheck(fn, [t]));
    gc((t) => t.cumprod(1));
    gc((t) => t.cumprod(0));
    gc((t) => t.cumsum(1));
    const y = f64([0.3, -1.2, 2.5, 0.7, -0.4, 1.9], [2, 3]);
    gc((t) => t.sort(1, true).values, y);
    gc((t) => t.topk(2, 0).values, y);
    gc((t) => torch.linalg.vectorNorm(t, 3, 1), y);
    gc((t) => t.norm(), y);
    gc((t) => torch.linalg.matrixNorm(t, 1), y);
    gc((t) => torch.einsum("ij,kj->ik", t, t), y);
    gc((t) => t.repeat(2, 1, 2).roll([1, -1], [0, 2]), y);
  });

  test("meshgrid defaults to ij indexing and accepts an array", () => {
    const [a, b] = torch.meshgrid([torch.tensor([1, 2]), torch.tensor([3, 4, 5])]);
    assert.deepEqual(a!.shape, [2, 3]);
    assert.deepEqual(b!.tolist(), [[3, 4, 5], [3, 4, 5]]);
  });

  test("repeatInterleave of a repeats tensor alone gives repeated indices", () => {
    assert.deepEqual(torch.repeatInterleave(torch.tensor([2, 0, 1], { dtype: "int64" })).tolist(), [0, 0, 2]);
  });

  test("gradcheck: nuclear and spectral norms", () => {
    const a = f64([0.3, -1.2, 2.5, 0.7, -0.4, 1.9], [2, 3]);
    assert.ok(torch.autograd.gradcheck((t) => torch.linalg.matrixNorm(t, "nuc"), [a]));
    assert.ok(torch.autograd.gradcheck((t) => torch.linalg.matrixNorm(t, 2), [a]));
    assert.ok(torch.autograd.gradcheck((t) => torch.linalg.matrixNorm(t, -2), [a]));
  });
});

describe("(values, indices) results unpack like PyTorch's named tuples", () => {
  test("max(dim), min(dim), sort and topk destructure in order", () => {
    const x = torch.tensor([[3, 1, 2], [0, 5, 4]], { dtype: "float32" });
    const [mv, mi] = x.max(1);
    assert.deepEqual([mv.tolist(), mi.tolist()], [[3, 5], [0, 1]]);
    const [nv, ni] = x.min(1);
    assert.deepEqual([nv.tolist(), ni.tolist()], [[1, 0], [1, 0]]);
    const [sv, si] = x.sort(1);
    assert.deepEqual([sv.tolist(), si.tolist()], [[[1, 2, 3], [0, 4, 5]], [[1, 2, 0], [0, 2, 1]]]);
    const [tv, ti] = x.topk(1, 1);
    assert.deepEqual([tv.tolist(), ti.tolist()], [[[3], [5]], [[0], [1]]]);
    assert.deepEqual(x.max(1).values.tolist(), [3, 5]);
  });
});
