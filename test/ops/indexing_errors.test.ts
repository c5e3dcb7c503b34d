/**
 * Indexing errors: PyTorch 1.13's own (class and message, from test/fixtures/indexing.json) in the
 * array and string forms, and kindling's for what only its API can get wrong (the string form's
 * tokens, torch.Slice's arguments), plus the placement NumPy gives a 2-d mask
 * followed by a basic item, where PyTorch 1.13 misplaces the item.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type ErrorCase, expectError, fixtures, items, makeValue, makeX } from "./indexing_fixture.ts";

function run(c: ErrorCase, form: "array" | "string"): void {
  const { x } = makeX(c.x, c.x.requiresGrad === true);
  const expr = form === "array" ? items(c.expr) : c.str!;
  const call = c.op === "get" ? () => x.index(expr) : () => x.indexPut_(expr, makeValue(c.value!));
  expectError(call, c.class, c.message, `${c.name} (${form} form)`);
}

describe(`indexing errors: ${fixtures.errors.length} of PyTorch ${fixtures.torch}'s`, () => {
  test("array form", () => {
    for (const c of fixtures.errors) run(c, "array");
  });
  test("string form", () => {
    const withString = fixtures.errors.filter((c) => c.str !== null);
    assert.ok(withString.length >= 8);
    for (const c of withString) run(c, "string");
  });
  test("a failed write leaves x and its version as they were", () => {
    const x = torch.arange(12).reshape(3, 4).double();
    assert.throws(() => x.indexPut_([[0, 1]], torch.ones([3], { dtype: "float64" })), torch.ShapeError);
    assert.throws(() => x.indexPut_([torch.Slice(), [4]], 1), /index 4 is out of bounds for dimension 0 with size 4/);
    assert.equal(x.version, 0);
    assert.deepEqual(x.tolist(), torch.arange(12).reshape(3, 4).double().tolist());
  });
});

describe("kindling's own argument errors", () => {
  const x = torch.arange(24).reshape(2, 3, 4);
  test("the string form names a token it does not take", () => {
    assert.throws(() => x.index("0, mask"), (e: Error) => e instanceof torch.ArgumentError && /unsupported token "mask" in the index string "0, mask"/.test(e.message));
    assert.throws(() => x.index("[0, 1]"), /unsupported token "\[0"/);
    assert.throws(() => x.index("1:2:3:4"), /unsupported token "1:2:3:4"/);
    assert.throws(() => x.index("0,,1"), /unsupported token ""/);
    assert.throws(() => x.index("True"), /unsupported token "True"/);
    assert.throws(() => x.index("1.5"), /unsupported token "1.5"/);
    assert.throws(() => x.indexPut_("a:b", 1), /unsupported token "a:b"/);
  });
  test("the string form's spellings: spaces, open ends, a trailing comma, the empty string", () => {
    assert.deepEqual(x.index(" 1 , -1: , ::2 ").tolist(), x.index([1, torch.Slice(-1), torch.Slice(null, null, 2)]).tolist());
    assert.deepEqual(x.index("1,").tolist(), x.index([1]).tolist());
    assert.deepEqual(x.index("").shape, [2, 3, 4]);
    assert.deepEqual(x.index("+1, -0").tolist(), x.index([1, 0]).tolist());
  });
  test("indices must be an array or a string", () => {
    for (const bad of [1, null, undefined, true, { 0: 1 }, torch.tensor([0])]) {
      assert.throws(() => x.index(bad as never), torch.ArgumentError, String(bad));
      assert.throws(() => x.indexPut_(bad as never, 1), torch.ArgumentError, String(bad));
    }
  });
  test("items that are no index", () => {
    for (const bad of ["1", undefined, {}, () => 1, 1.5, NaN, Infinity]) {
      assert.throws(() => x.index([bad as never]), (e: Error) => e instanceof torch.IndexError && /are valid indices \(got /.test(e.message), String(bad));
    }
    assert.throws(() => x.index([[0, 0.5]]), /tensors used as indices must be long, byte or bool tensors/);
    assert.throws(() => x.index([[0, "a"] as never]), torch.IndexError);
    assert.throws(() => x.index([[[0, 1], [1]]]), torch.ArgumentError);
  });
  test("torch.Slice checks its arguments; Slice(1) is 1: as in LibTorch", () => {
    assert.throws(() => torch.Slice(0.5), /torch.Slice\(\): argument 1 \(start\) must be an int or null/);
    assert.throws(() => torch.Slice(0, "2" as never), torch.ArgumentError);
    assert.throws(() => (torch.Slice as (...a: unknown[]) => unknown)(0, 1, 1, 1), /takes at most 3 arguments/);
    assert.deepEqual(x.index([torch.Slice(1)]).shape, [1, 3, 4]);
    assert.equal(String(torch.Slice(null, -1, 2)), ":-1:2");
  });
  test("indexPut_ checks its value and options", () => {
    assert.throws(() => x.indexPut_([0], "1" as never), /argument 2 \(value\) must be a Tensor, a number or a boolean/);
    assert.throws(() => x.indexPut_([0], 1, { accumulat: true } as never), /unknown option 'accumulat' \(did you mean 'accumulate'\?\)/);
    assert.throws(() => x.indexPut_([0], 1, true as never), /pass \{ accumulate: true \}/);
  });
});

describe("a 2-d mask followed by basic items: NumPy's placement", () => {
  // PyTorch 1.13 advances one dim past a k-d mask (not k), so x[m, 0] applies the 0 to dim 1.
  const x = torch.arange(24).reshape(2, 3, 4);
  const m = torch.tensor([[true, false, true], [false, true, true]]);
  test("x[m, 0] picks element 0 of each selected row", () => {
    assert.deepEqual(x.index([m, 0]).tolist(), [0, 8, 16, 20]);
    assert.deepEqual(x.index([m, torch.Slice(1, 3)]).tolist(), [[1, 2], [9, 10], [17, 18], [21, 22]]);
    assert.deepEqual(x.index([m, null]).shape, [4, 1, 4]);
    assert.throws(() => x.index([m, 9]), /index 9 is out of bounds for dimension 1 with size 4/);
  });
  test("a write through it lands in the same places", () => {
    const h = x.clone();
    h.indexPut_([m, 0], -1);
    assert.deepEqual(h.index([m, 0]).tolist(), [-1, -1, -1, -1]);
    assert.equal(h.eq(-1).sum().item(), 4);
  });
});
