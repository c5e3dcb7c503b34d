/**
 * Image decoder fuzzing (issue 17, points 1-2): seeded mutants of valid BMP, PNG and JPEG files of several
 * kinds (made here with encodeBMP, pngjs, jpeg-js and the hand builders in test/io/image_builders.ts), plus
 * the bombs, each decoded several times. Every mutant must end in an image or a FormatError, the
 * same on every decode; no decode may take over 2 s; peak RSS must stay under 4x the largest accepted
 * decoded image + 200 MB.
 *
 *   npm run fuzz:images -- --count 10000            # 10,000 mutants per format, seed 1
 *   npm run fuzz:images -- --format png --seed 7 --only 123   # replay one mutant, printing its outcome
 *   FUZZ_DUMP=m.png npm run fuzz:images -- --format png --only 123   # ... and write its bytes to m.png
 *   FUZZ_DEBUG=1 npm run fuzz:images -- --count 10000                # RSS and heap every 1000 mutants
 *
 * Prints the counts per format (each format in its own process); exits 1 on an untyped error, a differing
 * decode, a decode over 2 s or RSS over the bound.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deflateSync, inflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { FormatError, KindlingError } from "../../src/errors.ts";
import { type DecodedImage, decodeImage, encodeBMP } from "../../src/io/image/index.ts";
import { crc32 } from "../../src/io/image/png_chunks.ts";
import {
  buildDcJpeg,
  buildPNG,
  ihdr,
  insertJpegSegment,
  pngFile,
  setJpegSize,
  zlibBomb,
} from "../../test/io/image_builders.ts";

type Format = "bmp" | "png" | "jpeg";
type Rng = () => number;

interface PngWriter {
  PNG: { sync: { write(png: { width: number; height: number; data: Buffer }, opts?: object): Buffer } };
}
const { PNG } = createRequire(import.meta.url)("pngjs") as PngWriter;

function parseArgs(): { count: number; seed: number; formats: Format[]; repeat: number; only: number | null } {
  const args = process.argv.slice(2);
  const get = (name: string, def: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
  };
  const count = Number(get("count", "1000"));
  const seed = Number(get("seed", "1"));
  const repeat = Number(get("repeat", "3"));
  const only = get("only", "") === "" ? null : Number(get("only", ""));
  const format = get("format", "all");
  const formats: Format[] = format === "all" ? ["bmp", "png", "jpeg"] : [format as Format];
  for (const [n, v] of [["count", count], ["seed", seed], ["repeat", repeat]] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || (n === "repeat" && v < 2)) {
      console.error(`fuzz:images: --${n} must be a non-negative integer${n === "repeat" ? " >= 2" : ""}, got ${v}`);
      process.exit(2);
    }
  }
  if (!formats.every((f) => ["bmp", "png", "jpeg"].includes(f))) {
    console.error(`fuzz:images: --format must be bmp, png, jpeg or all, got ${format}`);
    process.exit(2);
  }
  return { count, seed, formats, repeat, only };
}

/** mulberry32: small, fast, and the same stream on every platform. */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** A w x h test pattern with `channels` channels (gradients and noise, so compressors have work). */
function pattern(w: number, h: number, channels: 1 | 3 | 4, seed: number): DecodedImage {
  const rng = mulberry32(seed);
  const data = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const v = c === 3 ? 128 + ((x * 5) % 128) : (x * (c + 3) + y * (7 - c) + int(rng, 24)) & 255;
        data[(y * w + x) * channels + c] = v;
      }
    }
  }
  return { width: w, height: h, channels, data };
}

function toRGBA(img: DecodedImage): Buffer {
  const out = Buffer.alloc(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    const s = i * img.channels;
    const g = img.data[s];
    out[i * 4] = g;
    out[i * 4 + 1] = img.channels === 1 ? g : img.data[s + 1];
    out[i * 4 + 2] = img.channels === 1 ? g : img.data[s + 2];
    out[i * 4 + 3] = img.channels === 4 ? img.data[s + 3] : 255;
  }
  return out;
}

/** Valid files of several kinds per format. */
function seeds(format: Format): { name: string; bytes: Uint8Array }[] {
  const out: { name: string; bytes: Uint8Array }[] = [];
  if (format === "bmp") {
    for (const [w, h] of [[17, 9], [64, 48], [3, 1]]) {
      for (const ch of [1, 3, 4] as const) out.push({ name: `bmp ${w}x${h}x${ch}`, bytes: encodeBMP(pattern(w, h, ch, w + ch)) });
    }
  } else if (format === "png") {
    for (const [w, h] of [[16, 16], [37, 23]]) {
      const rgba = toRGBA(pattern(w, h, 4, w));
      const opaque = toRGBA(pattern(w, h, 3, w));
      out.push({ name: `pngjs rgba ${w}x${h}`, bytes: new Uint8Array(PNG.sync.write({ width: w, height: h, data: rgba })) });
      for (const colorType of [0, 2, 4]) {
        const data = colorType === 4 ? rgba : opaque;
        out.push({ name: `pngjs type ${colorType} ${w}x${h}`, bytes: new Uint8Array(PNG.sync.write({ width: w, height: h, data }, { colorType })) });
      }
    }
    const rng = mulberry32(99);
    const samples = (n: number, max: number): number[] => Array.from({ length: n }, () => int(rng, max));
    for (const depth of [1, 2, 4, 8]) {
      const entries = Math.min(2 ** depth, 12);
      const palette = Array.from({ length: entries }, () => [int(rng, 256), int(rng, 256), int(rng, 256)]);
      const trns = Array.from({ length: Math.min(entries, 3) }, () => int(rng, 256));
      out.push({
        name: `palette ${depth}-bit interlaced`,
        bytes: buildPNG({ width: 21, height: 13, depth, colorType: 3, interlace: true, samples: samples(21 * 13, entries), palette, trns }),
      });
    }
    out.push({ name: "gray 1-bit", bytes: buildPNG({ width: 33, height: 9, depth: 1, colorType: 0, samples: samples(33 * 9, 2), trns: [0, 1] }) });
    out.push({ name: "rgb 16-bit tRNS", bytes: buildPNG({ width: 9, height: 7, depth: 16, colorType: 2, samples: samples(9 * 7 * 3, 65536), trns: [0, 0, 0, 0, 0, 0] }) });
    out.push({ name: "rgba 16-bit interlaced, split IDAT", bytes: buildPNG({ width: 11, height: 10, depth: 16, colorType: 6, interlace: true, samples: samples(11 * 10 * 4, 65536), idatSize: 64 }) });
    out.push({ name: "gray+alpha 8-bit interlaced", bytes: buildPNG({ width: 19, height: 17, depth: 8, colorType: 4, interlace: true, samples: samples(19 * 17 * 2, 256) }) });
  } else {
    for (const [w, h] of [[8, 8], [33, 17], [64, 64], [128, 96]]) {
      for (const q of [10, 60, 95]) {
        const data = Buffer.from(toRGBA(pattern(w, h, 3, w * q)));
        out.push({ name: `jpeg-js ${w}x${h} q${q}`, bytes: new Uint8Array(jpeg.encode({ width: w, height: h, data }, q).data) });
        // Each jpeg-js encoder builds ~10 MB of tables; collect them before they pile up in RSS, which
        // never shrinks back and would be charged to the decoders.
        (globalThis as { gc?: () => void }).gc?.();
      }
    }
    out.push({ name: "progressive DC+AC 48x40", bytes: buildDcJpeg({ width: 48, height: 40, dcRefines: 2, acScans: 3 }) });
    out.push({ name: "progressive DC 200x120", bytes: buildDcJpeg({ width: 200, height: 120 }) });
  }
  return out;
}

/** Issue 17's bombs (and relatives), decoded as they are, before any mutation. */
function bombs(format: Format): { name: string; bytes: Uint8Array }[] {
  if (format === "png") {
    return [
      { name: "interlaced 1x1 inflating to 3 GiB", bytes: pngFile(ihdr(1, 1, 8, 0, 1), zlibBomb(3 * 2 ** 30)) },
      { name: "74-byte 10000x10000", bytes: pngFile(ihdr(10000, 10000, 8, 0), deflateSync(new Uint8Array(1000))) },
      { name: "6000x6000 gray, 36 MB of zeros in 35 KB, one row short", bytes: pngFile(ihdr(6000, 6000, 8, 0), zlibBomb(6001 * 5999)) },
      { name: "2000x2000 gray, dense and exact (valid)", bytes: pngFile(ihdr(2000, 2000, 8, 0), zlibBomb(2001 * 2000)) },
      { name: "66-byte corrupt deflate", bytes: pngFile(ihdr(32, 32, 8, 0), Uint8Array.from([0x78, 0x01, 0x03, 0x02, 0x00, 0, 0, 0, 1])) },
    ];
  }
  if (format === "jpeg") {
    const flat = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(256, 200) }, 90).data);
    return [
      { name: "613-byte 10000x10000", bytes: setJpegSize(flat, 10000, 10000) },
      { name: "65535x1500 in a DC-only file of 100 bytes", bytes: buildDcJpeg({ width: 65535, height: 1500, dcBytes: 100 }) },
      { name: "restart interval cut short", bytes: insertJpegSegment(setJpegSize(flat, 16, 8), 0xdd, [0, 1]) },
      { name: "65 scans", bytes: buildDcJpeg({ width: 64, height: 64, dcRefines: 32, acScans: 32 }) },
    ];
  }
  const bmp1 = (w: number, h: number, rows: number): Uint8Array => {
    const stride = Math.ceil(w / 32) * 4;
    const b = new Uint8Array(62 + stride * rows);
    const dv = new DataView(b.buffer);
    b.set([0x42, 0x4d]);
    dv.setUint32(10, 62, true);
    dv.setUint32(14, 40, true);
    dv.setInt32(18, w, true);
    dv.setInt32(22, h, true);
    dv.setUint16(26, 1, true);
    dv.setUint16(28, 1, true);
    b.set([255, 255, 255, 0], 58);
    return b;
  };
  return [
    { name: "32768x32768 1-bit header", bytes: bmp1(32768, 32768, 2) },
    { name: "20000x6000 1-bit, complete (120 MP in 15 MB)", bytes: bmp1(20000, 6000, 6000) },
  ];
}

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
function mutate(format: Format, src: Uint8Array, rng: Rng): { bytes: Uint8Array; what: string } {
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

interface Tally {
  accepted: number;
  typed: number;
  untyped: number;
  differing: number;
  acceptedDiffering: number;
  maxMs: number;
  maxCpuMs: number;
  slowest: string;
  largestAccepted: number;
  examples: string[];
}

function outcomeOf(bytes: Uint8Array, source: string): { key: string; ok: boolean; typed: boolean; size: number } {
  try {
    const img = decodeImage(bytes, source);
    const hash = createHash("sha1").update(img.data).digest("hex");
    return { key: `ok ${img.width}x${img.height}x${img.channels} ${hash}`, ok: true, typed: true, size: img.data.length };
  } catch (e) {
    const typed = e instanceof FormatError;
    const name = e instanceof Error ? e.name : typeof e;
    const other = e instanceof KindlingError && !typed ? " (typed, but not FormatError)" : "";
    return { key: `${name}: ${e instanceof Error ? e.message : String(e)}${other}`, ok: false, typed, size: 0 };
  }
}

/** The highest RSS seen after a file's decodes, and that file: where a memory regression shows first. */
const rssPeak = { rss: 0, after: "" };

function run(format: Format, name: string, bytes: Uint8Array, repeat: number, t: Tally): void {
  const keys: string[] = [];
  let first: ReturnType<typeof outcomeOf> | null = null;
  for (let r = 0; r < repeat; r++) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const o = outcomeOf(bytes, `${format}:${name}`);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(cpu);
    const cpuMs = (c.user + c.system) / 1000;
    if (ms > t.maxMs) {
      t.maxMs = ms;
      t.slowest = `${name} (${o.ok ? "accepted" : "error"}, ${bytes.length} bytes)`;
    }
    t.maxCpuMs = Math.max(t.maxCpuMs, cpuMs);
    keys.push(o.key);
    first ??= o;
  }
  const o = first as ReturnType<typeof outcomeOf>;
  const rss = process.memoryUsage().rss;
  if (rss > rssPeak.rss) Object.assign(rssPeak, { rss, after: `${format} ${name}` });
  if (new Set(keys).size > 1) {
    t.differing++;
    if (keys.some((k) => k.startsWith("ok "))) t.acceptedDiffering++;
    if (t.examples.length < 5) t.examples.push(`differing: ${name}: ${[...new Set(keys)].join(" | ")}`);
  } else if (o.ok) {
    t.accepted++;
    t.largestAccepted = Math.max(t.largestAccepted, o.size);
  } else if (o.typed) {
    t.typed++;
  } else {
    t.untyped++;
    if (t.examples.length < 5) t.examples.push(`untyped: ${name}: ${o.key}`);
  }
}

/**
 * Each format runs in its own process, so that its peak RSS (which never shrinks back) is measured from a
 * fresh start and checked against its own largest accepted image.
 */
function runEachFormat(formats: Format[]): never {
  let failed = false;
  const args = process.argv.slice(2).filter((a, i, all) => a !== "--format" && all[i - 1] !== "--format");
  for (const format of formats) {
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...args, "--format", format], { stdio: "inherit" });
    if (r.status !== 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}

function main(): void {
  const { count, seed, formats, repeat, only } = parseArgs();
  if (formats.length > 1) runEachFormat(formats);
  const gc = (globalThis as { gc?: () => void }).gc;
  const startRss = process.memoryUsage().rss;
  let failed = false;
  let largestAccepted = 0;
  console.log(`fuzz:images ${formats[0]}: seed ${seed}, ${count} mutants, ${repeat} decodes each`);
  for (const format of formats) {
    const tally: Tally = {
      accepted: 0,
      typed: 0,
      untyped: 0,
      differing: 0,
      acceptedDiffering: 0,
      maxMs: 0,
      maxCpuMs: 0,
      slowest: "",
      largestAccepted: 0,
      examples: [],
    };
    const srcs = seeds(format);
    const bombList = only === null ? bombs(format) : [];
    gc?.();
    const started = performance.now();
    for (const bomb of bombList) run(format, `bomb: ${bomb.name}`, bomb.bytes, repeat, tally);
    for (let i = 0; i < count; i++) {
      if (only !== null && i !== only) continue;
      const rng = mulberry32((seed * 0x9e3779b1) ^ (i * 0x85ebca6b) ^ format.charCodeAt(0));
      const src = pick(rng, srcs);
      const m = mutate(format, src.bytes, rng);
      const name = `#${i} ${src.name}: ${m.what}`;
      if (only !== null) console.log(name, "->", outcomeOf(m.bytes, `${format}#${i}`).key.slice(0, 300));
      if (only !== null && process.env.FUZZ_DUMP) writeFileSync(process.env.FUZZ_DUMP, m.bytes);
      run(format, name, m.bytes, repeat, tally);
      if (gc && i % 50 === 49) gc();
      if (process.env.FUZZ_DEBUG && i % 1000 === 999) {
        const m = process.memoryUsage();
        const f = (n: number): string => (n / 2 ** 20).toFixed(0);
        console.log(`  ${i + 1}: rss ${f(m.rss)} heapTotal ${f(m.heapTotal)} heapUsed ${f(m.heapUsed)} external ${f(m.external)} MB`);
      }
    }
    largestAccepted = Math.max(largestAccepted, tally.largestAccepted);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const total = tally.accepted + tally.typed + tally.untyped + tally.differing;
    console.log(
      `${format}: ${total} files (${bombList.length} bombs + mutants) in ${secs} s: accepted ${tally.accepted}, ` +
        `typed errors ${tally.typed}, untyped errors ${tally.untyped}, differing decodes ${tally.differing} ` +
        `(accepted-but-differing ${tally.acceptedDiffering}), max decode ${tally.maxMs.toFixed(1)} ms wall / ` +
        `${tally.maxCpuMs.toFixed(1)} ms CPU (slowest: ${tally.slowest}), largest accepted ${tally.largestAccepted} bytes`,
    );
    for (const e of tally.examples) console.log(`  ${e.slice(0, 400)}`);
    if (tally.untyped > 0 || tally.differing > 0 || tally.maxMs > 2000) failed = true;
  }
  const peak = process.resourceUsage().maxRSS * 1024;
  const bound = 4 * largestAccepted + 200 * 2 ** 20;
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MB`;
  console.log(`peak RSS ${mb(peak)} (bound 4 x ${mb(largestAccepted)} + 200 MB = ${mb(bound)})${peak > bound ? " OVER" : ""}`);
  console.log(`  RSS at start ${mb(startRss)}; highest after a file ${mb(rssPeak.rss)}, after ${rssPeak.after.slice(0, 160)}`);
  if (peak > bound) failed = true;
  process.exit(failed ? 1 : 0);
}

main();
