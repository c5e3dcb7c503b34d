import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

// PyTorch 1.13: torch.linalg.vector_norm(x, 1, dim=1) etc. on x = [[1, -2, 3], [4, 5, -6]].
const x = () => torch.tensor([[1, -2, 3], [4, 5, -6]], { dtype: "float32" });

test("linalg norms take PyTorch's keyword arguments in a trailing options object", () => {
  assert.deepEqual(torch.linalg.vectorNorm(x(), 1, { dim: 1 }).tolist(), [6, 15]);
  assert.deepEqual(torch.linalg.vectorNorm(x(), { ord: 1, dim: 1, keepdim: true }).tolist(), [[6], [15]]);
  assert.deepEqual(torch.linalg.vectorNorm(x(), Infinity, { dim: [0] }).tolist(), [4, 5, 6]);
  assert.ok(Math.abs(torch.linalg.vectorNorm(x(), { dtype: "float64" }).item() - 9.539392014169456) < 1e-12);
  assert.equal(torch.linalg.matrixNorm(x(), { ord: 1 }).item(), 9);
  assert.equal(torch.linalg.matrixNorm(x(), Infinity, { keepdim: true }).shape.length, 2);
});

test("a parameter given twice, a wrong type or an unknown keyword is an ArgumentError naming it", () => {
  assert.throws(() => torch.linalg.vectorNorm(x(), 1, { ord: 2 }), { name: "ArgumentError", message: "linalg.vector_norm(): got multiple values for argument 'ord'" });
  assert.throws(() => torch.linalg.vectorNorm(x(), "a" as never), /argument 2 \(ord\) must be a number, got string "a"/);
  assert.throws(() => torch.linalg.vectorNorm(x(), { dimm: 1 } as never), /unknown option 'dimm' \(did you mean 'dim'\?\)/);
  assert.throws(() => torch.linalg.matrixNorm(x(), { keepdim: 1 } as never), /option 'keepdim' must be a boolean/);
  assert.throws(() => torch.linalg.vectorNorm(x(), {}, 2 as never), /positional arguments cannot follow the options object/);
});
