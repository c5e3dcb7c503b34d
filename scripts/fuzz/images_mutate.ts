/**
 * Seeded mutations for scripts/fuzz/images.ts: generic byte edits (bit flips, byte sets, truncations,
 * splices) and edits that know each format (header fields, chunk and segment lengths and order, frame
 * sizes, restart intervals, re-deflated PNG scanlines), so mutants reach past the first checks.
 */
import { deflateSync, inflateSync } from "node:zlib";
import { crc32 } from "../../src/io/image/png_chunks.ts";
import { insertJpegSegment } from "../../test/io/image_builders.ts";

export type Format = "bmp" | "png" | "jpeg";
export type Rng = () => number;

/** mulberry32: small, fast, and the same stream on every platform. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** PNG chunk boundaries, for structure-aware edits. */
function pngChunks(b: Uint8Array): { pos: number; len: number }[] {
  const out: { pos: number; len: number }[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 8; p + 12 <= b.length; ) {
    const len = dv.getUint32(p);
    if (p + 12 + len > b.length) break;
    out.push({ pos: p, len });
    p += 12 + len;
  }
  return out;
}

function fixPngCrcs(b: Uint8Array): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (const c of pngChunks(b)) dv.setUint32(c.pos + 8 + c.len, crc32(b, c.pos + 4, c.pos + 8 + c.len));
}

/**
 * Edits the inflated scanlines (filter-type bytes, samples, length) and deflates them again, so the zlib
 * stream stays valid and many mutants decode: the accepted images are what the determinism check needs.
 */
function rawScanlineEdit(b: Uint8Array, chunks: { pos: number; len: number }[], rng: Rng): { bytes: Uint8Array; what: string } {
  const type = (c: { pos: number }): string => String.fromCharCode(...b.subarray(c.pos + 4, c.pos + 8));
  const idats = chunks.filter((c) => type(c) === "IDAT");
  if (idats.length === 0) return { bytes: b, what: "no IDAT" };
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idats.map((c) => b.subarray(c.pos + 8, c.pos + 8 + c.len))));
  } catch {
    return { bytes: b, what: "IDAT already corrupt" };
  }
  raw = raw.slice();
  const op = int(rng, 4);
  let what: string;
  if (op === 0) {
    const k = int(rng, raw.length);
    raw[k] = int(rng, 256);
    what = `raw byte ${k} = ${raw[k]}`;
  } else if (op === 1) {
    const n = 1 + int(rng, 16);
    for (let k = 0; k < n; k++) raw[int(rng, raw.length)] ^= 1 << int(rng, 8);
    what = `raw ${n} bit flips`;
  } else if (op === 2) {
    const len = Math.max(0, raw.length + pick(rng, [-1, 1, -int(rng, raw.length), int(rng, 64)]));
    const next = new Uint8Array(len);
    next.set(raw.subarray(0, len));
    raw = next;
    what = `raw length ${len}`;
  } else {
    // Every scanline's filter byte, set to 0..5 (5 is invalid), to exercise all four predictors.
    const f = int(rng, 6);
    raw[int(rng, raw.length)] = f;
    what = `raw filter byte ${f}`;
  }
  const first = idats[0];
  const last = idats[idats.length - 1];
  const z = deflateSync(raw);
  const chunk = new Uint8Array(12 + z.length);
  new DataView(chunk.buffer).setUint32(0, z.length);
  chunk.set([0x49, 0x44, 0x41, 0x54], 4);
  chunk.set(z, 8);
  const out = Uint8Array.from([...b.subarray(0, first.pos), ...chunk, ...b.subarray(last.pos + 12 + last.len)]);
  fixPngCrcs(out);
  return { bytes: out, what };
}

/** JPEG segment starts (marker positions) before the first scan's data, and the scan data ranges. */
function jpegSegments(b: Uint8Array): { pos: number; marker: number; len: number }[] {
  const out: { pos: number; marker: number; len: number }[] = [];
  for (let i = 2; i + 4 <= b.length; ) {
    if (b[i] !== 0xff) break;
    const marker = b[i + 1];
    if (marker === 0xd9) break;
    const len = (b[i + 2] << 8) | b[i + 3];
    out.push({ pos: i, marker, len });
    i += 2 + len;
    if (marker === 0xda) {
      while (i + 1 < b.length && !(b[i] === 0xff && b[i + 1] !== 0 && (b[i + 1] < 0xd0 || b[i + 1] > 0xd7))) i++;
    }
  }
  return out;
}

const SPECIAL = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/** One mutant of `src`; `what` describes the edits (for replaying a finding). */
export function mutate(format: Format, src: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
  let b: Uint8Array = src.slice();
  const edits: string[] = [];
  if (format === "png" && rng() < 0.4) {
    // Most byte edits of a PNG fail its CRCs or adler32; these keep the container valid so that the
    // unfiltering and expansion of odd scanlines is exercised too.
    for (let r = 1 + int(rng, 2); r > 0; r--) {
      const e = rawScanlineEdit(b, pngChunks(b), rng);
      b = e.bytes;
      edits.push(e.what);
    }
    return { bytes: b, what: edits.join(", ") };
  }
  const rounds = 1 + int(rng, 3);
  for (let r = 0; r < rounds; r++) {
    const kind = int(rng, 10);
    if (kind === 0) {
      const n = 1 + int(rng, 8);
      for (let k = 0; k < n; k++) b[int(rng, b.length)] ^= 1 << int(rng, 8);
      edits.push(`flip ${n} bits`);
    } else if (kind === 1) {
      const n = 1 + int(rng, 4);
      for (let k = 0; k < n; k++) b[int(rng, b.length)] = rng() < 0.5 ? pick(rng, SPECIAL) : int(rng, 256);
      edits.push(`set ${n} bytes`);
    } else if (kind === 2) {
      const len = rng() < 0.5 ? int(rng, b.length) : b.length - 1 - int(rng, Math.min(64, b.length));
      b = b.slice(0, Math.max(0, len));
      edits.push(`truncate to ${len}`);
    } else if (kind === 3) {
      const at = int(rng, b.length);
      const n = 1 + int(rng, 32);
      const op = int(rng, 3);
      if (op === 0) b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + n)]);
      else if (op === 1) b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at, at + n), ...b.subarray(at)]);
      else b = Uint8Array.from([...b.subarray(0, at), ...Array.from({ length: n }, () => int(rng, 256)), ...b.subarray(at)]);
      edits.push(`${["delete", "duplicate", "insert"][op]} ${n} at ${at}`);
    } else {
      const e = structural(format, b, rng);
      b = e.bytes;
      edits.push(e.what);
    }
  }
  if (format === "png" && rng() < 0.6) {
    fixPngCrcs(b);
    edits.push("CRCs fixed");
  }
  return { bytes: b, what: edits.join(", ") };
}

/** Edits that know the format: header fields, lengths, sizes, chunk and segment order. */
function structural(format: Format, b: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const size = (): number => pick(rng, [0, 1, 2, 7, 8, 9, 255, 256, 4095, 10000, 32767, 32768, 65535, 65536, 2 ** 31 - 1, 2 ** 32 - 1, int(rng, 5000)]);
  if (format === "png") {
    const chunks = pngChunks(b);
    if (chunks.length < 2 || b.length < 33) return { bytes: b, what: "no-op" };
    const op = int(rng, 6);
    if (op === 0) {
      const f = int(rng, 2);
      dv.setUint32(16 + 4 * f, size() >>> 0);
      return { bytes: b, what: `IHDR ${f ? "height" : "width"} = ${dv.getUint32(16 + 4 * f)}` };
    }
    if (op === 1) {
      const k = 24 + int(rng, 5);
      b[k] = rng() < 0.5 ? int(rng, 20) : int(rng, 256);
      return { bytes: b, what: `IHDR byte ${k} = ${b[k]}` };
    }
    if (op === 2) {
      const c = pick(rng, chunks);
      dv.setUint32(c.pos, rng() < 0.5 ? (c.len + int(rng, 9) - 4) >>> 0 : size() >>> 0);
      return { bytes: b, what: `chunk at ${c.pos} length = ${dv.getUint32(c.pos)}` };
    }
    if (op === 3) {
      // Corrupt the zlib stream itself (CRCs are fixed afterwards), as in the 66-byte file.
      const idats = chunks.filter((c) => String.fromCharCode(...b.subarray(c.pos + 4, c.pos + 8)) === "IDAT" && c.len > 0);
      if (idats.length === 0) return { bytes: b, what: "no IDAT" };
      const c = pick(rng, idats);
      const k = c.pos + 8 + int(rng, c.len);
      b[k] ^= 1 + int(rng, 255);
      return { bytes: b, what: `zlib byte ${k - c.pos - 8} of IDAT at ${c.pos}` };
    }
    const c = pick(rng, chunks.slice(1));
    const piece = b.slice(c.pos, c.pos + 12 + c.len);
    const rest = Uint8Array.from([...b.subarray(0, c.pos), ...b.subarray(c.pos + 12 + c.len)]);
    if (op === 4) return { bytes: rest, what: `drop chunk at ${c.pos}` };
    const at = pick(rng, pngChunks(rest)).pos;
    return { bytes: Uint8Array.from([...rest.subarray(0, at), ...piece, ...rest.subarray(at)]), what: `move chunk at ${c.pos} to ${at}` };
  }
  if (format === "jpeg") {
    const segs = jpegSegments(b);
    if (segs.length === 0) return { bytes: b, what: "no-op" };
    const op = int(rng, 7);
    const sof = segs.find((s) => s.marker >= 0xc0 && s.marker <= 0xc2);
    if (op === 0 && sof && sof.pos + 9 <= b.length) {
      const f = int(rng, 2);
      const v = rng() < 0.5 ? size() & 0xffff : Math.min(65535, ((b[sof.pos + 5 + 2 * f] << 8) | b[sof.pos + 6 + 2 * f]) * (1 + int(rng, 64)));
      dv.setUint16(sof.pos + 5 + 2 * f, v);
      return { bytes: b, what: `frame ${f ? "width" : "height"} = ${v}` };
    }
    if (op === 1) {
      const s = pick(rng, segs);
      if (s.pos + 4 > b.length) return { bytes: b, what: "no-op" };
      dv.setUint16(s.pos + 2, rng() < 0.5 ? (s.len + int(rng, 9) - 4) & 0xffff : size() & 0xffff);
      return { bytes: b, what: `segment 0xff${s.marker.toString(16)} length = ${dv.getUint16(s.pos + 2)}` };
    }
    if (op === 2) {
      const s = pick(rng, segs);
      const k = s.pos + 4 + int(rng, Math.max(1, s.len - 2));
      if (k < b.length) b[k] = rng() < 0.5 ? pick(rng, SPECIAL) : int(rng, 256);
      return { bytes: b, what: `segment 0xff${s.marker.toString(16)} byte ${k - s.pos}` };
    }
    if (op === 3) {
      const interval = pick(rng, [0, 1, 2, 3, 7, 64, 65535]);
      return { bytes: insertJpegSegment(b, 0xdd, [interval >> 8, interval & 255]), what: `insert DRI ${interval}` };
    }
    if (op === 4 && sof) {
      const comps = b[sof.pos + 9];
      const k = sof.pos + 11 + 3 * int(rng, Math.max(1, comps));
      if (k < b.length) b[k] = pick(rng, [0x11, 0x12, 0x21, 0x22, 0x44, 0x41, 0x14, 0x00, 0xff]);
      return { bytes: b, what: `sampling factors byte ${k - sof.pos} = 0x${b[k]?.toString(16)}` };
    }
    if (op === 5) {
      const s = pick(rng, segs.filter((x) => x.marker !== 0xda));
      if (!s) return { bytes: b, what: "no-op" };
      return { bytes: Uint8Array.from([...b.subarray(0, s.pos), ...b.subarray(s.pos + 2 + s.len)]), what: `drop segment 0xff${s.marker.toString(16)}` };
    }
    const sos = segs.filter((x) => x.marker === 0xda);
    if (sos.length === 0) return { bytes: b, what: "no scan" };
    const s = pick(rng, sos);
    const start = s.pos + 2 + s.len;
    const k = start + int(rng, Math.max(1, b.length - start - 2));
    if (k < b.length) b[k] ^= 1 << int(rng, 8);
    return { bytes: b, what: `scan data byte ${k - start}` };
  }
  // BMP: the fields the decoder trusts.
  const fields: [string, number, number][] = [
    ["pixel offset", 10, 4],
    ["header size", 14, 4],
    ["width", 18, 4],
    ["height", 22, 4],
    ["bpp", 28, 2],
    ["compression", 30, 4],
    ["colours used", 46, 4],
    ["red mask", 54, 4],
    ["alpha mask", 66, 4],
  ];
  const [name, off, width] = pick(rng, fields);
  if (off + width > b.length) return { bytes: b, what: "no-op" };
  let v = rng() < 0.3 ? -size() : size();
  if (name === "bpp") v = pick(rng, [0, 1, 2, 4, 8, 15, 16, 24, 32, 64]);
  if (name === "header size") v = pick(rng, [12, 40, 52, 56, 64, 108, 124, 0, 2 ** 31]);
  if (name === "compression") v = int(rng, 8);
  if (width === 2) dv.setUint16(off, v & 0xffff, true);
  else dv.setUint32(off, v >>> 0, true);
  return { bytes: b, what: `${name} = ${v}` };
}
