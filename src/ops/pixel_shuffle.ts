import { ArgumentError, ShapeError } from "../errors.ts";
import { Tensor } from "../tensor/tensor.ts";
import { fmtShape } from "../tensor/shape.ts";
import { permute, reshape, transpose } from "./views.ts";

/**
 * Pixel shuffle and unshuffle (Shi et al., sub-pixel convolution): [*, C r^2, H, W] <-> [*, C, H r, W r],
 * as a reshape, a permute and a reshape, so the gradient is the inverse rearrangement. Any dtype.
 * Channel shuffle likewise.
 */

function check(fn: string, x: Tensor, factor: number, what: string): void {
  Tensor.check(x, "input");
  if (x.ndim < 3) throw new ShapeError(`${fn} expects input to have at least 3 dimensions, but got input with ${x.ndim} dimension(s)`);
  if (!Number.isInteger(factor)) throw new ArgumentError(`${fn}(): argument '${what}' must be an int, got ${factor}`);
  if (factor <= 0) throw new ArgumentError(`${fn} expects a positive ${what}, but got ${factor}`);
}

/** [*, C r^2, H, W] -> [*, C, H r, W r]: channel c r^2 + i r + j lands at (h r + i, w r + j) of channel c. */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const r = upscaleFactor;
  check("pixel_shuffle", input, r, "upscale_factor");
  const lead = input.shape.slice(0, -3);
  const [C, H, W] = input.shape.slice(-3) as [number, number, number];
  if (C % (r * r) !== 0) {
    throw new ShapeError(`pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=${C} is not divisible by ${r * r}`);
  }
  const n = lead.length;
  const split = reshape(input, [...lead, C / (r * r), r, r, H, W]);
  const order = [...lead.keys(), n, n + 3, n + 1, n + 4, n + 2];
  return reshape(permute(split, order), [...lead, C / (r * r), H * r, W * r]);
}

/** [*, C, H r, W r] -> [*, C r^2, H, W], the inverse of pixelShuffle. */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const r = downscaleFactor;
  check("pixel_unshuffle", input, r, "downscale_factor");
  const lead = input.shape.slice(0, -3);
  const [C, H, W] = input.shape.slice(-3) as [number, number, number];
  if (H % r !== 0) throw new ShapeError(`pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=${H} is not divisible by ${r}`);
  if (W % r !== 0) throw new ShapeError(`pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=${W} is not divisible by ${r}`);
  const n = lead.length;
  const split = reshape(input, [...lead, C, H / r, r, W / r, r]);
  const order = [...lead.keys(), n, n + 2, n + 4, n + 1, n + 3];
  return reshape(permute(split, order), [...lead, C * r * r, H / r, W / r]);
}

/** [N, C, *] with C = g * m: channel i * m + j moves to j * g + i (ShuffleNet's channel shuffle). */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  Tensor.check(input, "input");
  if (input.ndim <= 2) throw new ShapeError(`channel_shuffle expects input with > 2 dims, but got input with sizes ${fmtShape(input.shape)}`);
  if (!Number.isInteger(groups)) throw new ArgumentError(`channel_shuffle(): argument 'groups' must be an int, got ${groups}`);
  if (groups <= 0) throw new ArgumentError(`Number of groups to divide channels in must be positive. Value of groups:${groups}`);
  const [N, C] = input.shape as [number, number];
  if (C % groups !== 0) throw new ShapeError(`Number of channels must be divisible by groups. Got ${C} channels and ${groups} groups.`);
  const rest = input.shape.slice(2);
  const split = reshape(input, [N, groups, C / groups, ...rest]);
  return reshape(transpose(split, 1, 2), input.shape);
}
