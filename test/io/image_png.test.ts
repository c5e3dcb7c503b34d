import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { FormatError } from "../../src/errors.ts";
import { type DecodedImage, decodeImage } from "../../src/io/image/index.ts";
import {
  PNG_SIGNATURE,
  buildPNG,
  concatBytes,
  ihdr,
  pngChunk,
  pngFile,
  pngScanlines,
  zlibBomb,
} from "./image_builders.ts";
import { deflateSync } from "node:zlib";

interface PngJs {
  PNG: {
    sync: {
      read(b: Buffer): { width: number; height: number; data: Buffer };
      write(png: { width: number; height: number; data: Buffer }, opts?: object): Buffer;
    };
  };
}
const { PNG } = createRequire(import.meta.url)("pngjs") as PngJs;

/** Deterministic pseudo-random integers below `n`. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

function toRGBA(img: DecodedImage): Uint8Array {
  const out = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    const s = i * img.channels;
    const rgb = img.channels === 1 ? [img.data[s], img.data[s], img.data[s]] : [...img.data.subarray(s, s + 3)];
    out.set([...rgb, img.channels === 4 ? img.data[s + 3] : 255], i * 4);
  }
  return out;
}

function expectFormatError(fn: () => unknown, ...parts: RegExp[]): FormatError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof FormatError, `expected a FormatError, got ${caught === undefined ? "a result" : String(caught)}`);
  for (const p of parts) assert.match(caught.message, p);
  return caught;
}

/** The 66-byte file of issue 17: 32x32 gray, its 3-byte deflate stream starts with a match of distance 1. */
function corruptDeflatePNG(): Uint8Array {
  // Fixed-Huffman block: BFINAL=1, BTYPE=01; length code 257 = 0000001, distance code 0 = 00000; end 0000000.
  const bits = [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const deflate = new Uint8Array(3);
  bits.forEach((b, i) => (deflate[i >> 3] |= b << (i & 7)));
  return pngFile(ihdr(32, 32, 8, 0), Uint8Array.from([0x78, 0x01, ...deflate, 0, 0, 0, 1]));
}

describe("PNG decoding agrees with pngjs on valid files", () => {
  const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  const SPP: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
  const SIZES = [
    [1, 1],
    [3, 5],
    [9, 7],
    [17, 3],
  ];

  it("every colour type, bit depth, filter and Adam7 interlace, with and without tRNS", () => {
    const next = rng(17);
    let cases = 0;
    for (const colorType of [0, 2, 3, 4, 6]) {
      for (const depth of DEPTHS[colorType]) {
        for (const interlace of [false, true]) {
          for (const [width, height] of SIZES) {
            for (const withTrns of colorType === 4 || colorType === 6 ? [false] : [false, true]) {
              const max = colorType === 3 ? Math.min(5, 2 ** depth) : 2 ** depth;
              const samples = Array.from({ length: width * height * SPP[colorType] }, () => next(max));
              const palette = colorType === 3 ? Array.from({ length: max }, () => [next(256), next(256), next(256)]) : undefined;
              let trns: number[] | undefined;
              if (withTrns) {
                if (colorType === 3) trns = [0, 128, 255].slice(0, max);
                else if (colorType === 0) trns = [samples[0] >> 8, samples[0] & 255];
                else trns = samples.slice(0, 3).flatMap((v) => [v >> 8, v & 255]);
              }
              const bytes = buildPNG({ width, height, depth, colorType, interlace, samples, palette, trns, idatSize: 7 });
              const ref = PNG.sync.read(Buffer.from(bytes));
              const img = decodeImage(bytes, "t.png");
              const what = `type ${colorType} depth ${depth} ${width}x${height} interlace ${interlace} tRNS ${withTrns}`;
              assert.deepEqual([img.width, img.height], [width, height], what);
              const mine = toRGBA(img);
              for (let i = 0; i < width * height * 4; i++) {
                // pngjs also zeroes the colour of a tRNS-transparent pixel; PIL and this decoder keep it.
                if ((i & 3) !== 3 && ref.data[(i & ~3) + 3] === 0 && withTrns) continue;
                assert.equal(mine[i], ref.data[i], `${what}: byte ${i}`);
              }
              const gray = colorType === 0 || colorType === 4 || (colorType === 3 && palette?.every(([r, g, b]) => r === g && g === b));
              const opaque = ref.data.every((v, i) => (i & 3) !== 3 || v === 255);
              assert.equal(img.channels, opaque ? (gray ? 1 : 3) : 4, what);
              cases++;
            }
          }
        }
      }
    }
    assert.equal(cases, 208);
  });

  it("keeps the colour of a tRNS-transparent pixel (as PIL does) and rounds 16-bit samples", () => {
    // 2x1 RGB 16-bit; the first pixel matches tRNS exactly, the second differs in one sample.
    const samples = [0x1234, 0xfedc, 0x0080, 0x1234, 0xfedc, 0x0081];
    const trns = [0x12, 0x34, 0xfe, 0xdc, 0x00, 0x80];
    const img = decodeImage(buildPNG({ width: 2, height: 1, depth: 16, colorType: 2, samples, trns }), "t.png");
    // round(v * 255 / 65535): 0x1234 -> 18, 0xfedc -> 254, 0x80 -> 0, 0x81 -> 1 (128.5/257 rounds up).
    assert.deepEqual([img.channels, ...img.data], [4, 18, 254, 0, 0, 18, 254, 1, 255]);
  });

  it("round-trips pngjs-written RGBA, RGB, gray and gray+alpha", () => {
    const w = 5;
    const h = 3;
    const data = Buffer.from(Array.from({ length: w * h * 4 }, (_, i) => (i * 53 + 7) % 256));
    const gray = Buffer.from(Array.from({ length: w * h }, (_, i) => [i * 17, i * 17, i * 17, 255 - i]).flat());
    const rgba = decodeImage(PNG.sync.write({ width: w, height: h, data }), "a.png");
    assert.deepEqual([rgba.channels, ...rgba.data], [4, ...data]);
    const ga = decodeImage(PNG.sync.write({ width: w, height: h, data: gray }, { colorType: 4 }), "ga.png");
    assert.deepEqual([ga.channels, ...ga.data], [4, ...gray]);
    // pngjs blends alpha into white when writing colour types 0 and 2, so give those opaque pixels.
    const opaque = Buffer.from(gray.map((v, i) => (i % 4 === 3 ? 255 : v)));
    const g = decodeImage(PNG.sync.write({ width: w, height: h, data: opaque }, { colorType: 0 }), "g.png");
    assert.deepEqual([g.channels, ...g.data], [1, ...Array.from({ length: w * h }, (_, i) => i * 17)]);
    const solid = Buffer.from(data.map((v, i) => (i % 4 === 3 ? 255 : v)));
    const rgb = decodeImage(PNG.sync.write({ width: w, height: h, data: solid }, { colorType: 2 }), "c.png");
    assert.deepEqual([rgb.channels, ...rgb.data], [3, ...data.filter((_, i) => i % 4 !== 3)]);
  });
});

describe("PNG decoding never returns garbage", () => {
  it("the 66-byte PNG with a corrupt deflate stream is one FormatError, the same on every decode", () => {
    const bytes = corruptDeflatePNG();
    assert.equal(bytes.length, 66);
    const messages = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const e = expectFormatError(() => decodeImage(bytes, "c.png"), /^c\.png: invalid PNG: /, /invalid distance too far back/);
      messages.add(e.message);
      Buffer.allocUnsafe(4096).fill(i); // recycle pool memory between decodes, as a busy loader would
    }
    assert.equal(messages.size, 1);
  });

  it("a 1000x1000 PNG whose zlib stream is cut short is refused, not padded", () => {
    const full = deflateSync(new Uint8Array(1000 * 1001).fill(0).map((_, i) => (i % 1001 === 0 ? 0 : (i * 7) & 255)));
    for (const keep of [full.length - 4, Math.floor(full.length / 2), 10]) {
      const bytes = pngFile(ihdr(1000, 1000, 8, 0), full.subarray(0, keep));
      expectFormatError(() => decodeImage(bytes, "cut.png"), /cut\.png: invalid PNG: /, /zlib|truncated/);
    }
    // A complete stream of the wrong length (the last row missing) is refused too.
    const short = deflateSync(new Uint8Array(1000 * 999));
    expectFormatError(() => decodeImage(pngFile(ihdr(1000, 1000, 8, 0), short), "s.png"), /inflates to 999000 bytes, the header needs 1001000/);
  });

  it("an interlaced 1x1 PNG whose data inflates to 3 GiB fails at once without inflating it", () => {
    const bytes = pngFile(ihdr(1, 1, 8, 0, 1), zlibBomb(3 * 2 ** 30));
    const rss = process.memoryUsage().rss;
    const t = performance.now();
    expectFormatError(() => decodeImage(bytes, "bomb.png"), /bomb\.png: invalid PNG: image data inflates to more than the 2 bytes/);
    assert.ok(performance.now() - t < 500, `took ${performance.now() - t} ms`);
    assert.ok(process.memoryUsage().rss - rss < 64 * 2 ** 20, "RSS grew by more than 64 MiB");
  });

  it("a 74-byte PNG claiming 10000x10000 is refused before inflating", () => {
    const bytes = pngFile(ihdr(10000, 10000, 8, 0), deflateSync(new Uint8Array(1000)));
    assert.equal(bytes.length, 74);
    expectFormatError(() => decodeImage(bytes, "tiny.png"), /17 compressed bytes cannot hold the 100010000 bytes/);
  });

  it("a dense bomb exactly the declared size decodes (the ratio bound is not too tight)", () => {
    const bytes = pngFile(ihdr(2000, 2000, 8, 0), zlibBomb(2000 * 2001));
    const img = decodeImage(bytes, "flat.png");
    assert.deepEqual([img.width, img.height, img.channels, img.data.every((v) => v === 0)], [2000, 2000, 1, true]);
  });

  it("trailing image data beyond the declared size is refused", () => {
    const bytes = pngFile(ihdr(4, 4, 8, 0), zlibBomb(4 * 5 + 1));
    expectFormatError(() => decodeImage(bytes, "x.png"), /inflates to more than the 20 bytes/);
  });
});

describe("PNG structure errors", () => {
  const spec = { width: 3, height: 2, depth: 8, colorType: 2, samples: Array.from({ length: 18 }, (_, i) => i * 9) };
  const good = buildPNG(spec);
  const zlib = deflateSync(pngScanlines(spec));
  const head = concatBytes([PNG_SIGNATURE, ihdr(3, 2, 8, 2)]);
  const cases: [string, Uint8Array, RegExp][] = [
    ["bad signature", concatBytes([Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), good.subarray(8)]), /bad PNG signature/],
    ["IDAT CRC", concatBytes([head, pngChunk("IDAT", zlib, true), pngChunk("IEND", [])]), /CRC mismatch in the IDAT chunk/],
    ["no IEND", concatBytes([head, pngChunk("IDAT", zlib)]), /no IEND chunk/],
    ["IDAT first", concatBytes([PNG_SIGNATURE, pngChunk("IDAT", zlib)]), /first chunk is IDAT, expected IHDR/],
    ["no IDAT", concatBytes([head, pngChunk("IEND", [])]), /no IDAT chunk/],
    [
      "split IDAT",
      concatBytes([head, pngChunk("IDAT", zlib.subarray(0, 5)), pngChunk("tEXt", [65, 0, 66]), pngChunk("IDAT", zlib.subarray(5)), pngChunk("IEND", [])]),
      /IDAT chunks are not consecutive/,
    ],
    ["unknown critical", concatBytes([head, pngChunk("ABCD", []), pngChunk("IDAT", zlib), pngChunk("IEND", [])]), /unknown critical chunk ABCD/],
    ["palette missing", pngFile(ihdr(3, 2, 8, 3), zlib), /colour type 3 without a PLTE chunk/],
    ["bad depth", pngFile(ihdr(3, 2, 4, 2), zlib), /bit depth 4 is not allowed with colour type 2/],
    ["interlace 2", pngFile(ihdr(3, 2, 8, 2, 2), zlib), /unknown interlace method 2/],
    ["zero width", pngFile(ihdr(0, 2, 8, 2), zlib), /impossible size 0x2/],
    ["filter type 5", pngFile(ihdr(1, 1, 8, 0), deflateSync(Uint8Array.from([5, 0]))), /unknown filter type 5 in scanline 0/],
    [
      "palette index",
      pngFile(ihdr(2, 1, 8, 3), deflateSync(Uint8Array.from([0, 0, 2])), [pngChunk("PLTE", [1, 2, 3, 4, 5, 6])]),
      /palette index 2 past the 2-colour palette at pixel \(1, 0\)/,
    ],
    ["chunk past the end", good.subarray(0, 45), /truncated inside the IDAT chunk at byte 33/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`${name}: FormatError naming the file`, () => {
      expectFormatError(() => decodeImage(bytes, "s.png"), /^s\.png: invalid PNG: /, message);
    });
  }

  it("every truncation and every single-byte change is a FormatError or an image, the same each time", () => {
    const bytes = buildPNG({ ...spec, interlace: true });
    const outcome = (b: Uint8Array): string => {
      try {
        const img = decodeImage(b, "m.png");
        return `${img.width}x${img.height}x${img.channels}:${Buffer.from(img.data).toString("hex")}`;
      } catch (e) {
        assert.ok(e instanceof FormatError, String(e));
        return e.message;
      }
    };
    for (let len = 0; len < bytes.length; len++) assert.match(outcome(bytes.subarray(0, len)), /invalid PNG|not a BMP/);
    for (let pos = 8; pos < bytes.length; pos++) {
      for (const v of [0x00, 0x01, 0x80, 0xff]) {
        const b = bytes.slice();
        b[pos] ^= v;
        const first = outcome(b);
        assert.equal(outcome(b), first, `byte ${pos} ^ ${v}`);
      }
    }
  });
});
