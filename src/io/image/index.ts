/**
 * Image decoding for datasets: the format is chosen from the file's first bytes, never its name, because
 * scraped datasets are full of PNGs called .jpg.
 */
import { decodeBMP, encodeBMP } from "./bmp.ts";
import { decodeJPEG } from "./jpeg.ts";
import type { ImageLimits } from "./limits.ts";
import { decodePNG } from "./png.ts";
import { type DecodedImage, checkImage, formatError } from "./types.ts";

export type { DecodedImage } from "./types.ts";
export type { ImageLimits } from "./limits.ts";
export { MAX_IMAGE_SIDE, MAX_PIXELS, getImageLimits, setImageLimits } from "./limits.ts";
export { decodeBMP, decodeJPEG, decodePNG, encodeBMP };

export type ImageFormat = "bmp" | "png" | "jpeg";

/** The format the magic bytes announce, or null. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return "bmp";
  if (bytes.length >= 4 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    return "png";
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return "jpeg";
  return null;
}

/** First bytes as hex plus their printable ASCII, so a GIF or an HTML error page is recognisable. */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 8);
  const hex = Array.from(head, (b) => b.toString(16).padStart(2, "0")).join(" ");
  const ascii = Array.from(head, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
  return `${hex} "${ascii}"`;
}

/**
 * Decodes a BMP, PNG or JPEG file into 8-bit HWC pixels. Channels: 1 when the file is grayscale (gray colour
 * type, one JPEG component, or an all-gray palette), 4 when it has an alpha channel that is not opaque
 * everywhere, otherwise 3 (an all-opaque alpha channel is dropped). `source` names the file in errors.
 *
 * Any bytes give either an image or a FormatError naming `source`, the same one on every call. An image
 * declaring more pixels than the limits (`options`, else `getImageLimits()`: 100 megapixels by default) is
 * refused before its pixels are allocated.
 */
export function decodeImage(bytes: Uint8Array, source: string, options?: Partial<ImageLimits>): DecodedImage {
  switch (sniffImageFormat(bytes)) {
    case "bmp":
      return decodeBMP(bytes, source, options);
    case "png":
      return decodePNG(bytes, source, options);
    case "jpeg":
      return decodeJPEG(bytes, source, options);
    case null:
      if (bytes.length === 0) throw formatError(source, "not a BMP, PNG or JPEG image (the file is empty)");
      throw formatError(source, `not a BMP, PNG or JPEG image (starts with ${describeStart(bytes)})`);
  }
}

/**
 * Converts to one gray channel with ITU-R 601-2 luma in PIL's fixed-point form
 * (L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16, i.e. R*299/1000 + G*587/1000 + B*114/1000 rounded),
 * which matches Image.convert("L") on every one of the 2^24 colours. Alpha is ignored, as PIL does.
 * A gray image is returned as a copy.
 */
export function toGray(img: DecodedImage): DecodedImage {
  checkImage(img);
  const { width, height, channels, data } = img;
  const n = width * height;
  const out = new Uint8Array(n);
  if (channels === 1) {
    out.set(data);
  } else {
    for (let i = 0, s = 0; i < n; i++, s += channels) {
      out[i] = (data[s] * 19595 + data[s + 1] * 38470 + data[s + 2] * 7471 + 0x8000) >>> 16;
    }
  }
  return { width, height, channels: 1, data: out };
}
