/**
 * Image files for comparing decodeImageAsync (and the browser's decoder) with Node's decodeImage: PNGs
 * of every colour type and bit depth, interlaced or not, with tRNS; pngjs-written RGBA; BMPs; JPEGs
 * (jpeg-js RGB at two qualities, a hand-built gray one); a GIF. Built in Node, served to the page.
 */
import { createRequire } from "node:module";
import { encodeBMP } from "../../src/io/image/index.ts";
import { buildDcJpeg, buildPNG } from "../io/image_builders.ts";

interface PngJs {
  PNG: { sync: { write(png: { width: number; height: number; data: Buffer }, opts?: object): Buffer } };
}
interface JpegJs {
  encode(img: { width: number; height: number; data: Uint8Array }, quality: number): { data: Uint8Array };
}
const require = createRequire(import.meta.url);

function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** A smooth RGBA picture (JPEG-friendly), opaque unless `alpha`. */
function picture(w: number, h: number, alpha = false): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      d[i] = (x * 255) / (w - 1);
      d[i + 1] = (y * 255) / (h - 1);
      d[i + 2] = ((x + y) * 97) & 255;
      d[i + 3] = alpha ? (x * 37 + y * 11) & 255 : 255;
    }
  }
  return d;
}

export type Corpus = Record<string, Uint8Array>;

/** name -> bytes; the extension says the format (the decoders sniff the bytes anyway). */
export function imageCorpus(): Corpus {
  const files: Corpus = {};
  const next = rng(5);
  const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  const SPP: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
  for (const colorType of [0, 2, 3, 4, 6]) {
    for (const depth of DEPTHS[colorType]!) {
      for (const interlace of [false, true]) {
        for (const trnsOn of colorType === 4 || colorType === 6 ? [false] : [false, true]) {
          const [width, height] = interlace ? [9, 7] : [17, 5];
          const max = colorType === 3 ? Math.min(5, 2 ** depth) : 2 ** depth;
          const samples = Array.from({ length: width * height * SPP[colorType]! }, () => next(max));
          const palette = colorType === 3 ? Array.from({ length: max }, (_, i) => (i === 0 ? [90, 90, 90] : [next(256), next(256), next(256)])) : undefined;
          let trns: number[] | undefined;
          if (trnsOn) {
            if (colorType === 3) trns = [0, 128, 255].slice(0, max);
            else if (colorType === 0) trns = [samples[0]! >> 8, samples[0]! & 255];
            else trns = samples.slice(0, 3).flatMap((v) => [v >> 8, v & 255]);
          }
          const name = `png_t${colorType}_d${depth}${interlace ? "_i" : ""}${trnsOn ? "_trns" : ""}.png`;
          files[name] = buildPNG({ width, height, depth, colorType, interlace, samples, palette, trns, idatSize: 11 });
        }
      }
    }
  }
  const { PNG } = require("pngjs") as PngJs;
  files["pngjs_rgba.png"] = new Uint8Array(PNG.sync.write({ width: 31, height: 23, data: Buffer.from(picture(31, 23, true)) }));
  const gray = new Uint8Array(40 * 30).map((_, i) => (i * 7) & 255);
  files["gray.bmp"] = encodeBMP({ width: 40, height: 30, channels: 1, data: gray });
  const rgb = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 13) & 255);
  files["rgb.bmp"] = encodeBMP({ width: 40, height: 30, channels: 3, data: rgb });
  const jpeg = require("jpeg-js") as JpegJs;
  files["q90.jpg"] = jpeg.encode({ width: 48, height: 32, data: picture(48, 32) }, 90).data;
  files["q50.jpg"] = jpeg.encode({ width: 33, height: 17, data: picture(33, 17) }, 50).data;
  files["gray_dc.jpg"] = buildDcJpeg({ width: 24, height: 16 });
  // A 2x1 GIF89a (red, transparent): a format only the browser's own decoder reads.
  files["tiny.gif"] = Uint8Array.from([
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 2, 0, 1, 0, 0x80, 0, 0, 255, 0, 0, 0, 0, 0,
    0x21, 0xf9, 4, 1, 0, 0, 1, 0, 0x2c, 0, 0, 0, 0, 2, 0, 1, 0, 0, 2, 2, 0x44, 0x0a, 0, 0x3b,
  ]);
  return files;
}
