/**
 * F.upsample, F.upsampleNearest and F.upsampleBilinear: PyTorch's deprecated spellings of F.interpolate,
 * kept for old code. Each warns once, as PyTorch's warn on first use.
 */
import { type InterpolateOptions, interpolate } from "../../ops/interpolate.ts";
import { checkOptions } from "../../options.ts";
import type { Tensor } from "../../tensor/tensor.ts";

const warned = new Set<string>();
function deprecated(name: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(`nn.functional.${name} is deprecated. Use nn.functional.interpolate instead.`);
}

/** F.upsample(input, { size, scaleFactor, mode, alignCorners }): F.interpolate under its old name. */
export function upsample(input: Tensor, opts: InterpolateOptions = {}): Tensor {
  deprecated("upsample");
  return interpolate(input, opts);
}

export interface UpsampleSizeOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
}

const SIZE_SPEC = { size: "any", scaleFactor: "any" } as const;

/** F.upsampleNearest(input, { size, scaleFactor }) = F.interpolate(input, { ..., mode: "nearest" }). */
export function upsampleNearest(input: Tensor, opts: UpsampleSizeOptions = {}): Tensor {
  checkOptions("F.upsampleNearest()", opts, SIZE_SPEC, { index: 2, positional: "size" });
  deprecated("upsample_nearest");
  return interpolate(input, { size: opts.size, scaleFactor: opts.scaleFactor, mode: "nearest" });
}

/** F.upsampleBilinear(input, { size, scaleFactor }) = F.interpolate(input, { ..., mode: "bilinear", alignCorners: true }). */
export function upsampleBilinear(input: Tensor, opts: UpsampleSizeOptions = {}): Tensor {
  checkOptions("F.upsampleBilinear()", opts, SIZE_SPEC, { index: 2, positional: "size" });
  deprecated("upsample_bilinear");
  return interpolate(input, { size: opts.size, scaleFactor: opts.scaleFactor, mode: "bilinear", alignCorners: true });
}
