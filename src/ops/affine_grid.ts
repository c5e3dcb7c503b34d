import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { linspaceValues } from "../tensor/linspace_values.ts";
import { Tensor } from "../tensor/tensor.ts";
import { bmm } from "./matmul.ts";
import { expand, reshape, transpose } from "./views.ts";

/**
 * `F.affine_grid`: the sampling grid of a batch of affine maps, for F.gridSample. Each output point's
 * normalised coordinates (x, y[, z], 1) form a constant base grid, and the grid is that base times
 * theta transposed (PyTorch's affine_grid_generator), so theta's gradient comes from bmm's.
 *
 *     const theta = torch.tensor([[[1, 0, 0], [0, 1, 0]]]);  // identity
 *     const grid = F.affineGrid(theta, [1, 3, 28, 28], { alignCorners: false });  // [1, 28, 28, 2]
 */

export interface AffineGridOptions {
  /** -1 and 1 name the centres of the corner pixels rather than their outer edges; default false. */
  alignCorners?: boolean | null;
}

/** Python's repr of theta.shape, as PyTorch's message prints it. */
const torchSize = (t: Tensor) => `torch.Size([${t.shape.join(", ")}])`;

/**
 * PyTorch's linspace_from_neg_one: linspace(-1, 1, n) (bit for bit: the points must land exactly where
 * PyTorch's do, see tensor/linspace_values.ts), shrunk by (n - 1) / n without alignCorners so they are
 * pixel centres; one point is 0. Rounded as float32 for float32.
 */
function coordinates(n: number, alignCorners: boolean, single: boolean): Float32Array | Float64Array {
  const out = single ? new Float32Array(Math.max(n, 1)) : new Float64Array(Math.max(n, 1));
  if (n <= 1) return out;
  linspaceValues(out, -1, 1, n);
  if (alignCorners) return out;
  const r = single ? Math.fround : (v: number) => v;
  for (let i = 0; i < n; i++) out[i] = r(r(out[i]! * (n - 1)) / n);
  return out;
}

/** The [points, dims + 1] rows (x, y[, z], 1), x fastest, as a constant tensor. */
function baseGrid(spatial: readonly number[], alignCorners: boolean, dtype: "float32" | "float64"): Tensor {
  const axes = spatial.map((s) => coordinates(s, alignCorners, dtype === "float32")).reverse(); // x first
  const points = spatial.reduce((a, b) => a * b, 1);
  const cols = axes.length + 1;
  const data = dtype === "float32" ? new Float32Array(points * cols) : new Float64Array(points * cols);
  for (let p = 0; p < points; p++) {
    let rest = p;
    for (let d = 0; d < axes.length; d++) {
      const size = spatial[spatial.length - 1 - d]!;
      data[p * cols + d] = axes[d]![size > 1 ? rest % size : 0]!;
      rest = Math.floor(rest / size);
    }
    data[p * cols + axes.length] = 1;
  }
  return Tensor.fromStorage(data, dtype, [points, cols]);
}

/**
 * The grid [N, H, W, 2] for theta [N, 2, 3] and size [N, C, H, W], or [N, D, H, W, 3] for theta [N, 3, 4]
 * and size [N, C, D, H, W].
 */
export function affineGrid(theta: Tensor, size: readonly number[], opts: AffineGridOptions = {}): Tensor {
  checkOptions("F.affineGrid()", opts, { alignCorners: "boolean?" }, { index: 3, positional: "alignCorners" });
  Tensor.check(theta, "theta");
  if (!Array.isArray(size) || !size.every((s) => Number.isInteger(s))) throw new ArgumentError("affine_grid(): argument 'size' must be an array of ints");
  const alignCorners = opts.alignCorners ?? false;
  if (!isFloating(theta.dtype)) throw new DTypeError(`Expected theta to have floating point type, but got torch.${theta.dtype}`);
  const sizeText = `[${size.join(", ")}]`;
  if (size.length === 4 || size.length === 5) {
    const k = size.length - 2;
    if (theta.ndim !== 3 || theta.shape[1] !== k || theta.shape[2] !== k + 1) {
      throw new ShapeError(`Expected a batch of ${k}D affine matrices of shape Nx${k}x${k + 1} for size ${sizeText}. Got ${torchSize(theta)}.`);
    }
  } else {
    throw new ArgumentError(`affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, respectively. Got size ${sizeText}.`);
  }
  const spatial = size.slice(2);
  // PyTorch skips this check for unit-size grids with alignCorners (where it only warns).
  if (!(alignCorners && Math.min(...spatial) === 1) && Math.min(...size) <= 0) {
    throw new ArgumentError(`Expected non-zero, positive output size. Got ${sizeText}`);
  }
  if (theta.dtype !== "float32" && theta.dtype !== "float64") throw new DTypeError(`affine_grid: theta of dtype ${theta.dtype} is not supported (float32, float64)`);
  const N = size[0]!;
  const base = baseGrid(spatial, alignCorners, theta.dtype);
  const points = base.shape[0]!;
  const grid = bmm(expand(reshape(base, [1, points, spatial.length + 1]), [N, points, spatial.length + 1]), transpose(theta, 1, 2));
  return reshape(grid, [N, ...spatial, spatial.length]);
}
