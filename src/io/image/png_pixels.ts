/**
 * From inflated PNG scanlines to 8-bit pixels: the exact scanline layout a header implies (so the inflated
 * length can be required to match it), unfiltering, Adam7 deinterlacing and sample expansion. Every output
 * byte is written from checked input; nothing is read from memory the file did not fill.
 */
import { GRAY, GRAY_ALPHA, PALETTE, type PngHeader, RGB, SAMPLES_PER_PIXEL } from "./png_chunks.ts";

/** One sub-image: Adam7 pass or, without interlace, the whole image. */
interface Pass {
  x0: number;
  y0: number;
  dx: number;
  dy: number;
  width: number;
  height: number;
  /** Bytes per scanline, without the leading filter-type byte. */
  rowBytes: number;
}

/** Adam7 starting column/row and steps (PNG spec 8.2). */
const ADAM7: [number, number, number, number][] = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function bitsPerPixel(h: PngHeader): number {
  return SAMPLES_PER_PIXEL[h.colorType] * h.depth;
}

/** The non-empty passes of the image, in file order. */
export function passesOf(h: PngHeader): Pass[] {
  const grid = h.interlaced ? ADAM7 : [[0, 0, 1, 1] as [number, number, number, number]];
  const bpp = bitsPerPixel(h);
  const out: Pass[] = [];
  for (const [x0, y0, dx, dy] of grid) {
    const width = h.width > x0 ? Math.ceil((h.width - x0) / dx) : 0;
    const height = h.height > y0 ? Math.ceil((h.height - y0) / dy) : 0;
    // An empty pass has no scanlines at all, not even filter bytes (PNG spec 8.2).
    if (width > 0 && height > 0) out.push({ x0, y0, dx, dy, width, height, rowBytes: Math.ceil((width * bpp) / 8) });
  }
  return out;
}

/** Exactly how many bytes the zlib stream must inflate to: every pass's scanlines plus one filter byte each. */
export function inflatedSize(h: PngHeader): number {
  let n = 0;
  for (const p of passesOf(h)) n += p.height * (p.rowBytes + 1);
  return n;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Undoes the filter of the scanline at `raw[start, start + 1 + rowBytes)` in place (byte `start` is the
 * filter type); `prev` is the start of the previous scanline of the same pass, or -1 for its first row.
 */
function unfilterRow(raw: Uint8Array, start: number, prev: number, rowBytes: number, bpp: number): boolean {
  const type = raw[start];
  const s = start + 1;
  const p = prev + 1;
  const hasPrev = prev >= 0;
  switch (type) {
    case 0:
      return true;
    case 1:
      for (let i = bpp; i < rowBytes; i++) raw[s + i] = (raw[s + i] + raw[s + i - bpp]) & 0xff;
      return true;
    case 2:
      if (hasPrev) for (let i = 0; i < rowBytes; i++) raw[s + i] = (raw[s + i] + raw[p + i]) & 0xff;
      return true;
    case 3:
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= bpp ? raw[s + i - bpp] : 0;
        const b = hasPrev ? raw[p + i] : 0;
        raw[s + i] = (raw[s + i] + ((a + b) >> 1)) & 0xff;
      }
      return true;
    case 4:
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= bpp ? raw[s + i - bpp] : 0;
        const b = hasPrev ? raw[p + i] : 0;
        const c = hasPrev && i >= bpp ? raw[p + i - bpp] : 0;
        raw[s + i] = (raw[s + i] + paeth(a, b, c)) & 0xff;
      }
      return true;
    default:
      return false;
  }
}

/** Reads `count` samples of `depth` bits (MSB first, 16-bit big-endian) starting at `raw[start]`. */
function readSamples(raw: Uint8Array, start: number, count: number, depth: number, out: Uint16Array): void {
  if (depth === 8) {
    for (let i = 0; i < count; i++) out[i] = raw[start + i];
  } else if (depth === 16) {
    for (let i = 0, s = start; i < count; i++, s += 2) out[i] = (raw[s] << 8) | raw[s + 1];
  } else {
    const mask = (1 << depth) - 1;
    for (let i = 0; i < count; i++) {
      const bit = i * depth;
      out[i] = (raw[start + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
}

/** Sample value -> 8 bits: x * 255 / (2^depth - 1) rounded, as pngjs and libpng's scale_16 do. */
function scaleTable(depth: number): Uint8Array {
  const max = 2 ** depth - 1;
  const t = new Uint8Array(max + 1);
  for (let v = 0; v <= max; v++) t[v] = Math.floor((v * 255) / max + 0.5);
  return t;
}

export interface PixelTarget {
  /** 1 (gray), 3 (RGB) or 4 (RGBA): how many channels `data` holds per pixel. */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/**
 * Unfilters `raw` (exactly `inflatedSize(h)` bytes, modified in place) and writes every pixel of the image
 * into `target`. For channels 1 and 3 the caller guarantees there is no alpha to keep. Returns an error
 * description for a bad filter type or palette index, else null.
 */
export function expandPixels(
  raw: Uint8Array,
  h: PngHeader,
  palette: Uint8Array | null,
  transparency: Uint8Array | Uint16Array | null,
  target: PixelTarget,
): string | null {
  const spp = SAMPLES_PER_PIXEL[h.colorType];
  const filterBpp = Math.max(1, (spp * h.depth) >> 3);
  const scale = h.colorType === PALETTE ? null : scaleTable(h.depth);
  const entries = palette === null ? 0 : palette.length / 3;
  const { channels, data } = target;
  const px = new Uint8Array(4);
  let pos = 0;
  for (const pass of passesOf(h)) {
    const samples = new Uint16Array(pass.width * spp);
    let prev = -1;
    for (let r = 0; r < pass.height; r++) {
      if (!unfilterRow(raw, pos, prev, pass.rowBytes, filterBpp)) {
        return `unknown filter type ${raw[pos]} in scanline ${r}${h.interlaced ? " of an interlaced pass" : ""}`;
      }
      readSamples(raw, pos + 1, pass.width * spp, h.depth, samples);
      prev = pos;
      pos += pass.rowBytes + 1;
      const y = pass.y0 + r * pass.dy;
      for (let i = 0, s = 0; i < pass.width; i++, s += spp) {
        const err = toRGBA(h.colorType, samples, s, scale, palette, entries, transparency, px);
        if (err !== null) return `${err} at pixel (${pass.x0 + i * pass.dx}, ${y})`;
        const o = (y * h.width + pass.x0 + i * pass.dx) * channels;
        data[o] = px[0];
        if (channels > 1) {
          data[o + 1] = px[1];
          data[o + 2] = px[2];
          if (channels === 4) data[o + 3] = px[3];
        }
      }
    }
  }
  return null;
}

/** One pixel's samples as 8-bit RGBA in `px`; a description of the fault, or null. */
function toRGBA(
  colorType: number,
  s: Uint16Array,
  i: number,
  scale: Uint8Array | null,
  palette: Uint8Array | null,
  entries: number,
  trns: Uint8Array | Uint16Array | null,
  px: Uint8Array,
): string | null {
  if (colorType === PALETTE) {
    const k = s[i];
    if (k >= entries || palette === null) return `palette index ${k} past the ${entries}-colour palette`;
    px[0] = palette[k * 3];
    px[1] = palette[k * 3 + 1];
    px[2] = palette[k * 3 + 2];
    px[3] = trns !== null && k < trns.length ? trns[k] : 255;
    return null;
  }
  const t = scale as Uint8Array;
  if (colorType === GRAY || colorType === GRAY_ALPHA) {
    px[0] = px[1] = px[2] = t[s[i]];
    if (colorType === GRAY_ALPHA) px[3] = t[s[i + 1]];
    else px[3] = trns !== null && s[i] === trns[0] ? 0 : 255;
    return null;
  }
  px[0] = t[s[i]];
  px[1] = t[s[i + 1]];
  px[2] = t[s[i + 2]];
  if (colorType === RGB) {
    px[3] = trns !== null && s[i] === trns[0] && s[i + 1] === trns[1] && s[i + 2] === trns[2] ? 0 : 255;
  } else {
    px[3] = t[s[i + 3]];
  }
  return null;
}
