/** torchvision.utils.make_grid: a batch of images tiled into one image, rows of `nrow`, with padding. */
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { allocStorage, castValue } from "../../tensor/dtype.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";

export interface MakeGridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around the images (default 2). */
  padding?: number;
  /** Shift and scale values into [0, 1]: by valueRange, else by the min and max of the batch (or of each image). */
  normalize?: boolean;
  /** [min, max] used by normalize; values outside are clamped. */
  valueRange?: readonly [number, number] | null;
  /** Normalize each image by its own min and max. */
  scaleEach?: boolean;
  /** Value of the padding pixels (default 0). */
  padValue?: number;
}

export const MAKE_GRID_OPTIONS = { nrow: "int", padding: "int", normalize: "boolean", valueRange: "numbers?", scaleEach: "boolean", padValue: "number" } as const;

/** [N, C, H, W] values of the input after torchvision's reshaping (2-D and 3-D inputs, gray to RGB). */
function batchOf(input: Tensor | readonly Tensor[]): { data: ArrayLike<number>; dtype: Tensor["dtype"]; shape: [number, number, number, number] } {
  let shape: number[];
  let parts: ArrayLike<number>[];
  let dtype: Tensor["dtype"];
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ArgumentError("makeGrid: stack expects a non-empty list of tensors");
    input.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ArgumentError(`tensor or list of tensors expected, got a list containing ${typeof t} at ${i}`);
      if (fmtShape(t.shape) !== fmtShape(input[0]!.shape) || t.dtype !== input[0]!.dtype) {
        throw new ShapeError(`stack expects each tensor to be equal size, but got ${fmtShape(input[0]!.shape)} at entry 0 and ${fmtShape(t.shape)} at entry ${i}`);
      }
    });
    shape = [input.length, ...input[0]!.shape];
    parts = input.map((t) => t.toTypedArray());
    dtype = input[0]!.dtype;
  } else if (input instanceof Tensor) {
    shape = [...input.shape];
    parts = [input.toTypedArray()];
    dtype = input.dtype;
  } else throw new ArgumentError(`tensor or list of tensors expected, got ${input === null ? "null" : typeof input}`);
  if (dtype === "bool") throw new DTypeError("makeGrid: bool tensors are not images");
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length === 3) shape = [1, ...shape];
  if (shape.length !== 4) throw new ShapeError(`makeGrid: expected images of shape [H, W], [C, H, W] or [N, C, H, W], got ${fmtShape(shape)}`);
  const [n, c, h, w] = shape as [number, number, number, number];
  const flat = parts.length === 1 ? parts[0]! : concat(parts, dtype);
  if (c !== 1) return { data: flat, dtype, shape: [n, c, h, w] };
  // Single-channel images are repeated to three channels, so the grid is always RGB-ready.
  const hw = h * w;
  const out = allocStorage(dtype, n * 3 * hw);
  for (let b = 0; b < n; b++) for (let k = 0; k < 3; k++) for (let i = 0; i < hw; i++) out[(b * 3 + k) * hw + i] = flat[b * hw + i]!;
  return { data: out, dtype, shape: [n, 3, h, w] };
}

function concat(parts: ArrayLike<number>[], dtype: Tensor["dtype"]): ArrayLike<number> {
  const out = allocStorage(dtype, parts.reduce((s, p) => s + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** norm_ip: clamp to [low, high], subtract low, divide by max(high - low, 1e-5), in the tensor's precision. */
function normalizeRange(d: Float32Array | Float64Array, start: number, end: number, range: readonly [number, number] | null): void {
  const r = d instanceof Float32Array ? Math.fround : (x: number) => x;
  let low: number;
  let high: number;
  if (range !== null) [low, high] = range;
  else {
    low = Infinity;
    high = -Infinity;
    for (let i = start; i < end; i++) {
      if (d[i]! < low) low = d[i]!;
      if (d[i]! > high) high = d[i]!;
    }
  }
  const lo = r(low);
  const hi = r(high);
  const div = r(Math.max(high - low, 1e-5));
  for (let i = start; i < end; i++) {
    const v = d[i]! < lo ? lo : d[i]! > hi ? hi : d[i]!;
    d[i] = r(r(v - lo) / div);
  }
}

/**
 * Tiles images into a grid as torchvision.utils.make_grid: input [N, C, H, W] (or a list of [C, H, W]
 * tensors, one [C, H, W] or [H, W] image); one-channel images become three; the result is
 * [C, rows * (H + padding) + padding, cols * (W + padding) + padding]. A single image is returned
 * (reshaped, normalized) without padding, as torchvision does.
 */
export function makeGrid(tensor: Tensor | readonly Tensor[], options: MakeGridOptions = {}): Tensor {
  checkArity("utils.makeGrid()", arguments, 2);
  checkOptions("utils.makeGrid()", options, MAKE_GRID_OPTIONS, { index: 2, positional: "nrow" });
  const nrow = options.nrow ?? 8;
  const padding = options.padding ?? 2;
  if (nrow <= 0) throw new ArgumentError(`makeGrid: nrow must be positive, got ${nrow}`);
  if (padding < 0) throw new ArgumentError(`makeGrid: padding must be non-negative, got ${padding}`);
  const vr = options.valueRange ?? null;
  if (vr !== null && (!Array.isArray(vr) || vr.length !== 2)) throw new ArgumentError("value_range has to be a tuple (min, max) if specified. min and max are numbers");
  const { data, dtype, shape } = batchOf(tensor);
  const [n, c, h, w] = shape;
  let values: ArrayLike<number> = data;
  if (options.normalize === true) {
    if (dtype !== "float32" && dtype !== "float64") throw new DTypeError(`makeGrid: normalize needs a float tensor, got ${dtype}`);
    const d = (data instanceof Float32Array || data instanceof Float64Array ? data : Float64Array.from(data)).slice();
    const each = c * h * w;
    if (options.scaleEach === true) for (let b = 0; b < n; b++) normalizeRange(d, b * each, (b + 1) * each, vr);
    else normalizeRange(d, 0, d.length, vr);
    values = d;
  }
  if (n === 1) {
    const out = allocStorage(dtype, c * h * w);
    out.set(values);
    return Tensor.fromStorage(out, dtype, [c, h, w]);
  }
  const cols = Math.min(nrow, n);
  const rows = Math.ceil(n / cols);
  const cellH = h + padding;
  const cellW = w + padding;
  const gh = cellH * rows + padding;
  const gw = cellW * cols + padding;
  const grid = allocStorage(dtype, c * gh * gw);
  grid.fill(castValue(dtype, options.padValue ?? 0));
  for (let k = 0; k < n; k++) {
    const y0 = Math.floor(k / cols) * cellH + padding;
    const x0 = (k % cols) * cellW + padding;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const src = ((k * c + ch) * h + y) * w;
        const dst = (ch * gh + y0 + y) * gw + x0;
        for (let x = 0; x < w; x++) grid[dst + x] = values[src + x]!;
      }
    }
  }
  return Tensor.fromStorage(grid, dtype, [c, gh, gw]);
}
