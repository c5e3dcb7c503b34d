/**
 * x.indexPut_(expr, value) against PyTorch 1.13's `h[expr] = value` (and h.index_put_(tensors, value,
 * accumulate=True)) from test/fixtures/indexing.json: h = (base * 1) permuted, a non-leaf view, so
 * every write goes through the in-place machinery onto a view (CopySlices); values broadcast to the
 * indexing result; h afterwards and the gradients of sum(h * w) for base and value, in the array form
 * and the string form. Rerun on every backend by scripts/run-tests.mjs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { checkTensor, fixtures, fromJson, items, makeValue, makeX, type PutCase } from "./indexing_fixture.ts";

const floating = (dtype: string) => dtype === "float32" || dtype === "float64";

function replay(c: PutCase, form: "array" | "string", outOfPlace = false): void {
  const where = `${c.name} (${form} form${outOfPlace ? ", indexPut" : ""})`;
  const expr = form === "array" ? items(c.expr) : c.str!;
  const grad = floating(c.x.dtype);
  const { base } = makeX(c.x, grad);
  let h = grad ? base.mul(1) : base.clone();
  if (c.x.perm) h = h.permute(c.x.perm);
  const value = makeValue(c.value);
  const opts = c.accumulate ? { accumulate: true } : undefined;
  const versionBefore = h.version;
  if (outOfPlace) {
    const before = h.clone();
    const out = h.indexPut(expr, value, opts);
    checkTensor(h, { ...c.x, data: before.toTypedArray() as unknown as number[], shape: [...before.shape] }, `${where}: x untouched`);
    h = out;
  } else {
    assert.equal(h.indexPut_(expr, value, opts), h, `${where}: returns x`);
    if (h.numel() > 0 && !(c.expr.length === 1 && "bool" in c.expr[0]! && !c.expr[0].bool)) assert.ok(h.version > versionBefore, `${where}: version bumped`);
  }
  checkTensor(h, c.out, `${where}: x after the write`);
  if (!grad) return;
  h.mul(fromJson(c.w!)).sum().backward();
  checkTensor(base.grad ?? torch.zerosLike(base), c.grad!, `${where}: gradient of base`);
  if (c.valueGrad !== null) {
    const v = value as torch.Tensor;
    checkTensor(v.grad ?? torch.zerosLike(v), c.valueGrad, `${where}: gradient of value`);
  }
}

describe(`x.indexPut_(expr, value): ${fixtures.put.length} assignments against PyTorch ${fixtures.torch}`, () => {
  test("the fixtures cover assignment's cases", () => {
    assert.ok(fixtures.put.length >= 150);
    assert.ok(fixtures.put.filter((c) => c.accumulate).length >= 15, "accumulate");
    assert.ok(fixtures.put.filter((c) => "scalar" in c.value).length >= 10, "number values");
    assert.ok(fixtures.put.filter((c) => c.valueGrad !== null).length >= 80, "value gradients");
    assert.ok(fixtures.put.filter((c) => c.expr.some((i) => "list" in i || "tensor" in i)).length >= 60, "advanced writes");
  });
  test("array form", () => {
    for (const c of fixtures.put) replay(c, "array");
  });
  test("string form", () => {
    for (const c of fixtures.put) if (c.str !== null) replay(c, "string");
  });
  test("out of place (indexPut) leaves x alone and gives the same values and gradients", () => {
    for (const c of fixtures.put.slice(0, 60)) replay(c, "array", true);
  });
});

describe("writes and autograd around indexing", () => {
  test("a plain tensor written with a value that requires grad joins the graph", () => {
    const x = torch.zeros([3], { dtype: "float64" });
    const v = torch.tensor([2, 3], { dtype: "float64", requiresGrad: true });
    x.indexPut_([[0, 2]], v);
    assert.equal(x.requiresGrad, true);
    assert.deepEqual(x.tolist(), [2, 0, 3]);
    x.mul(torch.tensor([10, 20, 30], { dtype: "float64" })).sum().backward();
    assert.deepEqual(v.grad!.tolist(), [10, 30]);
  });
  test("an in-place op on a basic index result writes the base and rebases its history (CopySlices)", () => {
    const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float64", requiresGrad: true });
    const h = x.mul(1);
    const row = h.index("1");
    row.mul_(5);
    assert.deepEqual(h.tolist(), [[1, 2], [15, 20]]);
    assert.equal(h.gradFn!.name, "CopySlices");
    h.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[1, 1], [5, 5]]);
  });
  test("a view taken by index before a write sees it; a copy does not", () => {
    const h = torch.arange(6).reshape(2, 3);
    const view = h.index([torch.Slice(), 1]);
    const copy = h.index([torch.Slice(), [1]]);
    h.indexPut_("..., 1", 9);
    assert.deepEqual(view.tolist(), [9, 9]);
    assert.deepEqual(copy.tolist(), [[1], [4]]);
  });
  test("a backward that saved an indexed tensor refuses to run after it is written", () => {
    const x = torch.tensor([1, 2, 3], { dtype: "float64", requiresGrad: true });
    const h = x.mul(1);
    const y = h.index([[0, 1]]).exp();
    y.indexPut_([0], 0);
    assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
  });
  test("noGrad writes are not recorded", () => {
    const x = torch.ones([2, 2], { requiresGrad: true });
    torch.noGrad(() => x.indexPut_([0, 0], 5));
    assert.equal(x.isLeaf, true);
    assert.equal(x.get(0, 0), 5);
  });
});
