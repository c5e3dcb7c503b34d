/**
 * F.gridSample and F.affineGrid against PyTorch 1.13 (test/fixtures/grid_sample.json, written by
 * scripts/fixtures/gen_grid_sample.py): forward values and the gradients of sum(out * w) for every mode,
 * padding mode and alignCorners in float32 and float64, 5-D input (bilinear, nearest), NaN points,
 * non-contiguous and empty inputs; then
 * float64 finite-difference gradchecks and PyTorch's error messages.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, fromJson } from "../helpers/fixture.ts";

type Tensor = torch.Tensor;
const F = torch.nn.functional;

interface SampleCase {
  name: string;
  mode: "bilinear" | "nearest" | "bicubic";
  padding: "zeros" | "border" | "reflection";
  align: boolean;
  input: TensJson;
  grid: TensJson;
  out: TensJson;
  permuteInput?: number[];
  permuteGrid?: number[];
  w?: TensJson;
  gInput?: TensJson;
  gGrid?: TensJson;
}
interface AffineCase { name: string; size: number[]; align: boolean; theta: TensJson; grid: TensJson; w: TensJson; gTheta: TensJson }
interface StnCase { name: string; theta: TensJson; input: TensJson; out: TensJson; w: TensJson; gTheta: TensJson; gInput: TensJson; grid?: TensJson }

const fx = JSON.parse(readFileSync(new URL("../fixtures/grid_sample.json", import.meta.url), "utf8")) as {
  cases: SampleCase[];
  affine: AffineCase[];
  stn: StnCase[];
};

/**
 * NaN exactly where PyTorch has NaN; elsewhere a normwise relative error (max |diff| / max |expected|) within
 * a few float32 or float64 roundings, since the kernel may fuse a multiply-add that kindling rounds twice.
 */
function close(actual: Tensor | null, expected: TensJson, where: string): void {
  assert.ok(actual, `${where}: no tensor`);
  assert.deepEqual(actual.shape, expected.shape, `${where}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${where}: dtype`);
  const a = actual.toTypedArray();
  const b = expected.data.map(Number);
  let scale = 1e-3;
  for (const v of b) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  const tol = (expected.dtype === "float32" ? 4e-6 : 1e-13) * scale;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(b[i]!)) assert.ok(Number.isNaN(a[i]!), `${where}[${i}]: got ${a[i]}, expected NaN`);
    else assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${where}[${i}]: got ${a[i]}, expected ${b[i]} (tolerance ${tol})`);
  }
}

describe("F.gridSample against PyTorch 1.13", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const xLeaf = fromJson(c.input, true);
      const gLeaf = fromJson(c.grid, true);
      const x = c.permuteInput ? xLeaf.permute(c.permuteInput) : xLeaf;
      const g = c.permuteGrid ? gLeaf.permute(c.permuteGrid) : gLeaf;
      const out = F.gridSample(x, g, { mode: c.mode, paddingMode: c.padding, alignCorners: c.align });
      close(out, c.out, "out");
      if (!c.w) return;
      out.mul(fromJson(c.w)).sum().backward();
      close(xLeaf.grad, c.gInput!, "grad input");
      close(gLeaf.grad, c.gGrid!, "grad grid");
    });
  }
});

describe("F.affineGrid against PyTorch 1.13", () => {
  for (const c of fx.affine) {
    test(c.name, () => {
      const theta = fromJson(c.theta, true);
      const grid = F.affineGrid(theta, c.size, { alignCorners: c.align });
      close(grid, c.grid, "grid");
      grid.mul(fromJson(c.w)).sum().backward();
      close(theta.grad, c.gTheta, "grad theta");
    });
  }
  for (const c of fx.stn) {
    test(`${c.name}: affineGrid then gridSample`, () => {
      const theta = fromJson(c.theta, true);
      const x = fromJson(c.input, true);
      const grid = F.affineGrid(theta, x.shape, { alignCorners: false });
      // The identity's grid is the base grid itself: PyTorch's linspace values, bit for bit.
      if (c.grid) assert.deepEqual([...grid.toTypedArray()], c.grid.data, "grid bit for bit");
      const out = F.gridSample(x, grid, { alignCorners: false });
      close(out, c.out, "out");
      out.mul(fromJson(c.w)).sum().backward();
      close(theta.grad, c.gTheta, "grad theta");
      close(x.grad, c.gInput, "grad input");
    });
  }
});

describe("gridSample / affineGrid gradchecks (float64)", () => {
  const gc = (fn: (...t: Tensor[]) => Tensor, ...inputs: Tensor[]) => assert.ok(torch.autograd.gradcheck(fn, inputs));
  // Points whose coordinates stay off pixel centres and edges, where the samplers are smooth.
  const smoothGrid = (seed: number) => {
    torch.manualSeed(seed);
    return torch.rand([1, 2, 3, 2], { dtype: "float64" }).mul(2.4).sub(1.2).requiresGrad_(true);
  };
  const image = () => {
    torch.manualSeed(7);
    return torch.randn([1, 2, 3, 4], { dtype: "float64" }).requiresGrad_(true);
  };
  for (const mode of ["bilinear", "bicubic", "nearest"] as const) {
    for (const paddingMode of ["zeros", "border", "reflection"] as const) {
      test(`${mode} ${paddingMode}`, () => {
        for (const alignCorners of [false, true]) {
          if (mode === "nearest") gc((x) => F.gridSample(x, smoothGrid(3).detach(), { mode, paddingMode, alignCorners }), image());
          else gc((x, g) => F.gridSample(x, g, { mode, paddingMode, alignCorners }), image(), smoothGrid(3));
        }
      });
    }
  }
  for (const paddingMode of ["zeros", "border", "reflection"] as const) {
    test(`5-D bilinear and nearest ${paddingMode}`, () => {
      torch.manualSeed(8);
      const vol = torch.randn([1, 2, 2, 3, 3], { dtype: "float64" }).requiresGrad_(true);
      const grid = torch.rand([1, 2, 1, 2, 3], { dtype: "float64" }).mul(2.4).sub(1.2).requiresGrad_(true);
      for (const alignCorners of [false, true]) {
        gc((x, g) => F.gridSample(x, g, { paddingMode, alignCorners }), vol, grid);
        gc((x) => F.gridSample(x, grid.detach(), { mode: "nearest", paddingMode, alignCorners }), vol);
      }
    });
  }
  test("nearest: the grid's gradient is zero, as PyTorch's", () => {
    const g = smoothGrid(4);
    F.gridSample(image(), g, { mode: "nearest" }).sum().backward();
    assert.deepEqual([...g.grad!.toTypedArray()], new Array(12).fill(0));
  });
  test("affineGrid 2-D and 3-D", () => {
    torch.manualSeed(5);
    gc((t) => F.affineGrid(t, [2, 1, 3, 4], { alignCorners: false }), torch.randn([2, 2, 3], { dtype: "float64" }).requiresGrad_(true));
    gc((t) => F.affineGrid(t, [1, 1, 2, 3, 2], { alignCorners: true }), torch.randn([1, 3, 4], { dtype: "float64" }).requiresGrad_(true));
  });
  test("the gradient cannot be differentiated again (PyTorch 1.13 has no grid_sampler_2d_backward derivative)", () => {
    const g = smoothGrid(6);
    const out = F.gridSample(image(), g);
    const [gg] = torch.autograd.grad(out.sum(), [g], { createGraph: true });
    assert.throws(() => gg!.sum().backward(), /GridSampler2DBackward0/);
  });
});

describe("gridSample / affineGrid errors (PyTorch's messages)", () => {
  const x = torch.zeros([2, 3, 4, 5]);
  const g = torch.zeros([2, 6, 7, 2]);
  test("mode and paddingMode name the accepted values", () => {
    assert.throws(() => F.gridSample(x, g, { mode: "foo" as "nearest" }), {
      message: "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: 'foo'",
    });
    assert.throws(() => F.gridSample(x, g, { paddingMode: "foo" as "zeros" }), {
      message: "nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: 'foo'",
    });
    assert.throws(() => F.gridSample(x, g, { padding_mode: "border" } as never), /padding_mode/);
  });
  test("shapes", () => {
    assert.throws(() => F.gridSample(x, torch.zeros([1, 6, 7, 2])), {
      message: "grid_sampler(): expected grid and input to have same batch size, but got input with sizes [2, 3, 4, 5] and grid with sizes [1, 6, 7, 2]",
    });
    assert.throws(() => F.gridSample(x, torch.zeros([2, 6, 7, 3])), {
      message: "grid_sampler(): expected grid to have size 2 in last dimension, but got grid with sizes [2, 6, 7, 3]",
    });
    assert.throws(() => F.gridSample(x, torch.zeros([2, 6, 2])), {
      message: "grid_sampler(): expected 4D input and grid with same number of dimensions, but got input with sizes [2, 3, 4, 5] and grid with sizes [2, 6, 2]",
    });
    assert.throws(() => F.gridSample(torch.zeros([2, 3, 0, 5]), g), {
      message: "grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes [2, 3, 0, 5] with dimension 2 being empty",
    });
    assert.throws(() => F.gridSample(torch.zeros([2, 3, 4, 5, 6]), torch.zeros([2, 1, 6, 7, 3]), { mode: "bicubic" }), {
      message: "grid_sampler(): bicubic interpolation only supports 4D input",
    });
    assert.throws(() => F.gridSample(torch.zeros([1, 1, 2, 3, 4]), torch.zeros([1, 1, 1, 3])), {
      message: "grid_sampler(): expected 5D input and grid with same number of dimensions, but got input with sizes [1, 1, 2, 3, 4] and grid with sizes [1, 1, 1, 3]",
    });
    assert.equal(F.gridSample(torch.zeros([2, 0, 4, 5]), g).shape.join(), "2,0,6,7");
  });
  test("dtypes", () => {
    assert.throws(() => F.gridSample(x, g.double()), /expected input and grid to have same dtype, but input has float32 and grid has float64/);
    assert.throws(() => F.gridSample(x.long(), g.long()), { message: "grid_sampler_2d_cpu not implemented for Long" });
    assert.throws(() => F.gridSample(torch.zeros([1, 1, 2, 3, 4]).long(), torch.zeros([1, 1, 1, 1, 3]).long()), {
      message: "\"grid_sampler3d_cpu\" not implemented for 'Long'",
    });
  });
  test("affineGrid", () => {
    const th = torch.zeros([2, 2, 3]);
    assert.throws(() => F.affineGrid(th, [2, 3, 4]), {
      message: "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size [2, 3, 4].",
    });
    assert.throws(() => F.affineGrid(th, [2, 3, 4, 5, 6]), {
      message: "Expected a batch of 3D affine matrices of shape Nx3x4 for size [2, 3, 4, 5, 6]. Got torch.Size([2, 2, 3]).",
    });
    assert.throws(() => F.affineGrid(th.select(0, 0), [2, 3, 4, 5]), {
      message: "Expected a batch of 2D affine matrices of shape Nx2x3 for size [2, 3, 4, 5]. Got torch.Size([2, 3]).",
    });
    assert.throws(() => F.affineGrid(th.long(), [2, 3, 4, 5]), { message: "Expected theta to have floating point type, but got torch.int64" });
    assert.throws(() => F.affineGrid(th, [2, 3, 0, 5]), { message: "Expected non-zero, positive output size. Got [2, 3, 0, 5]" });
    assert.throws(() => F.affineGrid(th, [3, 3, 4, 5]), { message: "Expected size for first two dimensions of batch2 tensor to be: [3, 3] but got: [2, 3]." });
    assert.throws(() => F.affineGrid(th, [2, 3, 4, 5], { align_corners: true } as never), /align_corners/);
  });
});
