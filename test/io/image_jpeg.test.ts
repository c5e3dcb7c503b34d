import assert from "node:assert/strict";
import { describe, it } from "node:test";
import jpeg from "jpeg-js";
import { FormatError } from "../../src/errors.ts";
import { decodeImage } from "../../src/io/image/index.ts";
import { buildDcJpeg, insertJpegSegment, setJpegSize } from "./image_builders.ts";

function expectFormatError(fn: () => unknown, ...parts: RegExp[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof FormatError, `expected a FormatError, got ${caught === undefined ? "a result" : String(caught)}`);
  for (const p of parts) assert.match(caught.message, p);
  return caught.message;
}

/** A jpeg-js baseline file of a w x h gradient (three components, 4:4:4). */
function encoded(w: number, h: number, quality = 90): Uint8Array {
  const data = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set([(i * 7) & 255, (i * 3) & 255, 255 - (i & 255), 255], i * 4);
  return new Uint8Array(jpeg.encode({ width: w, height: h, data }, quality).data); // not a Buffer: slice() copies
}

describe("JPEG: the declared size is bounded by the file's bits", () => {
  it("a 613-byte JPEG claiming 10000x10000 is refused at once (it cost 2 GB and 13 s before)", () => {
    const bytes = setJpegSize(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(256, 200) }, 90).data, 10000, 10000);
    assert.equal(bytes.length, 613);
    const rss = process.memoryUsage().rss;
    const t = performance.now();
    expectFormatError(
      () => decodeImage(bytes, "bomb.jpg"),
      /^bomb\.jpg: invalid JPEG: image data is truncated: scan 1 has \d+ bytes for 4687500 blocks of 10000x10000 pixels/,
    );
    assert.ok(performance.now() - t < 200, `took ${performance.now() - t} ms`);
    assert.ok(process.memoryUsage().rss - rss < 32 * 2 ** 20);
  });

  it("the cheapest possible file of a size decodes, one byte less of scan data does not", () => {
    // 256x256 gray: 1024 blocks, one bit each in the DC scan = 128 bytes.
    const img = decodeImage(buildDcJpeg({ width: 256, height: 256 }), "flat.jpg");
    assert.deepEqual([img.width, img.height, img.channels, img.data.every((v) => v === 128)], [256, 256, 1, true]);
    expectFormatError(
      () => decodeImage(buildDcJpeg({ width: 256, height: 256, dcBytes: 127 }), "short.jpg"),
      /scan 1 has 127 bytes for 1024 blocks of 256x256 pixels, which need at least 128/,
    );
  });

  it("a scan cut short before a restart interval ends is refused (jpeg-js pads it with gray)", () => {
    // One 8x8 MCU of data declared as 16x8 (two MCUs) with a restart interval of 1: jpeg-js decodes the first
    // interval, finds EOI instead of RST0 and returns the second MCU as flat gray.
    const bytes = insertJpegSegment(setJpegSize(encoded(8, 8), 16, 8), 0xdd, [0, 1]);
    expectFormatError(() => decodeImage(bytes, "rst.jpg"), /scan 1 has 0 restart markers, its 2 units need 1/);
  });

  it("a component that no scan codes is refused", () => {
    expectFormatError(
      () => decodeImage(buildDcJpeg({ width: 16, height: 16, unscanned: 2 }), "part.jpg"),
      /component 2 has no DC scan \(the image is incomplete\)/,
    );
  });

  it("64 scans decode, 65 are refused (each scan revisits every block)", () => {
    const ok = decodeImage(buildDcJpeg({ width: 64, height: 64, dcRefines: 31, acScans: 32 }), "many.jpg");
    assert.deepEqual([ok.width, ok.height, ok.channels], [64, 64, 1]);
    expectFormatError(
      () => decodeImage(buildDcJpeg({ width: 64, height: 64, dcRefines: 32, acScans: 32 }), "more.jpg"),
      /65 scans, more than the 64 this reader accepts/,
    );
  });
});

describe("JPEG: bad bytes give one FormatError, the same every time", () => {
  const files: [string, Uint8Array][] = [
    ["baseline", encoded(24, 16, 75)],
    ["progressive", buildDcJpeg({ width: 40, height: 24, dcRefines: 1, acScans: 1 })],
  ];
  for (const [name, bytes] of files) {
    it(`every truncation of a ${name} file is refused`, () => {
      for (let len = 0; len < bytes.length - 1; len++) {
        const cut = bytes.subarray(0, len);
        const first = expectFormatError(() => decodeImage(cut, "cut.jpg"), /cut\.jpg: /);
        assert.equal(expectFormatError(() => decodeImage(cut, "cut.jpg")), first, `length ${len}`);
      }
    });

    it(`every single-byte change of a ${name} file is an image or a FormatError, the same each time`, () => {
      const outcome = (b: Uint8Array): string => {
        try {
          const img = decodeImage(b, "m.jpg");
          return `${img.width}x${img.height}x${img.channels}:${Buffer.from(img.data).toString("base64")}`;
        } catch (e) {
          assert.ok(e instanceof FormatError, String(e));
          return e.message;
        }
      };
      for (let pos = 2; pos < bytes.length; pos += name === "baseline" ? 3 : 1) {
        for (const v of [0x01, 0x80, 0xff]) {
          const b = bytes.slice();
          b[pos] ^= v;
          assert.equal(outcome(b), outcome(b), `byte ${pos} ^ ${v}`);
        }
      }
    });
  }

  it("an arithmetic-coded or 12-bit JPEG is refused by name", () => {
    const sof9 = encoded(8, 8).slice();
    const i = sof9.findIndex((b, k) => b === 0xff && sof9[k + 1] === 0xc0);
    sof9[i + 1] = 0xc9;
    expectFormatError(() => decodeImage(sof9, "a.jpg"), /arithmetic-coded sequential JPEG is not supported/);
    const twelve = encoded(8, 8).slice();
    twelve[i + 4] = 12;
    expectFormatError(() => decodeImage(twelve, "p.jpg"), /12-bit samples are not supported/);
  });
});
