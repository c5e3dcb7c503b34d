/**
 * PNG through pngjs (pure JS, handles every bit depth, palette, tRNS and interlace). pngjs always hands back
 * 8-bit RGBA; the channel count is then chosen from the header as for the other formats.
 */
import { createRequire } from "node:module";
import { type DecodedImage, MAX_IMAGE_SIDE, MAX_PIXELS, compactRGBA, formatError } from "./types.ts";

/** The part of pngjs's sync API used here; pngjs ships no types and @types/pngjs would be a dev-only extra. */
interface PngSync {
  PNG: {
    sync: {
      read(buffer: Buffer): {
        width: number;
        height: number;
        colorType: number;
        palette?: unknown;
        data: Buffer;
      };
    };
  };
}

const pngjs = createRequire(import.meta.url)("pngjs") as PngSync;

const COLOR_TYPE_GRAY = 0;
const COLOR_TYPE_PALETTE = 3;
const COLOR_TYPE_GRAY_ALPHA = 4;

export function decodePNG(bytes: Uint8Array, source: string): DecodedImage {
  // pngjs sizes its buffers from IHDR before reading any pixel, so a 50-byte file could ask for gigabytes.
  if (bytes.length >= 24) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = dv.getUint32(16);
    const h = dv.getUint32(20);
    if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w * h > MAX_PIXELS) {
      throw formatError(source, `invalid PNG: absurd dimensions ${w}x${h}`);
    }
  }
  let png: ReturnType<PngSync["PNG"]["sync"]["read"]>;
  try {
    png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw formatError(source, `invalid PNG: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { width, height, colorType, palette, data } = png;
  if (width <= 0 || height <= 0) throw formatError(source, `invalid PNG: zero size ${width}x${height}`);
  let gray = colorType === COLOR_TYPE_GRAY || colorType === COLOR_TYPE_GRAY_ALPHA;
  // A palette of only grays is how some tools store 8-bit grayscale; treat it like BMP's gray palettes.
  if (colorType === COLOR_TYPE_PALETTE && Array.isArray(palette)) {
    gray = palette.every((c: unknown) => Array.isArray(c) && c[0] === c[1] && c[0] === c[2]);
  }
  // Copy unless the Buffer owns its whole ArrayBuffer, so callers may safely use `data.buffer` directly.
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  const rgba = whole ? new Uint8Array(data.buffer) : new Uint8Array(data);
  return compactRGBA(width, height, rgba, gray);
}
