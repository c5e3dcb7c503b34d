import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

/** The fused linear op against the composition it replaces, and its float64 gradients. */

test("linear equals x @ W^T + b, forward and backward, for 2-D and 3-D inputs", () => {
  torch.manualSeed(5);
  for (const shape of [[7, 5], [2, 3, 5]]) {
    const x = torch.randn(shape, { requiresGrad: true });
    const w = torch.randn([4, 5], { requiresGrad: true });
    const b = torch.randn([4], { requiresGrad: true });
    const g = torch.randn([...shape.slice(0, -1), 4]);
    const y = torch.nn.functional.linear(x, w, b);
    y.backward(g);
    const [gx, gw, gb] = [x.grad!, w.grad!, b.grad!].map((t) => t.toTypedArray());
    x.grad = w.grad = b.grad = null;
    const ref = x.matmul(w.t()).add(b);
    ref.backward(g);
    const close = (a: ArrayLike<number>, e: ArrayLike<number>) => {
      for (let i = 0; i < e.length; i++) assert.ok(Math.abs(a[i]! - e[i]!) <= 1e-5 * (1 + Math.abs(e[i]!)), `${a[i]} vs ${e[i]}`);
    };
    close(y.toTypedArray(), ref.toTypedArray());
    close(gx, x.grad!.toTypedArray());
    close(gw, w.grad!.toTypedArray());
    close(gb, b.grad!.toTypedArray());
  }
});

test("linear passes gradcheck in float64, with and without bias", () => {
  const opts = { dtype: "float64" as const, requiresGrad: true };
  const x = torch.randn([3, 4], opts);
  const w = torch.randn([2, 4], opts);
  const b = torch.randn([2], opts);
  assert.equal(torch.autograd.gradcheck((a, c, d) => torch.nn.functional.linear(a!, c!, d!), [x, w, b]), true);
  assert.equal(torch.autograd.gradcheck((a, c) => torch.nn.functional.linear(a!, c!), [x, w]), true);
});

test("linear names the shapes that do not fit", () => {
  const x = torch.zeros(32, 784);
  const w = torch.zeros(10, 100);
  assert.throws(() => torch.nn.functional.linear(x, w), { name: "ShapeError", message: "mat1 and mat2 shapes cannot be multiplied (32x784 and 100x10)" });
});
