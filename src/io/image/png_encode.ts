/**
 * PNG encoding of 8-bit images (gray, RGB, RGBA), for saveImage: IHDR, one zlib IDAT, IEND. Each row takes
 * the filter (None, Sub, Up, Average, Paeth) with the smallest sum of absolute signed bytes, the usual
 * heuristic that lets deflate find the runs in photographs and gradients.
 */
import { zlib } from "../../platform/node.ts";
import { ArgumentError } from "../../errors.ts";
import { crc32 } from "./png_chunks.ts";
import { type DecodedImage, checkImage } from "./types.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;

export interface EncodePNGOptions {
  /** zlib level 0 (stored) to 9 (smallest); default 6. */
  compressionLevel?: number;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Filter `type` of row `cur` (previous row `prev`, zeros for the first) into out[1..], out[0] = type. */
function filterRow(type: number, cur: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): void {
  out[0] = type;
  for (let i = 0; i < cur.length; i++) {
    const a = i >= bpp ? cur[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
    out[i + 1] = (cur[i]! - pred) & 0xff;
  }
}

function cost(row: Uint8Array): number {
  let s = 0;
  for (let i = 1; i < row.length; i++) s += row[i]! < 128 ? row[i]! : 256 - row[i]!;
  return s;
}

/** The PNG file of a DecodedImage (1, 3 or 4 channels of 8 bits). */
export function encodePNG(img: DecodedImage, options: EncodePNGOptions = {}): Uint8Array {
  checkImage(img);
  const level = options.compressionLevel ?? 6;
  if (!Number.isInteger(level) || level < 0 || level > 9) throw new ArgumentError(`encodePNG: compressionLevel must be an int from 0 to 9, got ${level}`);
  const { width, height, channels, data } = img;
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride + 1));
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const cur = data.subarray(y * stride, (y + 1) * stride);
    let best = candidates[0]!;
    let bestCost = Infinity;
    for (let t = 0; t < 5; t++) {
      filterRow(t, cur, prev, channels, candidates[t]!);
      const c = cost(candidates[t]!);
      if (c < bestCost) [best, bestCost] = [candidates[t]!, c];
    }
    raw.set(best, y * (stride + 1));
    prev = cur;
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, COLOR_TYPE[channels], 0, 0, 0], 8);
  const idat = zlib.deflateSync(raw, { level });
  const parts = [Uint8Array.from(SIGNATURE), chunk("IHDR", ihdr), chunk("IDAT", new Uint8Array(idat.buffer, idat.byteOffset, idat.byteLength)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
