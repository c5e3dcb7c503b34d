import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import jpeg from "jpeg-js";
import { FormatError } from "../../src/errors.ts";
import { type DecodedImage, decodeImage, encodeBMP, toGray } from "../../src/io/image/index.ts";

interface PngWriter {
  PNG: { sync: { write(png: { width: number; height: number; data: Buffer }, opts?: object): Buffer } };
}
const { PNG } = createRequire(import.meta.url)("pngjs") as PngWriter;

interface BmpSpec {
  headerSize?: 12 | 40 | 56 | 108 | 124;
  width: number;
  height: number; // negative = top-down
  bpp: number;
  compression?: number;
  palette?: number[][]; // [r, g, b]
  masks?: number[]; // written after a 40-byte header, or inside a V3+ header
  rows: number[][]; // unpadded row bytes, in file order
}

/** Builds BMP bytes field by field, independently of encodeBMP, so the decoder is not checked against itself. */
function buildBMP(s: BmpSpec): Uint8Array {
  const headerSize = s.headerSize ?? 40;
  const core = headerSize === 12;
  const entry = core ? 3 : 4;
  const extraMasks = headerSize === 40 && s.masks ? s.masks.length * 4 : 0;
  const palette = s.palette ?? [];
  const offset = 14 + headerSize + extraMasks + palette.length * entry;
  const stride = Math.ceil(Math.max(...s.rows.map((r) => r.length)) / 4) * 4;
  const out = new Uint8Array(offset + stride * s.rows.length);
  const dv = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  dv.setUint32(2, out.length, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, headerSize, true);
  if (core) {
    dv.setUint16(18, s.width, true);
    dv.setUint16(20, s.height, true);
    dv.setUint16(22, 1, true);
    dv.setUint16(24, s.bpp, true);
  } else {
    dv.setInt32(18, s.width, true);
    dv.setInt32(22, s.height, true);
    dv.setUint16(26, 1, true);
    dv.setUint16(28, s.bpp, true);
    dv.setUint32(30, s.compression ?? 0, true);
    dv.setUint32(46, palette.length, true);
    (s.masks ?? []).forEach((m, i) => dv.setUint32(54 + 4 * i, m, true));
  }
  palette.forEach(([r, g, b], i) => out.set([b, g, r], 14 + headerSize + extraMasks + i * entry));
  s.rows.forEach((row, y) => out.set(row, offset + y * stride));
  return out;
}

function expectImage(img: DecodedImage, width: number, height: number, channels: number, data: number[]): void {
  assert.deepEqual(
    { width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) },
    { width, height, channels, data },
  );
}

function expectFormatError(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    for (const p of parts) assert.match(e.message, typeof p === "string" ? new RegExp(p.replace(/\./g, "\\.")) : p);
    return true;
  });
}

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];

describe("BMP decoding", () => {
  it("1-bit with a black/white palette, bottom-up, gives 1 channel", () => {
    // 3x2: file rows are bottom first; pixels are MSB-first bits.
    const bytes = buildBMP({
      width: 3,
      height: 2,
      bpp: 1,
      palette: [
        [0, 0, 0],
        [255, 255, 255],
      ],
      rows: [[0b10100000], [0b01000000]],
    });
    expectImage(decodeImage(bytes, "a.bmp"), 3, 2, 1, [0, 255, 0, 255, 0, 255]);
  });

  it("1-bit with a colour palette gives RGB", () => {
    const bytes = buildBMP({ width: 2, height: 1, bpp: 1, palette: [RED, BLUE], rows: [[0b01000000]] });
    expectImage(decodeImage(bytes, "a.bmp"), 2, 1, 3, [...RED, ...BLUE]);
  });

  it("4-bit paletted, top-down", () => {
    const pal = [[0, 0, 0], RED, GREEN, BLUE];
    const bytes = buildBMP({
      width: 3,
      height: -2,
      bpp: 4,
      palette: pal,
      rows: [
        [0x12, 0x30],
        [0x03, 0x20],
      ],
    });
    expectImage(decodeImage(bytes, "a.bmp"), 3, 2, 3, [...RED, ...GREEN, ...BLUE, 0, 0, 0, ...BLUE, ...GREEN]);
  });

  it("8-bit with a gray palette (not a ramp) gives 1 channel, bottom-up", () => {
    const pal = [
      [10, 10, 10],
      [200, 200, 200],
      [77, 77, 77],
    ];
    const bytes = buildBMP({
      width: 2,
      height: 2,
      bpp: 8,
      palette: pal,
      rows: [
        [2, 1],
        [0, 2],
      ],
    });
    expectImage(decodeImage(bytes, "a.bmp"), 2, 2, 1, [10, 77, 77, 200]);
  });

  it("8-bit with a BITMAPCOREHEADER (3-byte palette entries)", () => {
    const bytes = buildBMP({
      headerSize: 12,
      width: 2,
      height: 1,
      bpp: 8,
      palette: [GREEN, [9, 9, 9]],
      rows: [[1, 0]],
    });
    expectImage(decodeImage(bytes, "core.bmp"), 2, 1, 3, [9, 9, 9, ...GREEN]);
  });

  it("24-bit bottom-up and top-down with row padding", () => {
    // 3 pixels * 3 bytes = 9 bytes per row, padded to 12; pixels are stored B, G, R.
    const top = [0, 0, 255, 0, 255, 0, 255, 0, 0];
    const bottom = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const want = [...RED, ...GREEN, ...BLUE, 3, 2, 1, 6, 5, 4, 9, 8, 7];
    expectImage(decodeImage(buildBMP({ width: 3, height: 2, bpp: 24, rows: [bottom, top] }), "u.bmp"), 3, 2, 3, want);
    expectImage(decodeImage(buildBMP({ width: 3, height: -2, bpp: 24, rows: [top, bottom] }), "d.bmp"), 3, 2, 3, want);
  });

  it("32-bit BI_RGB ignores the fourth byte", () => {
    const bytes = buildBMP({ width: 2, height: 1, bpp: 32, rows: [[30, 20, 10, 0, 3, 2, 1, 77]] });
    expectImage(decodeImage(bytes, "a.bmp"), 2, 1, 3, [10, 20, 30, 1, 2, 3]);
  });

  it("32-bit BI_BITFIELDS in a V4 header keeps a non-opaque alpha", () => {
    const masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    const rows = [[30, 20, 10, 128, 3, 2, 1, 255]];
    const img = decodeImage(
      buildBMP({ headerSize: 108, width: 2, height: 1, bpp: 32, compression: 3, masks, rows }),
      "a.bmp",
    );
    expectImage(img, 2, 1, 4, [10, 20, 30, 128, 1, 2, 3, 255]);
  });

  it("32-bit BI_BITFIELDS with an opaque (or unfilled, all-zero) alpha drops it", () => {
    const masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    for (const a of [255, 0]) {
      const rows = [[30, 20, 10, a, 3, 2, 1, a]];
      const bytes = buildBMP({ headerSize: 124, width: 2, height: 1, bpp: 32, compression: 3, masks, rows });
      expectImage(decodeImage(bytes, "a.bmp"), 2, 1, 3, [10, 20, 30, 1, 2, 3]);
    }
  });

  it("32-bit BI_BITFIELDS with masks after a 40-byte header, in unusual order", () => {
    // Masks R=low byte, G=second, B=third; no alpha mask so the top byte is ignored.
    const bytes = buildBMP({
      width: 1,
      height: 1,
      bpp: 32,
      compression: 3,
      masks: [0xff, 0xff00, 0xff0000],
      rows: [[10, 20, 30, 99]],
    });
    expectImage(decodeImage(bytes, "a.bmp"), 1, 1, 3, [10, 20, 30]);
  });

  it("16-bit 5-6-5 bit fields and default 5-5-5", () => {
    const p565 = (0b11111 << 11) | (0b100000 << 5) | 0b00000; // red full, green half
    const masks = [0xf800, 0x07e0, 0x001f];
    const a = buildBMP({ width: 1, height: 1, bpp: 16, compression: 3, masks, rows: [[p565 & 255, p565 >> 8]] });
    expectImage(decodeImage(a, "a.bmp"), 1, 1, 3, [255, 130, 0]);
    const p555 = (0b00001 << 10) | (0b11111 << 5) | 0b10000;
    const b = buildBMP({ width: 1, height: 1, bpp: 16, rows: [[p555 & 255, p555 >> 8]] });
    expectImage(decodeImage(b, "b.bmp"), 1, 1, 3, [8, 255, 132]);
  });

  it("decodes by magic bytes, not by file name", () => {
    const bytes = buildBMP({ width: 1, height: 1, bpp: 24, rows: [[1, 2, 3]] });
    expectImage(decodeImage(bytes, "mislabelled.png"), 1, 1, 3, [3, 2, 1]);
  });
});

describe("BMP errors", () => {
  const good = buildBMP({
    width: 3,
    height: 2,
    bpp: 24,
    rows: [
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
      [9, 8, 7, 6, 5, 4, 3, 2, 1],
    ],
  });

  it("truncated pixel data names the file", () => {
    expectFormatError(() => decodeImage(good.subarray(0, good.length - 8), "cut.bmp"), "cut.bmp", /truncated/);
  });

  it("every truncation and header corruption is a FormatError, never RangeError/TypeError", () => {
    for (let len = 0; len < good.length - 3; len++) {
      expectFormatError(() => decodeImage(good.subarray(0, len), "t.bmp"), "t.bmp");
    }
    for (let pos = 2; pos < 54; pos++) {
      for (const v of [0x00, 0x7f, 0x80, 0xff]) {
        const b = good.slice();
        b[pos] = v;
        try {
          decodeImage(b, "c.bmp");
        } catch (e) {
          assert.ok(e instanceof FormatError, `byte ${pos}=${v}: ${String(e)}`);
        }
      }
    }
  });

  it("pixel data offset past the end", () => {
    const b = good.slice();
    new DataView(b.buffer).setUint32(10, 5000, true);
    expectFormatError(() => decodeImage(b, "off.bmp"), "off.bmp", /offset 5000 is past the end/);
  });

  it("absurd and zero dimensions", () => {
    const big = buildBMP({ width: 40000, height: 1, bpp: 24, rows: [[0, 0, 0]] });
    expectFormatError(() => decodeImage(big, "big.bmp"), "big.bmp", /absurd dimensions 40000x1/);
    const zero = buildBMP({ width: 1, height: 0, bpp: 24, rows: [[0, 0, 0]] });
    expectFormatError(() => decodeImage(zero, "zero.bmp"), "zero.bmp", /zero/);
  });

  it("RLE compression is refused clearly", () => {
    const rle = buildBMP({ width: 1, height: 1, bpp: 8, compression: 1, palette: [RED], rows: [[0]] });
    expectFormatError(() => decodeImage(rle, "rle.bmp"), "rle.bmp", /BI_RLE8 is not supported/);
  });

  it("palette index past the palette", () => {
    const b = buildBMP({ width: 1, height: 1, bpp: 8, palette: [RED, GREEN], rows: [[5]] });
    expectFormatError(() => decodeImage(b, "p.bmp"), "p.bmp", /palette index 5/);
  });
});

describe("encodeBMP", () => {
  it("round-trips gray, RGB and RGBA images of odd widths", () => {
    const mk = (channels: 1 | 3 | 4, width: number, height: number): DecodedImage => ({
      width,
      height,
      channels,
      data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + 11) % 256),
    });
    const gray = mk(1, 5, 3);
    const rgb = mk(3, 3, 4);
    const rgba = mk(4, 2, 2);
    const back = (img: DecodedImage) => decodeImage(encodeBMP(img), "x.bmp");
    assert.deepEqual(back(gray), gray);
    assert.deepEqual(back(rgb), rgb);
    assert.deepEqual(back(rgba), rgba);
    assert.equal(encodeBMP(gray)[28], 8);
    assert.equal(encodeBMP(rgb)[28], 24);
  });

  it("rejects inconsistent images", () => {
    assert.throws(() => encodeBMP({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }), FormatError);
  });
});

describe("PNG decoding (pngjs)", () => {
  const w = 3;
  const h = 2;
  const rgba = (alpha: (i: number) => number, gray = false) =>
    Buffer.from(
      Array.from({ length: w * h }, (_, i) =>
        (gray ? [i * 40, i * 40, i * 40] : [i * 40, 255 - i, i * 3]).concat(alpha(i)),
      ).flat(),
    );

  it("opaque RGB gives 3 channels with exact pixels", () => {
    const data = rgba(() => 255);
    const img = decodeImage(PNG.sync.write({ width: w, height: h, data }), "rgb.png");
    expectImage(
      img,
      w,
      h,
      3,
      Array.from(data).filter((_, i) => i % 4 !== 3),
    );
  });

  it("non-opaque alpha gives 4 channels", () => {
    const data = rgba((i) => i * 50);
    expectImage(decodeImage(PNG.sync.write({ width: w, height: h, data }), "a.png"), w, h, 4, Array.from(data));
  });

  it("a gray PNG (colour type 0) gives 1 channel", () => {
    const data = rgba(() => 255, true);
    const bytes = PNG.sync.write({ width: w, height: h, data }, { colorType: 0 });
    assert.equal(bytes[25], 0, "IHDR colour type");
    expectImage(decodeImage(bytes, "g.png"), w, h, 1, [0, 40, 80, 120, 160, 200]);
  });

  it("an RGB PNG whose pixels happen to be gray still gives 3 channels", () => {
    const data = rgba(() => 255, true);
    assert.equal(decodeImage(PNG.sync.write({ width: w, height: h, data }, { colorType: 2 }), "c.png").channels, 3);
  });

  it("garbage with a .png name, and a corrupted PNG, name the file", () => {
    const garbage = new TextEncoder().encode("<html>404 not found</html>");
    expectFormatError(
      () => decodeImage(garbage, "photo.png"),
      "photo.png",
      /not a BMP, PNG or JPEG image \(starts with 3c 68/,
    );
    expectFormatError(() => decodeImage(new Uint8Array(0), "empty.png"), "empty.png", /empty/);
    const good = PNG.sync.write({ width: w, height: h, data: rgba(() => 255) });
    expectFormatError(() => decodeImage(good.subarray(0, good.length - 20), "cut.png"), "cut.png", /invalid PNG/);
    const bad = Buffer.from(good);
    bad[40] ^= 0xff;
    expectFormatError(() => decodeImage(bad, "crc.png"), "crc.png", /invalid PNG/);
  });

  it("refuses absurd IHDR dimensions before allocating", () => {
    const good = Buffer.from(PNG.sync.write({ width: w, height: h, data: rgba(() => 255) }));
    good.writeUInt32BE(100000, 16);
    expectFormatError(() => decodeImage(good, "huge.png"), "huge.png", /absurd dimensions 100000x2/);
  });
});

describe("JPEG decoding (jpeg-js)", () => {
  it("a quality-100 colour JPEG decodes to 3 channels within tolerance", () => {
    const w = 16;
    const h = 8;
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set([(i * 2) % 256, 100 + (i % 16) * 8, 200 - (i >> 4) * 10, 255], i * 4);
    const img = decodeImage(jpeg.encode({ width: w, height: h, data }, 100).data, "c.jpg");
    assert.deepEqual([img.width, img.height, img.channels], [w, h, 3]);
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(img.data[i * 3 + c] - data[i * 4 + c]) <= 4, `pixel ${i}`);
    }
  });

  it("a one-component JPEG gives 1 channel", () => {
    // An 8x8 gradient (x*30 + y*5) saved by PIL as a grayscale JPEG at quality 100.
    const b64 =
      "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/" +
      "wAALCAAIAAgBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0Kx" +
      "wRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2" +
      "t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/AOT/AODdz4Sf8iN/ov8A0Dv4P+uftX//2Q==";
    const img = decodeImage(Buffer.from(b64, "base64"), "g.jpeg");
    assert.deepEqual([img.width, img.height, img.channels], [8, 8, 1]);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) assert.ok(Math.abs(img.data[y * 8 + x] - (x * 30 + y * 5)) <= 2, `(${x},${y})`);
    }
  });

  it("every truncation of a JPEG is a FormatError naming the file", () => {
    const data = Buffer.alloc(8 * 8 * 4, 128);
    const bytes = jpeg.encode({ width: 8, height: 8, data }, 90).data;
    for (let len = 2; len < bytes.length - 2; len += 13) {
      expectFormatError(() => decodeImage(bytes.subarray(0, len), "cut.jpg"), "cut.jpg");
    }
  });
});

describe("toGray", () => {
  it("matches PIL's convert('L') (values computed with Pillow 9.4)", () => {
    const colours = [RED, GREEN, BLUE, [12, 200, 99], [255, 255, 255], [1, 2, 3], [128, 128, 127], [250, 5, 130]];
    const img: DecodedImage = { width: colours.length, height: 1, channels: 3, data: Uint8Array.from(colours.flat()) };
    expectImage(toGray(img), colours.length, 1, 1, [76, 150, 29, 132, 255, 2, 128, 93]);
    const withAlpha: DecodedImage = {
      width: 2,
      height: 1,
      channels: 4,
      data: Uint8Array.from([255, 0, 0, 7, 1, 2, 3, 0]),
    };
    expectImage(toGray(withAlpha), 2, 1, 1, [76, 2]);
  });

  it("copies a gray image", () => {
    const g: DecodedImage = { width: 2, height: 1, channels: 1, data: Uint8Array.from([5, 6]) };
    const out = toGray(g);
    assert.deepEqual(out, g);
    assert.notEqual(out.data, g.data);
  });
});
