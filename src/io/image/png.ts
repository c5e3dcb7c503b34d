/**
 * PNG decoding written here rather than through pngjs, because pngjs decodes a corrupt or truncated deflate
 * stream into uninitialised memory (a different image on every call) and inflates zlib bombs in full.
 *
 * The header fixes exactly how many bytes the image data must inflate to, so the zlib stream is inflated by
 * Node's zlib with a hard output cap one byte above that size and must come out at exactly that length;
 * a size no deflate stream of the file's length could reach is refused without inflating at all.
 */
import { inflateSync } from "node:zlib";
import { type ImageLimits, checkDeclaredSize, resolveLimits } from "./limits.ts";
import { GRAY, GRAY_ALPHA, PALETTE, RGBA, type PngChunks, readPngChunks } from "./png_chunks.ts";
import { type PixelTarget, expandPixels, inflatedSize } from "./png_pixels.ts";
import { type DecodedImage, allocPixels, compactRGBA, formatError } from "./types.ts";

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
  let raw: Uint8Array;
  try {
    // One output chunk of the final size: no concatenation copy, and nothing beyond the cap is produced.
    raw = inflateSync(idat, { maxOutputLength: size + 1, chunkSize: Math.max(64, size + 1) });
  } catch (e) {
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

/** Where the pixels go: straight to 1 or 3 channels when no alpha can occur, else RGBA then compacted. */
function chooseTarget(c: PngChunks): { channels: 1 | 3 | 4; gray: boolean } {
  const { colorType } = c.header;
  let gray = colorType === GRAY || colorType === GRAY_ALPHA;
  let alpha = colorType === GRAY_ALPHA || colorType === RGBA || c.transparency !== null;
  if (colorType === PALETTE) {
    // A palette of only grays is how some tools store 8-bit grayscale; treat it like BMP's gray palettes.
    const p = c.palette as Uint8Array;
    gray = true;
    for (let i = 0; i < p.length && gray; i += 3) gray = p[i] === p[i + 1] && p[i] === p[i + 2];
    alpha = c.transparency !== null && c.transparency.some((a) => a !== 255);
  }
  if (alpha) return { channels: 4, gray };
  return { channels: gray ? 1 : 3, gray };
}

/**
 * Decodes a PNG into 8-bit pixels (16-bit samples rounded, low depths scaled to 0..255). Channels: 1 for
 * gray colour types and all-gray palettes, 4 when some pixel is not opaque, else 3. `source` names the file
 * in errors; `options` overrides the thread's image limits.
 */
export function decodePNG(bytes: Uint8Array, source: string, options?: Partial<ImageLimits>): DecodedImage {
  const fail = (what: string): Error => formatError(source, `invalid PNG: ${what}`);
  const limits = resolveLimits(options);
  const chunks = readPngChunks(bytes, fail, (h) => checkDeclaredSize(source, "PNG", h.width, h.height, limits));
  const h = chunks.header;
  const raw = inflateExact(chunks.idat, inflatedSize(h), fail);
  const { channels, gray } = chooseTarget(chunks);
  const target: PixelTarget = { channels, data: allocPixels(h.width * h.height * channels, fail) };
  const err = expandPixels(raw, h, chunks.palette, chunks.transparency, target);
  if (err !== null) throw fail(err);
  if (channels !== 4) return { width: h.width, height: h.height, channels, data: target.data };
  return compactRGBA(h.width, h.height, target.data, gray);
}
