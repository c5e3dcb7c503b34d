/**
 * Valid seed files and issue 17's bombs for scripts/fuzz/images.ts, made with the encoders at hand
 * (encodeBMP, pngjs, jpeg-js) and the hand builders in test/io/image_builders.ts.
 */
import { createRequire } from "node:module";
import { deflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { type DecodedImage, encodeBMP } from "../../src/io/image/index.ts";
import { buildDcJpeg, buildPNG, ihdr, insertJpegSegment, pngFile, setJpegSize, zlibBomb } from "../../test/io/image_builders.ts";
import { type Format, int, mulberry32 } from "./images_mutate.ts";

interface PngWriter {
  PNG: { sync: { write(png: { width: number; height: number; data: Buffer }, opts?: object): Buffer } };
}
const { PNG } = createRequire(import.meta.url)("pngjs") as PngWriter;

export interface Sample {
  name: string;
  bytes: Uint8Array;
}

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
export function seeds(format: Format): Sample[] {
  const out: Sample[] = [];
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
export function bombs(format: Format): Sample[] {
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
