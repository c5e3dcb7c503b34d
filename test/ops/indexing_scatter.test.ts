/**
 * scatter, scatterAdd (and their in-place forms), nonzero, maskedSelect and take against PyTorch 1.13
 * (test/fixtures/indexing_ops.json, scripts/fixtures/gen_indexing_ops.py): values, gradients of sum(out * w) for x and src, and errors.
 * Rerun on every backend by scripts/run-tests.mjs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type ArgJson, type OpCase, checkTensor, expectError, fromJson, opFixtures as fixtures } from "./indexing_fixture.ts";

type Tensor = torch.Tensor;

function arg(a: ArgJson): Tensor | number | boolean {
  return typeof a === "object" ? fromJson(a, a.requiresGrad) : a;
}

function call(c: OpCase, x: Tensor, a: Record<string, Tensor | number | boolean>): Tensor | Tensor[] {
  const src = (a["src"] ?? a["value"]) as Tensor | number;
  const [dim, index] = [a["dim"] as number, a["index"] as Tensor];
  switch (c.op) {
    case "scatter":
      return x.scatter(dim, index, src);
    case "scatterAdd":
      return x.scatterAdd(dim, index, src as Tensor);
    case "scatter_":
      return x.mul(1).scatter_(dim, index, src);
    case "scatterAdd_":
      return x.mul(1).scatterAdd_(dim, index, src as Tensor);
    case "nonzero":
      return a["asTuple"] ? x.nonzero({ asTuple: true }) : x.nonzero();
    case "maskedSelect":
      // The one permuted case reads x and its mask through .t(), as the generator did.
      return c.name === "masked_select_permuted" ? x.t().maskedSelect((a["mask"] as Tensor).t()) : x.maskedSelect(a["mask"] as Tensor);
    case "take":
      return x.take(index);
  }
}

function replay(c: OpCase): void {
  const x = fromJson(c.x, c.x.requiresGrad);
  const a = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, arg(v)]));
  if (c.error) {
    expectError(() => call(c, x, a), c.error.class, c.error.message, c.name);
    return;
  }
  const out = call(c, x, a);
  if (Array.isArray(c.out)) {
    assert.ok(Array.isArray(out), `${c.name}: a list of tensors`);
    assert.equal(out.length, c.out.length, `${c.name}: tensors`);
    c.out.forEach((t, i) => checkTensor(out[i], t, `${c.name}: output ${i}`));
    return;
  }
  checkTensor(out as Tensor, c.out!, `${c.name}: value`);
  if (c.w === null) return;
  (out as Tensor).mul(fromJson(c.w)).sum().backward();
  const named: Record<string, Tensor> = { x, ...(Object.fromEntries(Object.entries(a).filter(([, v]) => v instanceof torch.Tensor)) as Record<string, Tensor>) };
  for (const [k, g] of Object.entries(c.grads)) checkTensor(named[k]!.grad ?? torch.zerosLike(named[k]!), g, `${c.name}: gradient of ${k}`);
}

describe(`scatter, nonzero, maskedSelect, take: ${fixtures.ops.length} cases against PyTorch ${fixtures.torch}`, () => {
  for (const op of ["scatter", "scatterAdd", "scatter_", "scatterAdd_", "nonzero", "maskedSelect", "take"]) {
    test(op, () => {
      const cases = fixtures.ops.filter((c) => c.op === op);
      assert.ok(cases.length >= 4, `${op}: ${cases.length} cases`);
      for (const c of cases) replay(c);
    });
  }
});

describe("scatter and friends: the torch.* functions and in-place behaviour", () => {
  test("torch.scatter / scatterAdd / take / maskedSelect / nonzero match the methods", () => {
    const x = torch.zeros([2, 3]);
    const index = torch.tensor([[2, 0], [1, 1]]);
    const src = torch.tensor([[1.5, 2.5], [3.5, 4.5]]);
    assert.deepEqual(torch.scatter(x, 1, index, src).tolist(), [[2.5, 0, 1.5], [0, 4.5, 0]]);
    assert.deepEqual(torch.scatterAdd(x, 1, index, src).tolist(), [[2.5, 0, 1.5], [0, 8, 0]]);
    assert.deepEqual(torch.take(src, torch.tensor([3, -4])).tolist(), [4.5, 1.5]);
    assert.deepEqual(torch.maskedSelect(src, torch.tensor([true, false])).tolist(), [1.5, 3.5]);
    assert.deepEqual(torch.nonzero(torch.tensor([0, 3, 0, 1])).tolist(), [[1], [3]]);
    assert.deepEqual(torch.indexPut(x, [0, [0, 2]], 5).tolist(), [[5, 0, 5], [0, 0, 0]]);
  });
  test("scatter_ writes in place, bumps the version and returns x; a leaf requiring grad is refused", () => {
    const x = torch.zeros([4, 3]);
    assert.equal(x.scatter_(1, torch.tensor([[0], [2], [1], [2]]), 1), x);
    assert.equal(x.version, 1);
    assert.deepEqual(x.sum(1).tolist(), [1, 1, 1, 1]);
    const leaf = torch.zeros([2], { requiresGrad: true });
    assert.throws(() => leaf.scatter_(0, torch.tensor([0]), 1), /a leaf Variable that requires grad is being used in an in-place operation/);
  });
  test("argument errors are typed", () => {
    const x = torch.zeros([2, 3]);
    assert.throws(() => x.scatter(1, torch.tensor([[0]]), "1" as never), torch.ArgumentError);
    assert.throws(() => x.scatterAdd(1, torch.tensor([[0]]), 1 as never), /must be a Tensor, got number 1/);
    assert.throws(() => x.scatter(1.5, torch.tensor([[0]]), 1), torch.ArgumentError);
    assert.throws(() => x.nonzero({ as_tuple: true } as never), /did you mean 'asTuple'/);
    assert.throws(() => x.take([0] as never), torch.ArgumentError);
  });
});
