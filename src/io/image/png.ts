/**
 * PNG decoding written here rather than through pngjs, because pngjs decodes a corrupt or truncated deflate
 * stream into uninitialised memory (a different image on every call) and inflates zlib bombs in full.
 *
 * The header fixes exactly how many bytes the image data must inflate to, so the zlib stream is inflated by
 * Node's zlib with a hard output cap one byte above that size and must come out at exactly that length;
 * a size no deflate stream of the file's length could reach is refused without inflating at all.
 */
import { bufferConstants as constants, zlib } from "../../platform/node.ts";
import { ArgumentError } from "../../errors.ts";
import { type ImageLimits, checkDeclaredSize, resolveLimits } from "./limits.ts";
import { GRAY, GRAY_ALPHA, PALETTE, type PngChunks, readPngChunks } from "./png_chunks.ts";
import { expandPixels, inflatedSize, scanAlpha, unfilter } from "./png_pixels.ts";
import { type DecodedImage, allocPixels, formatError } from "./types.ts";

/**
 * Deflate's densest code spends 2 bits per 258-byte match (1-bit length and distance codes), so n input
 * bytes inflate to at most 1032 n bytes; the slack covers block headers and the zlib wrapper.
 */
const MAX_DEFLATE_RATIO = 1032;
const DEFLATE_SLACK = 4096;

function inflateExact(idat: Uint8Array, size: number, fail: (w: string) => Error): Uint8Array {
  if (size > MAX_DEFLATE_RATIO * idat.length + DEFLATE_SLACK) {
    throw fail(`image data is truncated: ${idat.length} compressed bytes cannot hold the ${size} bytes the header needs`);
  }
  if (size + 1 > constants.MAX_LENGTH) throw fail(`image needs ${size} bytes of scanlines, more than can be allocated`);
  let raw: Uint8Array;
  try {
    // One output chunk of the final size: no concatenation copy, and nothing beyond the cap is produced.
    raw = zlib.inflateSync(idat, { maxOutputLength: size + 1, chunkSize: Math.max(64, size + 1) });
  } catch (e) {
    // The browser build's zlib stand-in: say so (decodeImageAsync is the way there), not "invalid data".
    if (e instanceof ArgumentError) throw e;
    const code = (e as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") throw fail(`image data inflates to more than the ${size} bytes the header needs`);
    const why = e instanceof Error ? e.message : String(e);
    throw fail(`image data is not a valid zlib stream (${why})`);
  }
  if (raw.length > size) throw fail(`image data inflates to more than the ${size} bytes the header needs`);
  if (raw.length < size) {
    throw fail(`image data is truncated: it inflates to ${raw.length} bytes, the header needs ${size}`);
  }
  return raw;
}

/** Gray-ness comes from the header (and an all-gray palette), as for BMP; alpha from the pixels. */
function isGray(c: PngChunks): boolean {
  const { colorType } = c.header;
  if (colorType !== PALETTE) return colorType === GRAY || colorType === GRAY_ALPHA;
  // A palette of only grays is how some tools store 8-bit grayscale; treat it like BMP's gray palettes.
  const p = c.palette as Uint8Array;
  for (let i = 0; i < p.length; i += 3) if (p[i] !== p[i + 1] || p[i] !== p[i + 2]) return false;
  return true;
}

/**
 * Decodes a PNG into 8-bit pixels (16-bit samples rounded, low depths scaled to 0..255). Channels: 1 for
 * gray colour types and all-gray palettes, 4 when some pixel is not opaque, else 3. `source` names the file
 * in errors; `options` overrides the thread's image limits.
 *
 * Memory: the inflated scanlines plus the output, nothing else that grows with the image (transparency is
 * found before the output is allocated, so it is made once with its final channel count).
 */
export function decodePNG(bytes: Uint8Array, source: string, options?: Partial<ImageLimits>): DecodedImage {
  const fail = (what: string): Error => formatError(source, `invalid PNG: ${what}`);
  const limits = resolveLimits(options);
  const chunks = readPngChunks(bytes, fail, (h) => checkDeclaredSize(source, "PNG", h.width, h.height, limits));
  const { width, height } = chunks.header;
  const raw = inflateExact(chunks.idat, inflatedSize(chunks.header), fail);
  const filterFault = unfilter(raw, chunks.header);
  if (filterFault !== null) throw fail(filterFault);
  const { transparent, fault } = scanAlpha(raw, chunks);
  if (fault !== null) throw fail(fault);
  const channels = transparent ? 4 : isGray(chunks) ? 1 : 3;
  const data = allocPixels(width * height * channels, fail);
  expandPixels(raw, chunks, channels, data);
  return { width, height, channels, data };
}

/** For decodeImageAsync's PNG path (decode_async.ts), which shares everything here but the inflate. */
export { isGray as isGrayPng };
