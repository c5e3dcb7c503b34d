/** clipGradNorm_ / clipGradValue_ beyond the PyTorch fixture values (see fixtures.test.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as torch from "../../src/index.ts";
import { ArgumentError } from "../../src/errors.ts";
import { clipGradNorm_, clipGradValue_ } from "../../src/nn/utils/clip_grad.ts";

type Tensor = torch.Tensor;

function withGrad(grad: number[][] | number[]): Tensor {
  const g = torch.tensor(grad, { dtype: "float32" });
  const p = torch.zerosLike(g).requiresGrad_(true);
  p.grad = g;
  return p;
}

describe("clipGradNorm_", () => {
  it("scales all gradients jointly and returns the norm before clipping", () => {
    const a = withGrad([3, 0]);
    const b = withGrad([[0], [4]]);
    const total = clipGradNorm_([a, b], 1);
    assert.equal(total.item(), 5);
    assert.deepEqual([...total.shape], []);
    const coef = Math.fround(Math.fround(1 / Math.fround(5 + Math.fround(1e-6))) * 1);
    assert.deepEqual(a.grad!.tolist(), [Math.fround(3 * coef), 0]);
    assert.deepEqual(b.grad!.tolist(), [[0], [Math.fround(4 * coef)]]);
  });

  it("leaves small gradients alone and skips parameters without one", () => {
    const a = withGrad([0.3, 0.4]);
    const none = torch.zeros([2], { requiresGrad: true });
    assert.equal(clipGradNorm_([a, none], 10).item(), Math.fround(0.5));
    assert.deepEqual(a.grad!.tolist(), [Math.fround(0.3), Math.fround(0.4)]);
    assert.equal(none.grad, null);
    assert.equal(clipGradNorm_(none, 1).item(), 0); // no gradients at all: tensor(0.)
  });

  it("clips a non-contiguous gradient in place", () => {
    const p = torch.zeros([2, 3], { requiresGrad: true });
    p.grad = torch.tensor([[3, 0, 0], [4, 0, 0]], { dtype: "float32" }).t().contiguous().t();
    assert.equal(p.grad.isContiguous(), false);
    const g = p.grad;
    clipGradNorm_(p, 0.5, 2);
    assert.equal(p.grad, g);
    assert.ok(Math.abs(g.get(1, 0) - 0.4) < 1e-6);
  });

  it("errorIfNonfinite throws on a NaN or infinite norm; otherwise NaN propagates as in PyTorch", () => {
    const a = withGrad([Infinity, 1]);
    assert.throws(() => clipGradNorm_(a, 1, 2, { errorIfNonfinite: true }), (e: unknown) => {
      assert.ok(e instanceof ArgumentError);
      assert.match(e.message, /^The total norm of order 2\.0 for gradients from `parameters` is non-finite/);
      return true;
    });
    assert.deepEqual(a.grad!.tolist(), [Infinity, 1]); // unchanged
    const b = withGrad([NaN, 1]);
    assert.ok(Number.isNaN(clipGradNorm_(b, 1).item()));
    assert.ok([...b.grad!.toTypedArray()].every((v) => Number.isNaN(v)));
  });
});

describe("clipGradValue_", () => {
  it("clamps every gradient element into [-c, c]", () => {
    const a = withGrad([-3, 0.5, 2, NaN]);
    const b = withGrad([[0.1], [-0.2]]);
    clipGradValue_([a, b], 1);
    assert.deepEqual([...a.grad!.toTypedArray()].slice(0, 3), [-1, 0.5, 1]);
    assert.ok(Number.isNaN(a.grad!.get(3)));
    assert.deepEqual(b.grad!.tolist(), [[Math.fround(0.1)], [Math.fround(-0.2)]]);
    const p = torch.zeros([2, 2], { requiresGrad: true });
    p.grad = torch.tensor([[5, -5], [0, 1]], { dtype: "float32" }).t();
    clipGradValue_(p, 2);
    assert.deepEqual(p.grad.tolist(), [[2, 0], [-2, 1]]);
  });
});
