import { ArgumentError, DTypeError, IndexError, ShapeError } from "../errors.ts";
import { zeros } from "../tensor/creation.ts";
import { isFloating, scalarTypeName } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type IntOrTuple, tupleArg } from "./conv.ts";
import { indexAdd } from "./index_extra.ts";
import { indexSelect } from "./indexing.ts";
import { pad } from "./pad.ts";
import { fresh } from "./util.ts";
import { reshape, slice, squeeze, unsqueeze } from "./views.ts";

/**
 * unfold (im2col) and fold (col2im) over [N, C, H, W] / [N, C * kH * kW, L] (or unbatched). Every
 * block element is one position of the zero-padded plane, so unfold is an index_select over the
 * flattened plane and fold the index_add of the same positions: each is the other's gradient, as
 * PyTorch's im2col and col2im are.
 */

export interface FoldOptions {
  dilation?: IntOrTuple;
  padding?: IntOrTuple;
  stride?: IntOrTuple;
}

interface Geometry {
  k: number[];
  d: number[];
  p: number[];
  s: number[];
}

const pair = (v: readonly number[]): string => `(${v.join(", ")})`;

/** PyTorch's im2col / col2im argument checks, in its order. */
function geometry(kernelSize: IntOrTuple, opts: FoldOptions): Geometry {
  const k = tupleArg(kernelSize, 2, "kernel_size");
  const d = tupleArg(opts.dilation ?? 1, 2, "dilation");
  const p = tupleArg(opts.padding ?? 0, 2, "padding");
  const s = tupleArg(opts.stride ?? 1, 2, "stride");
  if (k[0]! <= 0 || k[1]! <= 0) throw new ArgumentError(`kernel size should be greater than zero, but got kernel_height: ${k[0]} kernel_width: ${k[1]}`);
  if (s[0]! <= 0 || s[1]! <= 0) throw new ArgumentError(`stride should be greater than zero, but got stride_height: ${s[0]} stride_width: ${s[1]}`);
  if (d[0]! <= 0 || d[1]! <= 0) throw new ArgumentError(`dilation should be greater than zero, but got dilation_height: ${d[0]} dilation_width: ${d[1]}`);
  if (p[0]! < 0 || p[1]! < 0) throw new ArgumentError(`padding should be non-negative, but got pad_height: ${p[0]} pad_width: ${p[1]}`);
  return { k, d, p, s };
}

/** Sliding blocks along one dim of a padded size. */
const blocks = (size: number, g: Geometry, i: number): number => Math.floor((size + 2 * g.p[i]! - g.d[i]! * (g.k[i]! - 1) - 1) / g.s[i]!) + 1;

/** The flat position in the padded [Hp, Wp] plane of each (ki, kj, oi, oj), in im2col's row order. */
function positions(g: Geometry, Wp: number, oH: number, oW: number): Tensor {
  const [kH, kW] = g.k as [number, number];
  const idx = fresh([kH * kW * oH * oW], "int64");
  let n = 0;
  for (let ki = 0; ki < kH; ki++) {
    for (let kj = 0; kj < kW; kj++) {
      for (let oi = 0; oi < oH; oi++) {
        const row = (oi * g.s[0]! + ki * g.d[0]!) * Wp;
        for (let oj = 0; oj < oW; oj++) idx.storage[n++] = row + oj * g.s[1]! + kj * g.d[1]!;
      }
    }
  }
  return idx;
}

/** F.unfold: [N, C, H, W] -> [N, C * kH * kW, L], each column one sliding block. */
export function unfold(input: Tensor, kernelSize: IntOrTuple, opts: FoldOptions = {}): Tensor {
  Tensor.check(input, "input");
  const g = geometry(kernelSize, opts);
  if (input.ndim < 3) throw new IndexError(`Dimension out of range (expected to be in range of [${-Math.max(input.ndim, 1)}, ${Math.max(input.ndim, 1) - 1}], but got 2)`);
  const batched = input.ndim === 4;
  if ((input.ndim !== 3 && input.ndim !== 4) || input.shape.slice(batched ? 1 : 0).some((n) => n === 0)) {
    throw new ShapeError(`Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${fmtShape(input.shape)}`);
  }
  const x = batched ? input : unsqueeze(input, 0);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const oH = blocks(H, g, 0);
  const oW = blocks(W, g, 1);
  if (oH < 1 || oW < 1) {
    throw new ShapeError(
      `Given input with spatial size ${pair([H, H])}, kernel_size=${pair(g.k)}, dilation=${pair(g.d)}, padding=${pair(g.p)}, calculated shape of the array of sliding blocks as ${pair([oH, oW])}, but its components must be at least one.`,
    );
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`"im2col_out_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  const xp = g.p[0] || g.p[1] ? pad(x, [g.p[1]!, g.p[1]!, g.p[0]!, g.p[0]!]) : x;
  const [Hp, Wp] = [H + 2 * g.p[0]!, W + 2 * g.p[1]!];
  const cols = indexSelect(reshape(xp, [N, C, Hp * Wp]), 2, positions(g, Wp, oH, oW));
  const out = reshape(cols, [N, C * g.k[0]! * g.k[1]!, oH * oW]);
  return batched ? out : squeeze(out, 0);
}

/** F.fold: [N, C * kH * kW, L] -> [N, C, H, W] (outputSize [H, W]), summing overlapping blocks. */
export function fold(input: Tensor, outputSize: IntOrTuple, kernelSize: IntOrTuple, opts: FoldOptions = {}): Tensor {
  Tensor.check(input, "input");
  const [H, W] = tupleArg(outputSize, 2, "output_size") as [number, number];
  const g = geometry(kernelSize, opts);
  const batched = input.ndim === 3;
  if ((input.ndim !== 2 && input.ndim !== 3) || input.shape.slice(batched ? 1 : 0).some((n) => n === 0)) {
    throw new ShapeError(`Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${fmtShape(input.shape)}`);
  }
  const x = batched ? input : unsqueeze(input, 0);
  const [N, CK, L] = x.shape as [number, number, number];
  const K = g.k[0]! * g.k[1]!;
  if (CK % K !== 0) {
    throw new ShapeError(`Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${CK} and kernel_size=${pair(g.k)}.`);
  }
  const oH = blocks(H, g, 0);
  const oW = blocks(W, g, 1);
  const head = `Given output_size=${pair([H, W])}, kernel_size=${pair(g.k)}, dilation=${pair(g.d)}, padding=${pair(g.p)}, stride=${pair(g.s)}`;
  // L > 0, so this also refuses an output too small for one block (PyTorch says so the same way).
  if (L !== oH * oW) {
    throw new ShapeError(`${head}, expected size of input's dimension 2 to match the calculated number of sliding blocks ${oH} * ${oW} = ${oH * oW}, but got input.size(2)=${L}.`);
  }
  if (!isFloating(input.dtype)) throw new DTypeError(`"col2im_out_cpu" not implemented for '${scalarTypeName(input.dtype)}'`);
  const C = CK / K;
  const [Hp, Wp] = [H + 2 * g.p[0]!, W + 2 * g.p[1]!];
  const plane = indexAdd(zeros([N, C, Hp * Wp], { dtype: input.dtype }), 2, positions(g, Wp, oH, oW), reshape(x, [N, C, K * L]));
  let out = reshape(plane, [N, C, Hp, Wp]);
  if (g.p[0] || g.p[1]) out = slice(slice(out, 2, g.p[0]!, g.p[0]! + H), 3, g.p[1]!, g.p[1]! + W);
  return batched ? out : squeeze(out, 0);
}
