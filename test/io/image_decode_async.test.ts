/**
 * decodeImageAsync in Node (no browser decoder here: PNG through DecompressionStream, JPEG through
 * jpeg-js): the same pixels as decodeImage on every file, the same FormatErrors on broken PNGs and
 * bombs refused without inflating. The browser's decoder is compared in test/browser/images.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deflateSync } from "node:zlib";
import { ArgumentError, FormatError } from "../../src/errors.ts";
import { decodeImage } from "../../src/io/image/index.ts";
import { decodeImageAsync, decodePNGAsync, hasBrowserImageDecoder } from "../../src/io/image/decode_async.ts";
import { imageCorpus } from "../browser/image_corpus.ts";
import { ihdr, pngFile, zlibBomb } from "./image_builders.ts";

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected an error");
}

describe("decodeImageAsync in Node", () => {
  it("gives decodeImage's pixels and channels for every PNG, BMP and JPEG of the corpus", async () => {
    assert.equal(hasBrowserImageDecoder(), false);
    let n = 0;
    for (const [name, bytes] of Object.entries(imageCorpus())) {
      if (name.endsWith(".gif")) continue;
      const want = decodeImage(bytes, name);
      const got = await decodeImageAsync(name.startsWith("pngjs") ? new Blob([bytes]) : bytes, name);
      assert.deepEqual([got.width, got.height, got.channels], [want.width, want.height, want.channels], name);
      assert.deepEqual(got.data, want.data, name);
      n++;
    }
    assert.equal(n, 58); // 52 hand-built PNGs, 1 from pngjs, 2 BMPs, 3 JPEGs
  });

  it("an unknown format is decodeImage's FormatError (Node has no decoder of its own)", async () => {
    const gif = imageCorpus()["tiny.gif"]!;
    const e = await errorOf(decodeImageAsync(gif, "t.gif"));
    assert.ok(e instanceof FormatError);
    assert.match(e.message, /^t\.gif: not a BMP, PNG or JPEG image \(starts with 47 49 46 38 39 61 02 00 "GIF89a\.\."\)$/);
    assert.match((await errorOf(decodeImageAsync(new Uint8Array(0), "e.png"))).message, /^e\.png: .*the file is empty/);
  });

  it("broken and oversized PNGs: FormatErrors naming the file, bombs refused without inflating", async () => {
    const cut = deflateSync(new Uint8Array(100 * 101).fill(3));
    for (const [bytes, re] of [
      [pngFile(ihdr(100, 100, 8, 0), cut.subarray(0, cut.length >> 1)), /^c\.png: invalid PNG: image data (is truncated|is not a valid zlib stream)/],
      [pngFile(ihdr(100, 100, 8, 0), deflateSync(new Uint8Array(100 * 99))), /^c\.png: invalid PNG: image data is truncated: it inflates to 9900 bytes, the header needs 10100$/],
      [pngFile(ihdr(4, 4, 8, 0), zlibBomb(4 * 5 + 1)), /^c\.png: invalid PNG: image data inflates to more than the 20 bytes the header needs$/],
      [pngFile(ihdr(1, 1, 8, 0, 1), zlibBomb(3 * 2 ** 30)), /^c\.png: invalid PNG: image data inflates to more than the 2 bytes/],
      [pngFile(ihdr(10000, 10000, 8, 0), deflateSync(new Uint8Array(1000))), /17 compressed bytes cannot hold the 100010000 bytes/],
      [pngFile(ihdr(40000, 2, 8, 0), deflateSync(new Uint8Array(10))), /absurd dimensions 40000x2/],
    ] as [Uint8Array, RegExp][]) {
      const t = performance.now();
      const e = await errorOf(decodePNGAsync(bytes, "c.png"));
      assert.ok(e instanceof FormatError, String(e));
      assert.match(e.message, re);
      assert.ok(performance.now() - t < 2000, `${re}: ${performance.now() - t} ms`);
      // decodeImage refuses the same file too (its wording for a cut stream is zlib's own).
      assert.throws(() => decodeImage(bytes, "c.png"), FormatError);
    }
  });

  it("limits apply as in decodeImage; a runtime without DecompressionStream is told so", async () => {
    const png = imageCorpus()["png_t2_d8.png"]!;
    assert.match((await errorOf(decodeImageAsync(png, "l.png", { maxPixels: 10 }))).message, /^l\.png: PNG declares 17x5 = .*over the limit/);
    const g = globalThis as { DecompressionStream?: unknown };
    const saved = g.DecompressionStream;
    try {
      delete g.DecompressionStream;
      const e = await errorOf(decodeImageAsync(png, "l.png"));
      assert.ok(e instanceof ArgumentError);
      assert.match(e.message, /needs DecompressionStream or Node's zlib/);
    } finally {
      g.DecompressionStream = saved;
    }
  });
});
