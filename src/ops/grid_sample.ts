import type { GridSampleGeometry } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { scalarTypeName } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { denseData, freshOutput, zeroedOutput } from "./util.ts";

/**
 * `F.grid_sample` on 4-D input: output[n, c, h, w] is input[n, c] read at the point grid[n, h, w] = (x, y),
 * where -1 and 1 are the outer edges of the corner pixels (their centres with alignCorners). The sampling
 * and both gradients are backend kernels (src/backend/js/grid_sample.ts); the gradient is a kernel too,
 * so, as in PyTorch 1.13, it cannot be differentiated again.
 *
 *     const grid = F.affineGrid(theta, x.shape, { alignCorners: false });
 *     const y = F.gridSample(x, grid, { mode: "bilinear", paddingMode: "zeros", alignCorners: false });
 */

export type GridSampleMode = GridSampleGeometry["mode"];
export type GridSamplePadding = GridSampleGeometry["padding"];

export interface GridSampleOptions {
  /** How a point between pixels is read: the 4 nearest pixels, the nearest one, or 16 (cubic, A = -0.75). */
  mode?: GridSampleMode;
  /** What lies outside the input: zeros, the border pixels repeated, or the input mirrored at its edges. */
  paddingMode?: GridSamplePadding;
  /** -1 and 1 name the centres of the corner pixels rather than their outer edges; default false. */
  alignCorners?: boolean | null;
}

const OPTIONS = { mode: "string", paddingMode: "string", alignCorners: "boolean?" } as const;
// Its backward is a kernel: under createGraph the autograd guard (autograd/higher_order.ts) makes its gradients refuse a second derivative.
const GRAD_NODE = "GridSampler2DBackward0";

function checkInputs(input: Tensor, grid: Tensor, mode: GridSampleMode): void {
  const shapes = `input with sizes ${fmtShape(input.shape)} and grid with sizes ${fmtShape(grid.shape)}`;
  if (input.shape[0] !== grid.shape[0]) throw new ShapeError(`grid_sampler(): expected grid and input to have same batch size, but got ${shapes}`);
  const dims = input.ndim - 2;
  if (grid.shape[grid.ndim - 1] !== dims) {
    throw new ShapeError(`grid_sampler(): expected grid to have size ${dims} in last dimension, but got grid with sizes ${fmtShape(grid.shape)}`);
  }
  for (let d = 2; d < input.ndim; d++) {
    if (input.shape[d] === 0) {
      throw new ShapeError(`grid_sampler(): expected input to have non-empty spatial dimensions, but input has sizes ${fmtShape(input.shape)} with dimension ${d} being empty`);
    }
  }
  if (input.ndim === 5 || grid.ndim === 5) {
    if (mode === "bicubic") throw new ArgumentError("grid_sampler(): bicubic interpolation only supports 4D input");
    throw new ArgumentError("grid_sample: 5-D (volumetric) input is not supported by kindling yet; only 4-D input [N, C, H, W]");
  }
  if (input.ndim !== 4 || grid.ndim !== 4) {
    throw new ShapeError(`grid_sampler(): expected 4D input and grid with same number of dimensions, but got ${shapes}`);
  }
  if (input.dtype !== grid.dtype) {
    throw new DTypeError(`grid_sampler(): expected input and grid to have same dtype, but input has ${input.dtype} and grid has ${grid.dtype}`);
  }
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new DTypeError(`grid_sampler_2d_cpu not implemented for ${scalarTypeName(input.dtype)}`);
}

/** Samples input [N, C, H, W] at the points of grid [N, oH, oW, 2]; the result is [N, C, oH, oW]. */
export function gridSample(input: Tensor, grid: Tensor, opts: GridSampleOptions = {}): Tensor {
  checkOptions("F.gridSample()", opts, OPTIONS, { index: 3, positional: "mode" });
  Tensor.check(input, "input");
  Tensor.check(grid, "grid");
  const mode = opts.mode ?? "bilinear";
  const padding = opts.paddingMode ?? "zeros";
  if (mode !== "bilinear" && mode !== "nearest" && mode !== "bicubic") {
    throw new ArgumentError(`nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but got: '${String(mode)}'`);
  }
  if (padding !== "zeros" && padding !== "border" && padding !== "reflection") {
    throw new ArgumentError(`nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or 'reflection', but got: '${String(padding)}'`);
  }
  checkInputs(input, grid, mode);
  const [N, C, H, W] = input.shape as [number, number, number, number];
  const [, oH, oW] = grid.shape as [number, number, number];
  const geo: GridSampleGeometry = { N, C, H, W, oH, oW, mode, padding, alignCorners: opts.alignCorners ?? false, single: input.dtype === "float32" };
  type F = Float32Array | Float64Array;
  const x = denseData(input) as F;
  const g = denseData(grid) as F;
  const out = freshOutput([N, C, oH, oW], input.dtype);
  backend().gridSample2d(x, g, geo, out.storage as F);
  return record(out, GRAD_NODE, [input, grid], (gOut, needs) => {
    const gInput = needs[0] ? zeroedOutput(input.shape, input.dtype) : null;
    const gGrid = freshOutput(grid.shape, grid.dtype);
    backend().gridSample2dBackward(denseData(gOut) as F, x, g, geo, (gInput?.storage as F | undefined) ?? null, gGrid.storage as F);
    return [gInput, needs[1] ? gGrid : null];
  });
}
