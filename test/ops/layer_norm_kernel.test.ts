/**
 * F.layerNorm as the fused kernels (Backend.layerNorm / layerNormBackward) against the same function
 * written with ops in float64, on whichever backend the runner selects (an op suite): values and the
 * input, weight and bias gradients, with and without affine, non-contiguous inputs, an empty batch,
 * and gradcheck.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";

const F = torch.nn.F;

/** The definition, in float64 ops: (x - mean) / sqrt(var + eps) * w + b over the trailing dims. */
function reference(x: torch.Tensor, dims: number[], w: torch.Tensor | null, b: torch.Tensor | null, eps: number): torch.Tensor {
  const mu = torch.mean(x, dims, true);
  const xc = torch.sub(x, mu);
  const v = torch.mean(torch.square(xc), dims, true);
  let y = torch.div(xc, torch.sqrt(torch.add(v, eps)));
  if (w) y = torch.mul(y, w);
  if (b) y = torch.add(y, b);
  return y;
}

function close(a: torch.Tensor, b: torch.Tensor, tol: number, what: string): void {
  assert.deepEqual(a.shape, b.shape, what);
  const x = a.toTypedArray(), y = b.toTypedArray();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
}

describe("fused layer norm", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const affine of [true, false]) {
      test(`${dtype}${affine ? "" : " without affine"}: values and gradients vs the float64 definition`, () => {
        torch.manualSeed(2);
        const x0 = torch.add(torch.mul(torch.randn([6, 5, 33], { dtype: "float64" }), 3), 1.5);
        const w0 = torch.randn([5, 33], { dtype: "float64" });
        const b0 = torch.randn([5, 33], { dtype: "float64" });
        const g0 = torch.randn([6, 5, 33], { dtype: "float64" });
        const leaf = (t: torch.Tensor, dt: "float32" | "float64") => t.to(dt).detach().requiresGrad_(true);
        const [x, w, b] = [leaf(x0, dtype), affine ? leaf(w0, dtype) : null, affine ? leaf(b0, dtype) : null];
        const y = F.layerNorm(x, [5, 33], w, b, 1e-5);
        y.backward(g0.to(dtype));
        const [xr, wr, br] = [leaf(x0, "float64"), affine ? leaf(w0, "float64") : null, affine ? leaf(b0, "float64") : null];
        const yr = reference(xr, [1, 2], wr, br, 1e-5);
        yr.backward(g0);
        const tol = dtype === "float32" ? 2e-5 : 1e-10;
        close(y.to("float64"), yr, tol, "out");
        close(x.grad!.to("float64"), xr.grad!, tol, "grad x");
        if (affine) {
          close(w!.grad!.to("float64"), wr!.grad!, tol, "grad w");
          close(b!.grad!.to("float64"), br!.grad!, tol, "grad b");
        }
        assert.equal(y.gradFn?.name, "NativeLayerNormBackward0");
      });
    }
  }

  test("non-contiguous input, constant rows (var 0), empty batch", () => {
    const x = torch.tensor([[1, 2, 3], [4, 4, 4], [0, -1e3, 1e3], [7, 8, 9]], { dtype: "float32" });
    const xt = torch.tensor([[1, 4, 0, 7], [2, 4, -1e3, 8], [3, 4, 1e3, 9]], { dtype: "float32" }).t();
    close(F.layerNorm(xt, 3), reference(x.to("float64"), [1], null, null, 1e-5).to("float32"), 2e-6, "transposed");
    const e = F.layerNorm(torch.zeros([0, 4], { requiresGrad: true }), 4);
    assert.deepEqual(e.shape, [0, 4]);
    e.sum().backward();
  });

  test("gradcheck (float64)", () => {
    torch.manualSeed(4);
    const x = torch.randn([3, 7], { dtype: "float64", requiresGrad: true });
    const w = torch.randn([7], { dtype: "float64", requiresGrad: true });
    const b = torch.randn([7], { dtype: "float64", requiresGrad: true });
    assert.ok(torch.autograd.gradcheck((a, c, d) => F.layerNorm(a, 7, c, d), [x, w, b]));
  });
});
