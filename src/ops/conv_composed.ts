import type { Tensor } from "../tensor/tensor.ts";
import { add } from "./binary.ts";
import { unfold } from "./api_misc_views.ts";
import { cat } from "./join.ts";
import { matmul } from "./matmul.ts";
import { pad } from "./pad.ts";
import { narrow, permute, reshape, slice, transpose } from "./views.ts";

/** A 2-D convolution's geometry as conv.ts resolves it (per spatial dim; lo/hi the padding on each side). */
export interface ConvGeometry2d {
  stride: readonly number[];
  dilation: readonly number[];
  lo: readonly number[];
  hi: readonly number[];
  groups: number;
}

/**
 * conv2d over [N, C, H, W] as plain recorded ops (pad, sliding windows, one matrix product per group),
 * for createGraph: differentiating this composition gives a convolution's gradients as a graph that can
 * be differentiated again (gradient penalties through CNNs). Slow next to the kernels; never used for
 * a first-order backward.
 */
export function conv2dComposed(x: Tensor, w: Tensor, b: Tensor | null, geo: ConvGeometry2d): Tensor {
  const [N] = x.shape as [number];
  const [O, Cg, kH, kW] = w.shape as [number, number, number, number];
  const { stride, dilation, lo, hi, groups } = geo;
  const padded = lo.some((p) => p !== 0) || hi.some((p) => p !== 0) ? pad(x, [lo[1]!, hi[1]!, lo[0]!, hi[0]!]) : x;
  // Windows of the dilated kernel's extent, then every dilation-th element of each: [N, C, oH, oW, kH, kW].
  let patches = unfold(unfold(padded, 2, dilation[0]! * (kH - 1) + 1, stride[0]!), 3, dilation[1]! * (kW - 1) + 1, stride[1]!);
  if (dilation[0] !== 1) patches = slice(patches, 4, 0, undefined, dilation[0]!);
  if (dilation[1] !== 1) patches = slice(patches, 5, 0, undefined, dilation[1]!);
  const [, , oH, oW] = patches.shape as [number, number, number, number];
  const Og = O / groups;
  const outs: Tensor[] = [];
  for (let g = 0; g < groups; g++) {
    const cols = reshape(permute(narrow(patches, 1, g * Cg, Cg), [0, 2, 3, 1, 4, 5]), [N * oH * oW, Cg * kH * kW]);
    outs.push(matmul(cols, transpose(reshape(narrow(w, 0, g * Og, Og), [Og, Cg * kH * kW]), 0, 1)));
  }
  const out = permute(reshape(groups === 1 ? outs[0]! : cat(outs, 1), [N, oH, oW, O]), [0, 3, 1, 2]);
  return b === null ? out : add(out, reshape(b, [1, O, 1, 1]));
}
