/**
 * Hand-built image files for the decoder tests and the image fuzz script (scripts/fuzz/images.ts): PNGs of
 * every colour type, bit depth, filter and interlace, written field by field (independently of the decoder,
 * which is compared with pngjs on them); zlib bombs of any inflated size in a few bytes per megabyte; and
 * JPEG header surgery.
 */
import { deflateSync } from "node:zlib";

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** One chunk: length, type, data, CRC (a wrong CRC on request, to test the check). */
export function pngChunk(type: string, data: Uint8Array | number[], badCrc = false): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0);
  return out;
}

export function ihdr(width: number, height: number, depth: number, colorType: number, interlace = 0): Uint8Array {
  const d = new Uint8Array(13);
  const dv = new DataView(d.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  d.set([depth, colorType, 0, 0, interlace], 8);
  return pngChunk("IHDR", d);
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A whole PNG from a header chunk, a zlib stream and optional chunks before IDAT. */
export function pngFile(header: Uint8Array, zlib: Uint8Array, before: Uint8Array[] = []): Uint8Array {
  return concatBytes([PNG_SIGNATURE, header, ...before, pngChunk("IDAT", zlib), pngChunk("IEND", [])]);
}

export interface PngSpec {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace?: boolean;
  /** Sample values, row-major, SAMPLES[colorType] per pixel, each below 2^depth. */
  samples: ArrayLike<number>;
  palette?: number[][];
  /** Raw tRNS chunk data. */
  trns?: number[];
  /** Filter type per scanline (cycled); default all five in turn. */
  filters?: number[];
  /** Split the zlib stream into IDAT chunks of this many bytes. */
  idatSize?: number;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The filtered scanlines (filter byte first) of one pass, built from packed rows. */
function filterRows(rows: Uint8Array[], bpp: number, filters: number[], counter: { n: number }): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev: Uint8Array | null = null;
  for (const row of rows) {
    const f = filters[counter.n++ % filters.length];
    const line = new Uint8Array(row.length + 1);
    line[0] = f;
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev ? prev[i] : 0;
      const c = prev && i >= bpp ? prev[i - bpp] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f];
      line[i + 1] = (row[i] - pred) & 0xff;
    }
    out.push(line);
    prev = row;
  }
  return out;
}

/** Packs one row of samples at `depth` bits, MSB first, 16-bit big-endian. */
function packRow(samples: number[], depth: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((samples.length * depth) / 8));
  samples.forEach((v, i) => {
    if (depth === 16) {
      out[2 * i] = v >> 8;
      out[2 * i + 1] = v & 255;
    } else if (depth === 8) {
      out[i] = v;
    } else {
      const bit = i * depth;
      out[bit >> 3] |= v << (8 - depth - (bit & 7));
    }
  });
  return out;
}

/** The uncompressed, filtered image data a PNG with this spec carries. */
export function pngScanlines(s: PngSpec): Uint8Array {
  const spp = SAMPLES[s.colorType];
  const bpp = Math.max(1, (spp * s.depth) >> 3);
  const grid = s.interlace ? ADAM7 : [[0, 0, 1, 1]];
  const counter = { n: 0 };
  const lines: Uint8Array[] = [];
  for (const [x0, y0, dx, dy] of grid) {
    const rows: Uint8Array[] = [];
    for (let y = y0; y < s.height; y += dy) {
      const samples: number[] = [];
      for (let x = x0; x < s.width; x += dx) {
        for (let c = 0; c < spp; c++) samples.push(s.samples[(y * s.width + x) * spp + c]);
      }
      if (samples.length > 0) rows.push(packRow(samples, s.depth));
    }
    lines.push(...filterRows(rows, bpp, s.filters ?? [0, 1, 2, 3, 4], counter));
  }
  return concatBytes(lines);
}

export function buildPNG(s: PngSpec): Uint8Array {
  const before: Uint8Array[] = [];
  if (s.palette) before.push(pngChunk("PLTE", s.palette.flat()));
  if (s.trns) before.push(pngChunk("tRNS", s.trns));
  const zlib = deflateSync(pngScanlines(s));
  const step = s.idatSize ?? zlib.length;
  const idats: Uint8Array[] = [];
  for (let i = 0; i < zlib.length; i += step) idats.push(pngChunk("IDAT", zlib.subarray(i, i + step)));
  return concatBytes([
    PNG_SIGNATURE,
    ihdr(s.width, s.height, s.depth, s.colorType, s.interlace ? 1 : 0),
    ...before,
    ...idats,
    pngChunk("IEND", []),
  ]);
}

/** Writes deflate's bit stream: fields LSB first, Huffman codes MSB first. */
class BitWriter {
  bytes: number[] = [];
  private acc = 0;
  /** Bits waiting in the current byte. */
  pending = 0;
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) this.bit((value >> i) & 1);
  }
  code(code: string): void {
    for (const c of code) this.bit(c === "1" ? 1 : 0);
  }
  bit(b: number): void {
    this.acc |= b << this.pending;
    if (++this.pending === 8) this.flush();
  }
  flush(): void {
    if (this.pending > 0) this.bytes.push(this.acc);
    this.acc = 0;
    this.pending = 0;
  }
}

/**
 * A zlib stream that inflates to `size` zero bytes, about size/1032 bytes long: one dynamic-Huffman block
 * whose length-258 match (symbol 285) and distance-1 code are one bit each, both coded as 0, so the bulk of
 * the stream is zero bytes. Built directly because deflating gigabytes would take gigabytes.
 */
export function zlibBomb(size: number): Uint8Array {
  if (size < 1) throw new Error("zlibBomb: size must be at least 1");
  const w = new BitWriter();
  w.bits(1, 1); // BFINAL
  w.bits(2, 2); // BTYPE = dynamic
  w.bits(29, 5); // HLIT: 286 literal/length codes
  w.bits(0, 5); // HDIST: 1 distance code
  w.bits(14, 4); // HCLEN: 18 code-length codes
  // Code-length code: 18 -> "0", 1 -> "10", 2 -> "11"; sent in the order 16,17,18,0,8,7,9,6,10,5,11,4,12,3,13,2,14,1.
  const clOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
  const clLen: Record<number, number> = { 18: 1, 1: 2, 2: 2 };
  for (const sym of clOrder) w.bits(clLen[sym] ?? 0, 3);
  const len2 = (): void => w.code("11");
  const len1 = (): void => w.code("10");
  const zeros = (n: number): void => {
    w.code("0");
    w.bits(n - 11, 7);
  };
  // Literal/length lengths: 0 -> 2, 1..255 -> 0, 256 -> 2, 257..284 -> 0, 285 -> 1; distance 0 -> 1.
  len2();
  zeros(138);
  zeros(117);
  len2();
  zeros(28);
  len1();
  len1();
  // Codes: 285 -> "0", literal 0 -> "10", end of block -> "11"; distance 0 -> "0".
  let left = size - 1;
  w.code("10");
  const matches = Math.floor(left / 258);
  left -= matches * 258;
  // Each match is the two bits "00": written bit by bit up to a byte boundary, the rest as whole zero bytes
  // spliced in at that boundary, so a gigabyte bomb costs no gigabyte loop.
  let bits = 2 * matches;
  while (bits > 0 && w.pending !== 0) {
    w.bit(0);
    bits--;
  }
  const zeroBytes = Math.floor(bits / 8);
  const gapAt = w.bytes.length;
  for (let i = 0; i < bits % 8; i++) w.bit(0);
  for (let i = 0; i < left; i++) w.code("10");
  w.code("11");
  w.flush();
  const body = w.bytes;
  const adler = ((size % 65521) * 65536 + 1) >>> 0;
  const out = new Uint8Array(2 + body.length + zeroBytes + 4);
  out.set([0x78, 0x01]);
  out.set(body.slice(0, gapAt), 2);
  out.set(body.slice(gapAt), 2 + gapAt + zeroBytes);
  new DataView(out.buffer).setUint32(out.length - 4, adler);
  return out;
}

/** Sets a JPEG's frame size (the first SOF0/1/2 segment) in a copy. */
export function setJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(bytes); // a copy even for a Buffer, whose slice() is a view
  let i = 2;
  while (i + 4 < out.length) {
    const m = out[i + 1];
    const len = (out[i + 2] << 8) | out[i + 3];
    if (m >= 0xc0 && m <= 0xc2) {
      out[i + 5] = height >> 8;
      out[i + 6] = height & 255;
      out[i + 7] = width >> 8;
      out[i + 8] = width & 255;
      return out;
    }
    i += 2 + len;
  }
  throw new Error("setJpegSize: no frame header");
}

/** Inserts a marker segment (marker byte, payload) right after SOI. */
export function insertJpegSegment(bytes: Uint8Array, marker: number, payload: number[]): Uint8Array {
  const len = payload.length + 2;
  const seg = Uint8Array.from([0xff, marker, len >> 8, len & 255, ...payload]);
  return concatBytes([bytes.subarray(0, 2), seg, bytes.subarray(2)]);
}

export interface DcJpegSpec {
  width: number;
  height: number;
  /** DC refinement scans after the first DC scan (one raw bit per block each). */
  dcRefines?: number;
  /** Progressive AC scans (spectral band 1..63), each coding every block in end-of-band runs. */
  acScans?: number;
  /** Entropy-coded bytes written for the first DC scan; default exactly enough (one bit per block). */
  dcBytes?: number;
  /** Components declared in the frame besides the gray one, which no scan ever codes. */
  unscanned?: number;
}

/** Packs bits MSB first, pads the last byte with 1 bits and stuffs a 0 after every 0xff, as JPEG scans do. */
function scanBytes(bits: number[]): number[] {
  const bytes = new Array<number>(Math.ceil(bits.length / 8)).fill(0xff);
  bits.forEach((b, i) => {
    if (b === 0) bytes[i >> 3] &= ~(0x80 >> (i & 7));
  });
  const out: number[] = [];
  for (const b of bytes) {
    out.push(b);
    if (b === 0xff) out.push(0x00);
  }
  return out;
}

/**
 * A hand-built progressive grayscale JPEG whose every coefficient is zero (a flat 128 gray image), with as
 * few entropy-coded bits as the format allows: the cheapest file that declares a given size. The DC table
 * has the single one-bit code "0" for difference category 0. The AC table codes EOB14 (a run of 16384 to
 * 32767 blocks, with 14 extra bits) as "0" and EOB0..EOB13 as the 5-bit codes 10000..11101.
 */
export function buildDcJpeg(s: DcJpegSpec): Uint8Array {
  const blocks = Math.ceil(s.width / 8) * Math.ceil(s.height / 8);
  const seg = (marker: number, payload: number[]): number[] => {
    const len = payload.length + 2;
    return [0xff, marker, len >> 8, len & 255, ...payload];
  };
  const sos = (ss: number, se: number, ah: number, al: number): number[] => seg(0xda, [1, 1, 0x00, ss, se, (ah << 4) | al]);
  const parts: number[] = [0xff, 0xd8];
  const push = (...arrays: number[][]): void => {
    for (const arr of arrays) for (const v of arr) parts.push(v);
  };
  push(seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]));
  const extra = Array.from({ length: s.unscanned ?? 0 }, (_, i) => [2 + i, 0x11, 0]).flat();
  const nf = 1 + (s.unscanned ?? 0);
  push(seg(0xc2, [8, s.height >> 8, s.height & 255, s.width >> 8, s.width & 255, nf, 1, 0x11, 0, ...extra]));
  push(seg(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00]));
  const acCounts = [1, 0, 0, 0, 14, ...new Array<number>(11).fill(0)];
  const acSymbols = [0xe0, ...Array.from({ length: 14 }, (_, n) => n << 4)];
  push(seg(0xc4, [0x10, ...acCounts, ...acSymbols]));
  push(sos(0, 0, 0, 1));
  const zeros = new Array<number>(blocks).fill(0);
  push(s.dcBytes === undefined ? scanBytes(zeros) : new Array<number>(s.dcBytes).fill(0));
  for (let r = 0; r < (s.dcRefines ?? 0); r++) push(sos(0, 0, 1, 0), scanBytes(zeros));
  for (let a = 0; a < (s.acScans ?? 0); a++) {
    const bits: number[] = [];
    for (let left = blocks; left > 0; ) {
      const n = Math.min(14, Math.floor(Math.log2(left)));
      const run = Math.min(left, 2 ** (n + 1) - 1);
      const code = n === 14 ? [0] : [1, (n >> 3) & 1, (n >> 2) & 1, (n >> 1) & 1, n & 1];
      for (const b of code) bits.push(b);
      for (let b = n - 1; b >= 0; b--) bits.push(((run - 2 ** n) >> b) & 1);
      left -= run;
    }
    push(sos(1, 63, 0, 0), scanBytes(bits));
  }
  parts.push(0xff, 0xd9);
  return Uint8Array.from(parts);
}
