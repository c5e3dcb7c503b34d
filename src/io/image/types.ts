import { FormatError } from "../../errors.ts";

/**
 * A decoded 8-bit image. `data` is HWC, row-major, top row first, so `data[(y * width + x) * channels + c]`
 * is channel c of the pixel in row y (0 = top) and column x. Channels: 1 = gray, 3 = RGB, 4 = RGBA.
 */
export interface DecodedImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** Every decoder error names the file, since a dataset of 60 000 images is useless to debug otherwise. */
export function formatError(source: string, what: string): FormatError {
  return new FormatError(`${source}: ${what}`);
}

/** A zeroed buffer of `n` bytes, or a FormatError (not a RangeError) when the platform cannot allocate it. */
export function allocPixels(n: number, fail: (what: string) => Error): Uint8Array {
  try {
    return new Uint8Array(n);
  } catch {
    throw fail(`image needs ${n} bytes of memory, more than can be allocated`);
  }
}

export function checkImage(img: DecodedImage, argName = "image"): void {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new FormatError(`${argName}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new FormatError(`${argName}: channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw new FormatError(
      `${argName}: data must be a Uint8Array of width*height*channels = ${width * height * channels} bytes, ` +
        `got ${data instanceof Uint8Array ? data.length : typeof data}`,
    );
  }
}

/**
 * Reduces RGBA pixels to the channel count the image's header promises: 1 when the header says gray (and
 * every pixel is opaque), 4 when some pixel is not fully opaque, else 3. Gray-ness comes from the header,
 * not the pixels, so every file of a colour dataset decodes to 3 channels even if one happens to be gray;
 * alpha is data-driven because many writers store an alpha channel that is 255 everywhere.
 */
export function compactRGBA(width: number, height: number, rgba: Uint8Array, grayHeader: boolean): DecodedImage {
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] !== 255) {
      opaque = false;
      break;
    }
  }
  if (!opaque) return { width, height, channels: 4, data: rgba };
  return dropChannels(width, height, rgba, 4, grayHeader ? 1 : 3);
}

/** Keeps the first `keep` of `stride` interleaved channels (1 keeps the first, which is gray's value). */
export function dropChannels(
  width: number,
  height: number,
  src: Uint8Array,
  stride: number,
  keep: 1 | 3,
): DecodedImage {
  const n = width * height;
  const out = new Uint8Array(n * keep);
  if (keep === 1) {
    for (let i = 0; i < n; i++) out[i] = src[i * stride];
  } else {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += stride, o += 3) {
      out[o] = src[s];
      out[o + 1] = src[s + 1];
      out[o + 2] = src[s + 2];
    }
  }
  return { width, height, channels: keep, data: out };
}
