import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateSync } from "node:zlib";
import jpeg from "jpeg-js";
import { ArgumentError, FormatError } from "../../src/errors.ts";
import * as image from "../../src/io/image/index.ts";
import { decodeImage, encodeBMP } from "../../src/io/image/index.ts";
import { ihdr, pngFile, setJpegSize } from "./image_builders.ts";

function expectFormatError(fn: () => unknown, ...parts: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    for (const p of parts) assert.match(e.message, p);
    return true;
  });
}

/** A w x h 8-bit gray PNG, all zeros. */
function grayPNG(w: number, h: number): Uint8Array {
  return pngFile(ihdr(w, h, 8, 0), deflateSync(new Uint8Array((w + 1) * h)));
}

/** A 1-bit BMP header with a black/white palette, pixel rows all zero. */
function oneBitBMP(width: number, height: number): Uint8Array {
  const stride = Math.ceil(width / 32) * 4;
  const offset = 14 + 40 + 8;
  const out = new Uint8Array(offset + stride * height);
  const dv = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, 40, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, 1, true);
  out.set([255, 255, 255, 0], 58);
  return out;
}

const jpeg8x8 = new Uint8Array(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(256, 90) }, 90).data);

describe("image pixel limits", () => {
  it("default to 100 megapixels and 32768 per side", () => {
    assert.deepEqual(image.getImageLimits(), { maxPixels: 100_000_000, maxSide: 32768 });
  });

  it("setImageLimits applies to PNG, JPEG and BMP alike and returns the previous limits", () => {
    const previous = image.setImageLimits({ maxPixels: 100 });
    try {
      assert.deepEqual(previous, { maxPixels: 100_000_000, maxSide: 32768 });
      assert.deepEqual(image.getImageLimits(), { maxPixels: 100, maxSide: 32768 });
      assert.equal(decodeImage(grayPNG(10, 10), "ok.png").data.length, 100);
      expectFormatError(
        () => decodeImage(grayPNG(11, 10), "big.png"),
        /^big\.png: PNG declares 11x10 = 0\.00011 megapixels, over the limit of 0\.0001 megapixels \(raise maxPixels with setImageLimits/,
      );
      assert.equal(decodeImage(jpeg8x8, "ok.jpg").width, 8);
      expectFormatError(() => decodeImage(setJpegSize(jpeg8x8, 16, 8), "big.jpg"), /^big\.jpg: JPEG declares 16x8/);
      const bmp = (w: number, h: number): Uint8Array => encodeBMP({ width: w, height: h, channels: 1, data: new Uint8Array(w * h) });
      assert.equal(decodeImage(bmp(25, 4), "ok.bmp").height, 4);
      expectFormatError(() => decodeImage(bmp(101, 1), "big.bmp"), /^big\.bmp: BMP declares 101x1/);
    } finally {
      image.setImageLimits(previous);
    }
    assert.deepEqual(image.getImageLimits(), { maxPixels: 100_000_000, maxSide: 32768 });
  });

  it("decodeImage's options override the thread's limits for one call", () => {
    expectFormatError(() => decodeImage(grayPNG(8, 8), "x.png", { maxPixels: 63 }), /over the limit/);
    expectFormatError(() => decodeImage(jpeg8x8, "x.jpg", { maxSide: 7 }), /absurd dimensions 8x8 \(more than 7 pixels per side/);
    assert.equal(decodeImage(grayPNG(8, 8), "x.png", { maxPixels: 64 }).width, 8);
  });

  it("refuses limits that are not positive integers", () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "10"]) {
      assert.throws(() => image.setImageLimits({ maxPixels: bad as number }), ArgumentError);
      assert.throws(() => decodeImage(grayPNG(1, 1), "x.png", { maxSide: bad as number }), /decodeImage: maxSide must be a positive integer/);
    }
    assert.deepEqual(image.getImageLimits(), { maxPixels: 100_000_000, maxSide: 32768 });
  });

  it("a 20000x6000 1-bit BMP (120 megapixels in 15 MB) is refused before allocating", () => {
    const bytes = oneBitBMP(20000, 6000);
    expectFormatError(() => decodeImage(bytes, "wide.bmp"), /^wide\.bmp: BMP declares 20000x6000 = 120 megapixels, over the limit of 100 megapixels/);
  });

  it("PNG and JPEG headers just over 100 megapixels are refused before any pixel work", () => {
    const png = pngFile(ihdr(10001, 10000, 1, 0), deflateSync(new Uint8Array(10)));
    expectFormatError(() => decodeImage(png, "p.png"), /PNG declares 10001x10000 = 100\.01 megapixels/);
    expectFormatError(() => decodeImage(setJpegSize(jpeg8x8, 20000, 20000), "j.jpg"), /JPEG declares 20000x20000 = 400 megapixels/);
  });
});
