/**
 * pow with the exponents PyTorch computes as products or reciprocals (2, 3, -1, -2; 1 as a copy): the
 * same special values as C's pow (signed zeros, infinities, NaN), PyTorch's double rounding of x * x * x,
 * a fresh result for x^1, and the gradient through them. Runs on every backend.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import * as torch from "../../src/index.ts";

const SPECIAL = [0, -0, 1.5, -2, 3, Infinity, -Infinity, NaN, 1e-30, -7.25];

function values(t: torch.Tensor): number[] {
  return Array.from(t.contiguous().storage as Float32Array).slice(t.offset, t.offset + t.numel());
}

for (const e of [1, 2, 3, -1, -2]) {
  test(`pow(x, ${e}) gives C's pow on the special values, in float32 and float64`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = torch.tensor(SPECIAL, { dtype });
      const got = values(x.pow(e));
      const f = dtype === "float32" ? Math.fround : (v: number) => v;
      SPECIAL.forEach((v, i) => {
        const xv = f(v);
        // x * x * x rounds after each product, as PyTorch's kernel does.
        const want = e === 3 ? f(f(xv * xv) * xv) : e === -2 ? f(1 / f(xv * xv)) : f(Math.pow(xv, e));
        assert.ok(Object.is(got[i], want), `${dtype} ${v}^${e}: ${got[i]} vs ${want}`);
      });
    }
  });
}

test("pow(x, 1) is a new tensor, and the gradients of x^2 and x^3 are 2x and 3x^2", () => {
  const x = torch.tensor([0.5, -1.25, 3], { requiresGrad: true });
  const y = x.pow(1);
  assert.notEqual(y.storage, x.storage);
  x.pow(2).sum().backward();
  assert.deepEqual(values(x.grad!), [1, -2.5, 6]);
  x.grad = null;
  x.pow(3).sum().backward();
  assert.deepEqual(values(x.grad!), [0.75, 4.6875, 27]);
  assert.equal(x.pow(2).gradFn!.name, "PowBackward0");
});

test("a non-contiguous base and a float64 base with a float32 result type", () => {
  const x = torch.arange(12, { dtype: "float32" }).reshape([3, 4]).t();
  assert.deepEqual(values(x.pow(2)), values(x.contiguous()).map((v) => v * v));
  const i = torch.tensor([2, 3], { dtype: "int32" });
  assert.deepEqual(Array.from(i.pow(2).storage), [4, 9]);
  assert.equal(i.pow(2).dtype, "int32");
});

test("0-d and size-0 bases keep their shape through every fast exponent", () => {
  for (const e of [1, 2, 3, -1, -2]) {
    const z = torch.tensor(3, { dtype: "float64" }).pow(e);
    assert.deepEqual(z.shape, []);
    assert.equal(z.item(), Math.pow(3, e));
    assert.deepEqual(torch.zeros([0, 3]).pow(e).shape, [0, 3]);
  }
});
