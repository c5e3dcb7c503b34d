/**
 * x.index(expr) against PyTorch 1.13's x[expr] on the generated expressions of
 * test/fixtures/indexing.json (scripts/fixtures/gen_indexing.py): values, shapes and dtypes, view or
 * copy (checked by writing through the result), and the gradient of sum(result * w), in the array form
 * and, where the expression has one, the string form. Rerun on every backend by scripts/run-tests.mjs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { checkTensor, fixtures, fromJson, items, makeX, type GetCase } from "./indexing_fixture.ts";

const floating = (dtype: string) => dtype === "float32" || dtype === "float64";

function replay(c: GetCase, form: "array" | "string"): void {
  const where = `${c.name} (${form} form)`;
  const expr = form === "array" ? items(c.expr) : c.str!;
  const grad = floating(c.x.dtype);
  const { base, x } = makeX(c.x, grad);
  const r = x.index(expr);
  checkTensor(r, c.out, `${where}: value`);
  assert.equal(r.storage === x.storage, c.view, `${where}: shares x's storage (PyTorch's _is_view: ${c.view})`);
  if (grad) {
    r.mul(fromJson(c.w!)).sum().backward();
    checkTensor(base.grad ?? torch.zerosLike(base), c.grad!, `${where}: gradient`);
  }
  // A view writes through to x; a copy leaves x alone.
  const plain = makeX(c.x, false).x;
  const before = plain.clone();
  const result = plain.index(expr);
  torch.noGrad(() => result.add_(7));
  const again = plain.index(expr).sub(7);
  if (c.view) checkTensor(again, c.out, `${where}: x seen through the view after writing 7 into it`);
  else assert.deepEqual(plain.toTypedArray(), before.toTypedArray(), `${where}: writing into a copy changed x`);
}

describe(`x.index(expr): ${fixtures.get.length} expressions against PyTorch ${fixtures.torch}`, () => {
  test("the fixtures cover the acceptance's mix", () => {
    const kinds = new Set(fixtures.get.flatMap((c) => c.expr.map((i) => Object.keys(i)[0])));
    for (const k of ["int", "slice", "none", "ellipsis", "bool", "list", "tensor"]) assert.ok(kinds.has(k), k);
    assert.ok(fixtures.get.length >= 300);
    assert.ok(fixtures.get.filter((c) => c.view).length >= 60, "views");
    assert.ok(fixtures.get.filter((c) => !c.view).length >= 60, "copies");
    assert.ok(fixtures.get.filter((c) => c.x.perm !== null).length >= 50, "non-contiguous inputs");
    assert.ok(fixtures.get.filter((c) => c.str !== null).length >= 80, "string forms");
  });
  test("array form", () => {
    for (const c of fixtures.get) replay(c, "array");
  });
  test("string form", () => {
    for (const c of fixtures.get) if (c.str !== null) replay(c, "string");
  });
});
