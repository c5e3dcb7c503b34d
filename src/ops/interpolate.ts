import { ArgumentError, DTypeError, ShapeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { isFloating } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, mul } from "./elementwise.ts";
import { indexSelect } from "./indexing.ts";

/**
 * `F.interpolate` in the modes "nearest" (3-D and 4-D input), "linear" (3-D) and "bilinear" (4-D),
 * with PyTorch 1.13's CPU index rules. Each spatial dim is resampled on its own (both modes are
 * separable): nearest is one index_select per dim; linear blends two index_selects per dim with
 * per-position weights, last dim first, which is also the order PyTorch's kernel sums in. Only the
 * source positions and weights (one per output row/column) are computed here; the numbers move through
 * index_select, mul and add, whose gradients give the upsampling backward.
 */

export type InterpolateMode = "nearest" | "linear" | "bilinear";

export interface InterpolateOptions {
  /** Output spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplier of each spatial size (output = floor(input * scale)); the kernel then uses 1/scale, not input/output. */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** Linear modes: align the centres of the corner pixels (scale (in-1)/(out-1)) instead of their outer edges. */
  alignCorners?: boolean | null;
  /** With scaleFactor: compute the output size, then interpolate as if that size had been given. */
  recomputeScaleFactor?: boolean | null;
}

const INTERPOLATE_OPTIONS = { size: "any", scaleFactor: "any", mode: "string", alignCorners: "boolean?", recomputeScaleFactor: "boolean?" } as const;
const KNOWN_MODES = "nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact";

/** Python's repr of a number list / tuple argument, as PyTorch's messages print them. */
function pyList(v: number | readonly number[]): string {
  return typeof v === "number" ? String(v) : `(${v.join(", ")}${v.length === 1 ? "," : ""})`;
}

/** Rounds to float32 when the computation is in float32, as PyTorch's kernels compute indices in scalar_t. */
function rounder(dtype: string): (v: number) => number {
  return dtype === "float32" ? Math.fround : (v: number) => v;
}

/** PyTorch's nearest_idx: the exact-copy and 2x shortcuts, else floor(i * scale) in float32. */
function nearestIndices(inSize: number, outSize: number, scale: number): number[] {
  const s = scale > 0 ? Math.fround(1 / scale) : Math.fround(Math.fround(inSize) / outSize);
  const idx: number[] = [];
  for (let i = 0; i < outSize; i++) {
    if (outSize === inSize) idx.push(i);
    else if (outSize === 2 * inSize) idx.push(i >> 1);
    else idx.push(Math.min(Math.floor(Math.fround(i * s)), inSize - 1));
  }
  return idx;
}

/** PyTorch's compute_indices_weights_linear: two source indices and their weights per output position. */
function linearWeights(inSize: number, outSize: number, alignCorners: boolean, scale: number, dtype: string) {
  const r = rounder(dtype);
  let s: number;
  if (alignCorners) s = outSize > 1 ? r(r(inSize - 1) / (outSize - 1)) : 0;
  else s = scale > 0 ? r(1 / scale) : r(r(inSize) / outSize);
  const i0: number[] = [];
  const i1: number[] = [];
  const w0: number[] = [];
  const w1: number[] = [];
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? r(s * i) : Math.max(r(r(s * r(i + 0.5)) - 0.5), 0);
    const lo = Math.trunc(src);
    i0.push(lo);
    i1.push(lo + (lo < inSize - 1 ? 1 : 0));
    const l1 = Math.min(Math.max(r(src - lo), 0), 1);
    w1.push(l1);
    w0.push(r(1 - l1));
  }
  return { i0, i1, w0, w1 };
}

function indexTensor(idx: number[]): Tensor {
  return Tensor.fromStorage(Float64Array.from(idx), "int64", [idx.length]);
}

/** Weights of dim d as a tensor broadcasting against a rank-`rank` tensor: [n, 1, ..., 1]. */
function weightTensor(w: number[], d: number, rank: number, dtype: "float32" | "float64"): Tensor {
  const data = dtype === "float32" ? Float32Array.from(w) : Float64Array.from(w);
  return Tensor.fromStorage(data, dtype, [w.length, ...new Array<number>(rank - 1 - d).fill(1)]);
}

/** The output size and the scale each dim's kernel receives (absent: input/output), from PyTorch's Python front end. */
function outputGeometry(input: Tensor, opts: InterpolateOptions): { size: number[]; scales: number[] } {
  const dim = input.ndim - 2;
  const spatial = input.shape.slice(2);
  const { size, scaleFactor, recomputeScaleFactor: recompute } = opts;
  const isSize = size !== undefined && size !== null;
  if (isSize && scaleFactor !== undefined && scaleFactor !== null) throw new ArgumentError("only one of size or scale_factor should be defined");
  const v = isSize ? size : scaleFactor;
  if (v === undefined || v === null) throw new ArgumentError("either size or scale_factor should be defined");
  if (typeof v !== "number" && v.length !== dim) {
    const [a, b, c, l] = isSize ? ["output", "output size of", "output size", "o"] : ["scale_factor", "scale_factor of shape", "scale_factor", "s"];
    throw new ArgumentError(
      `Input and ${a} must have the same number of spatial dimensions, but got input with spatial dimensions of ${fmtShape(spatial)} and ${b} ${pyList(v)}. ` +
        `Please provide input tensor in (N, C, d1, d2, ...,dK) format and ${c} in (${l}1, ${l}2, ...,${l}K) format.`,
    );
  }
  const per = typeof v === "number" ? new Array<number>(dim).fill(v) : [...v];
  if (isSize) {
    if (per.some((o) => !Number.isInteger(o))) throw new ArgumentError(`interpolate(): size must be integers, got ${pyList(v)}`);
    if (recompute) throw new ArgumentError("recompute_scale_factor is not meaningful with an explicit size.");
    return { size: per, scales: [] };
  }
  // Python floors (recompute) and ATen truncates (otherwise) the same double product; both are >= 0 here unless the factor is negative.
  return { size: per.map((f, i) => (recompute ? Math.floor : Math.trunc)(spatial[i]! * f)), scales: recompute ? [] : per };
}

function checkSizes(input: Tensor, out: number[]): void {
  const names = out.length === 1 ? ["W"] : ["H", "W"];
  const spatial = input.shape.slice(2);
  if (input.numel() === 0 && input.shape.slice(1).some((s) => s === 0)) {
    throw new ShapeError(`Non-empty ${input.ndim}D data tensor expected but got a tensor with sizes ${fmtShape(input.shape)}`);
  }
  if (out.some((o) => o <= 0)) {
    const fmt = (v: readonly number[]) => v.map((s, i) => `${names[i]}: ${s}`).join(", ");
    const joint = out.length === 1 ? " and output" : " output";
    throw new ShapeError(`Input and output sizes should be greater than 0, but got input (${fmt(spatial)})${joint} (${fmt(out)})`);
  }
}

/**
 * Up- or down-samples [N, C, W] or [N, C, H, W] to `size`, or by `scaleFactor`:
 *
 *     F.interpolate(x, { scaleFactor: 2 });                                  // nearest
 *     F.interpolate(x, { size: [32, 48], mode: "bilinear", alignCorners: false });
 */
export function interpolate(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  checkOptions("F.interpolate()", opts, INTERPOLATE_OPTIONS, { index: 2, positional: "size" });
  Tensor.check(input, "input");
  const mode = opts.mode ?? "nearest";
  const linear = mode !== "nearest";
  if (!linear && opts.alignCorners !== undefined && opts.alignCorners !== null) {
    throw new ArgumentError("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
  }
  const alignCorners = opts.alignCorners ?? false;
  const { size, scales } = outputGeometry(input, opts);
  // nearest on 3-D/4-D input, linear on 3-D, bilinear on 4-D.
  const need = mode === "linear" ? 3 : mode === "bilinear" ? 4 : 0;
  if (need === 0 ? mode !== "nearest" || (input.ndim !== 3 && input.ndim !== 4) : input.ndim !== need) {
    if (need > 0 && (input.ndim === 3 || input.ndim === 4)) throw new ShapeError(`Got ${input.ndim}D input, but ${mode} mode needs ${need}D input`);
    if ((KNOWN_MODES.split(" | ") as string[]).includes(mode) && input.ndim >= 3 && input.ndim <= 5) {
      throw new ArgumentError(`interpolate: mode '${mode}' on ${input.ndim}D input is not supported by kindling (nearest on 3D/4D, linear on 3D, bilinear on 4D)`);
    }
    throw new ArgumentError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: ${KNOWN_MODES} (got ${String(mode)})`);
  }
  if (!isFloating(input.dtype)) {
    throw new DTypeError(`"compute_indices_weights_${linear ? "linear" : "nearest"}" not implemented for '${input.dtype === "int64" ? "Long" : input.dtype}'`);
  }
  checkSizes(input, size);
  const dtype = input.dtype as "float32" | "float64";
  let y = input;
  // Last spatial dim first: PyTorch's linear kernel sums w0 * (wW0 * x00 + wW1 * x01) + ..., inner dim innermost.
  for (let d = input.ndim - 1; d >= 2; d--) {
    const inSize = input.shape[d]!;
    const outSize = size[d - 2]!;
    const scale = scales[d - 2] ?? 0;
    if (!linear) {
      y = indexSelect(y, d, indexTensor(nearestIndices(inSize, outSize, scale)));
      continue;
    }
    const { i0, i1, w0, w1 } = linearWeights(inSize, outSize, alignCorners, scale, dtype);
    const a = mul(indexSelect(y, d, indexTensor(i0)), weightTensor(w0, d, input.ndim, dtype));
    const b = mul(indexSelect(y, d, indexTensor(i1)), weightTensor(w1, d, input.ndim, dtype));
    y = add(a, b);
  }
  return y;
}
