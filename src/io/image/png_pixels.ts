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

/** The parts of a PNG that turn samples into colours. */
export interface PngColours {
  header: PngHeader;
  /** RGB triples (colour type 3). */
  palette: Uint8Array | null;
  /** tRNS: alpha per palette entry, or the sample values of the transparent gray/RGB colour. */
  transparency: Uint8Array | Uint16Array | null;
}

/**
 * Undoes every scanline's filter in place; `raw` is exactly `inflatedSize(h)` bytes. Returns a description
 * of the first unknown filter type, else null.
 */
export function unfilter(raw: Uint8Array, h: PngHeader): string | null {
  const filterBpp = Math.max(1, (SAMPLES_PER_PIXEL[h.colorType] * h.depth) >> 3);
  let pos = 0;
  for (const pass of passesOf(h)) {
    let prev = -1;
    for (let r = 0; r < pass.height; r++) {
      if (!unfilterRow(raw, pos, prev, pass.rowBytes, filterBpp)) {
        return `unknown filter type ${raw[pos]} in scanline ${r}${h.interlaced ? " of an interlaced pass" : ""}`;
      }
      prev = pos;
      pos += pass.rowBytes + 1;
    }
  }
  return null;
}

type Samples = Uint8Array | Uint16Array;

/**
 * Calls `row` with each unfiltered scanline's samples (8-bit rows are passed as views of `raw`, other depths
 * unpacked), its pass and its image row.
 */
function forEachRow(raw: Uint8Array, h: PngHeader, row: (samples: Samples, pass: Pass, y: number) => void): void {
  const spp = SAMPLES_PER_PIXEL[h.colorType];
  let pos = 0;
  for (const pass of passesOf(h)) {
    const n = pass.width * spp;
    const unpacked = new Uint16Array(h.depth === 8 ? 0 : n);
    for (let r = 0; r < pass.height; r++) {
      let samples: Samples = unpacked;
      if (h.depth === 8) samples = raw.subarray(pos + 1, pos + 1 + n);
      else readSamples(raw, pos + 1, n, h.depth, unpacked);
      row(samples, pass, pass.y0 + r * pass.dy);
      pos += pass.rowBytes + 1;
    }
  }
}

/**
 * Whether some pixel is not fully opaque, and the first palette index past the palette (as a description),
 * found before the output is allocated so that it can be made with its final channel count.
 */
export function scanAlpha(raw: Uint8Array, c: PngColours): { transparent: boolean; fault: string | null } {
  const { header: h, palette, transparency: t } = c;
  let transparent = false;
  let fault: string | null = null;
  // Gray or RGB without tRNS cannot be transparent and has no index to check.
  if ((h.colorType === GRAY || h.colorType === RGB) && t === null) return { transparent, fault };
  const max = 2 ** h.depth - 1;
  const entries = palette === null ? 0 : palette.length / 3;
  forEachRow(raw, h, (s, pass, y) => {
    if (fault !== null) return;
    const n = pass.width;
    switch (h.colorType) {
      case PALETTE:
        for (let i = 0; i < n; i++) {
          const k = s[i];
          if (k >= entries) {
            fault = `palette index ${k} past the ${entries}-colour palette at pixel (${pass.x0 + i * pass.dx}, ${y})`;
            return;
          }
          if (t !== null && k < t.length && t[k] !== 255) transparent = true;
        }
        return;
      case GRAY:
        for (let i = 0; i < n && !transparent; i++) transparent = s[i] === (t as Samples)[0];
        return;
      case RGB: {
        const tt = t as Samples;
        for (let i = 0; i < 3 * n && !transparent; i += 3) {
          transparent = s[i] === tt[0] && s[i + 1] === tt[1] && s[i + 2] === tt[2];
        }
        return;
      }
      default: {
        const spp = SAMPLES_PER_PIXEL[h.colorType];
        for (let i = spp - 1; i < spp * n && !transparent; i += spp) transparent = s[i] !== max;
      }
    }
  });
  return { transparent, fault };
}

/**
 * Writes every pixel of the unfiltered image into `out`, `channels` (1, 3 or 4) bytes per pixel: gray or
 * the palette's first component for 1, RGB for 3, RGBA for 4. Indexes were checked by `scanAlpha`.
 */
export function expandPixels(raw: Uint8Array, c: PngColours, channels: 1 | 3 | 4, out: Uint8Array): void {
  const { header: h, palette, transparency: t } = c;
  const ct = h.colorType;
  const scale = scaleTable(ct === PALETTE ? 8 : h.depth);
  const pal = palette ?? new Uint8Array(0);
  const spp = SAMPLES_PER_PIXEL[ct];
  forEachRow(raw, h, (s, pass, y) => {
    const step = pass.dx * channels;
    let o = (y * h.width + pass.x0) * channels;
    const end = pass.width * spp;
    for (let k = 0; k < end; k += spp, o += step) {
      let r: number;
      let g: number;
      let b: number;
      let a = 255;
      if (ct === PALETTE) {
        const e = s[k] * 3;
        r = pal[e];
        g = pal[e + 1];
        b = pal[e + 2];
        if (t !== null && s[k] < t.length) a = t[s[k]];
      } else if (ct === GRAY || ct === GRAY_ALPHA) {
        r = g = b = scale[s[k]];
        if (ct === GRAY_ALPHA) a = scale[s[k + 1]];
        else if (t !== null && s[k] === t[0]) a = 0;
      } else {
        r = scale[s[k]];
        g = scale[s[k + 1]];
        b = scale[s[k + 2]];
        if (ct !== RGB) a = scale[s[k + 3]];
        else if (t !== null && s[k] === t[0] && s[k + 1] === t[1] && s[k + 2] === t[2]) a = 0;
      }
      out[o] = r;
      if (channels === 1) continue;
      out[o + 1] = g;
      out[o + 2] = b;
      if (channels === 4) out[o + 3] = a;
    }
  });
}
