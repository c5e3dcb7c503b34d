import type { GridSample3dGeometry, GridSampleGeometry } from "../backend/backend.ts";
// Plain JS on every backend, imported here rather than registered as backend kernels so that only pages
// that sample grids carry them.
import { gridSample2d, gridSample2dBackward } from "../backend/js/grid_sample.ts";
import { gridSample3d, gridSample3dBackward } from "../backend/js/grid_sample_3d.ts";
import { record } from "../autograd/record.ts";
import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { scalarTypeName } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { denseData, freshOutput, zeroedOutput } from "./util.ts";

/**
 * `F.grid_sample`: output[n, c, h, w] is input[n, c] read at the point grid[n, h, w] = (x, y), where -1 and 1
 * are the outer edges of the corner pixels (their centres with alignCorners); for 5-D input,
 * output[n, c, d, h, w] reads input[n, c] at grid[n, d, h, w] = (x, y, z) (bilinear meaning trilinear, or
 * nearest). The sampling and both gradients are backend kernels (src/backend/js/grid_sample.ts, and
 * grid_sample_3d.ts, which follows PyTorch's separate 3-D kernel with its own rounding and NaN rules); as
 * in PyTorch 1.13, the gradient cannot be differentiated again.
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
  const volume = input.ndim === 5;
  if (volume && mode === "bicubic") throw new ArgumentError("grid_sampler(): bicubic interpolation only supports 4D input");
  const rank = volume ? 5 : 4;
  if (input.ndim !== rank || grid.ndim !== rank) {
    throw new ShapeError(`grid_sampler(): expected ${rank}D input and grid with same number of dimensions, but got ${shapes}`);
  }
  if (input.dtype !== grid.dtype) {
    throw new DTypeError(`grid_sampler(): expected input and grid to have same dtype, but input has ${input.dtype} and grid has ${grid.dtype}`);
  }
  if (input.dtype !== "float32" && input.dtype !== "float64") {
    throw new DTypeError(volume ? `"grid_sampler3d_cpu" not implemented for '${scalarTypeName(input.dtype)}'` : `grid_sampler_2d_cpu not implemented for ${scalarTypeName(input.dtype)}`);
  }
}

/**
 * Samples input [N, C, H, W] at the points of grid [N, oH, oW, 2] (the result is [N, C, oH, oW]), or
 * [N, C, D, H, W] at grid [N, oD, oH, oW, 3] (the result is [N, C, oD, oH, oW]).
 */
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
  type F = Float32Array | Float64Array;
  const x = denseData(input) as F;
  const g = denseData(grid) as F;
  const outShape = [input.shape[0]!, input.shape[1]!, ...grid.shape.slice(1, -1)];
  const out = freshOutput(outShape, input.dtype);
  const base = { N: input.shape[0]!, C: input.shape[1]!, padding, alignCorners: opts.alignCorners ?? false, single: input.dtype === "float32" };
  let forward: (out: F) => void;
  let backward: (gOut: F, gInput: F | null, gGrid: F) => void;
  if (input.ndim === 5) {
    const [D, H, W] = input.shape.slice(2) as [number, number, number];
    const [oD, oH, oW] = grid.shape.slice(1, 4) as [number, number, number];
    const geo: GridSample3dGeometry = { ...base, D, H, W, oD, oH, oW, mode: mode as GridSample3dGeometry["mode"] };
    forward = (o) => gridSample3d(x, g, geo, o);
    backward = (go, gi, gg) => gridSample3dBackward(go, x, g, geo, gi, gg);
  } else {
    const [H, W] = input.shape.slice(2) as [number, number];
    const [oH, oW] = grid.shape.slice(1, 3) as [number, number];
    const geo: GridSampleGeometry = { ...base, H, W, oH, oW, mode };
    forward = (o) => gridSample2d(x, g, geo, o);
    backward = (go, gi, gg) => gridSample2dBackward(go, x, g, geo, gi, gg);
  }
  forward(out.storage as F);
  // The backward is a kernel: under createGraph the autograd guard (autograd/higher_order.ts) makes its gradients refuse a second derivative.
  return record(out, input.ndim === 5 ? "GridSampler3DBackward0" : "GridSampler2DBackward0", [input, grid], (gOut, needs) => {
    const gInput = needs[0] ? zeroedOutput(input.shape, input.dtype) : null;
    const gGrid = freshOutput(grid.shape, grid.dtype);
    backward(denseData(gOut) as F, (gInput?.storage as F | undefined) ?? null, gGrid.storage as F);
    return [gInput, needs[1] ? gGrid : null];
  });
}
