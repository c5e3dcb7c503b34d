import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createRequire } from "node:module";
import { ArgumentError, DTypeError, ShapeError } from "../../src/errors.ts";
import { decodeBMP, decodePNG } from "../../src/io/image/index.ts";
import { encodePNG } from "../../src/io/image/png_encode.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import * as torch from "../../src/index.ts";
import { gridToImage, makeGrid, saveImage } from "../../src/utils/vision/index.ts";

interface Tens { shape: number[]; dtype: "float32" | "float64" | "int32"; data: number[] }
/** pngjs (a dev dependency without types) as an independent PNG reader. */
interface PngJs {
  PNG: { sync: { read(b: Buffer): { width: number; height: number; data: Buffer } } };
}
const { PNG } = createRequire(import.meta.url)("pngjs") as PngJs;
const fx = JSON.parse(readFileSync(new URL("../fixtures/vision13.json", import.meta.url), "utf8"));
const tensor = (t: Tens): Tensor => Tensor.fromStorage(Float32Array.from(t.data), "float32", t.shape);
const five = tensor(fx.grid_inputs.five);
const ones = tensor(fx.grid_inputs.ones);
const dir = mkdtempSync(join(tmpdir(), "kindling-vision-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The slice [k] of a [N, ...] float32 tensor as its own tensor. */
function item(t: Tensor, k: number): Tensor {
  const n = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return Tensor.fromStorage((t.toTypedArray() as Float32Array).slice(k * n, (k + 1) * n), "float32", t.shape.slice(1));
}

const inputs: Record<string, () => Tensor | Tensor[]> = {
  five: () => five,
  ones: () => ones,
  single3: () => item(five, 0),
  single2d: () => item(item(ones, 0), 0),
  list: () => [item(five, 1), item(five, 2)],
};

describe("utils.makeGrid against torchvision.utils.make_grid (transcribed in torch)", () => {
  for (const [name, c] of Object.entries(fx.make_grid) as [string, { input: string; opts: object; out: Tens }][]) {
    it(`${name} ${JSON.stringify(c.opts)}`, () => {
      const g = makeGrid(inputs[c.input]!(), c.opts);
      assert.deepEqual(g.shape, c.out.shape);
      const v = g.toTypedArray();
      // float32 throughout, with torch's rounding of each step: equal to the bit.
      for (let i = 0; i < v.length; i++) if (v[i] !== Math.fround(c.out.data[i]!)) assert.fail(`element ${i}: ${v[i]} vs ${c.out.data[i]}`);
    });
  }
  it("is torch.utils.makeGrid and keeps the dtype; the input is not modified", () => {
    assert.equal(torch.utils.makeGrid, makeGrid);
    const before = Array.from(five.toTypedArray());
    const g = makeGrid(five.to("float64"), { normalize: true });
    assert.equal(g.dtype, "float64");
    assert.deepEqual(Array.from(five.toTypedArray()), before);
    const ints = Tensor.fromStorage(Int32Array.from({ length: 8 }, (_, i) => i), "int32", [2, 1, 2, 2]);
    assert.deepEqual(makeGrid(ints, { padding: 1, padValue: 9 }).shape, [3, 4, 7]);
  });
  it("refuses bad inputs and options", () => {
    assert.throws(() => makeGrid(Tensor.fromStorage(new Float32Array(2), "float32", [2])), ShapeError);
    assert.throws(() => makeGrid([item(five, 0), item(ones, 0)]), /stack expects each tensor to be equal size, but got \[3, 4, 3\] at entry 0 and \[1, 4, 4\] at entry 1/);
    assert.throws(() => makeGrid(five, { normalize: true, valueRange: 1 as unknown as [number, number] }), /value_range has to be a tuple \(min, max\)/);
    assert.throws(() => makeGrid(five, { pad_value: 1 } as object), /unknown option 'pad_value' \(did you mean 'padValue'\?\)/);
    assert.throws(() => makeGrid(five, 4 as unknown as object), /pass \{ nrow: 4 \}/);
    assert.throws(() => makeGrid(Tensor.fromStorage(Int32Array.from([1, 2, 3, 4]), "int32", [2, 1, 1, 2]), { normalize: true }), DTypeError);
    assert.throws(() => makeGrid("x" as unknown as Tensor), (e) => e instanceof ArgumentError && /tensor or list of tensors expected/.test(e.message));
  });
});

describe("utils.saveImage", () => {
  for (const [name, c] of Object.entries(fx.save_image) as [string, { opts: object; hwc: Tens }][]) {
    it(`${name}: the PNG decodes (kindling's decoder and pngjs) to torchvision's bytes`, () => {
      const path = join(dir, `${name}.png`);
      saveImage(inputs[name]!(), path, c.opts);
      const bytes = readFileSync(path);
      const [h, w] = c.hwc.shape as [number, number, number];
      const ours = decodePNG(bytes, path);
      assert.equal(ours.width, w);
      assert.equal(ours.height, h);
      assert.equal(ours.channels, 3);
      assert.deepEqual(Array.from(ours.data), c.hwc.data);
      const theirs = PNG.sync.read(Buffer.from(bytes));
      const rgb = Array.from(theirs.data).filter((_, i) => i % 4 !== 3);
      assert.deepEqual(rgb, c.hwc.data);
    });
  }
  it("writes BMP by extension or format, atomically (no temp file left)", () => {
    const path = join(dir, "grid.bmp");
    saveImage(ones, path, { nrow: 3 });
    const img = decodeBMP(readFileSync(path), path);
    assert.deepEqual(Array.from(img.data), Array.from(gridToImage(ones, { nrow: 3 }).data));
    saveImage(ones, join(dir, "noext"), { format: "png" });
    decodePNG(readFileSync(join(dir, "noext")), "noext");
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".tmp-")), []);
  });
  it("refuses unknown formats and unsavable channel counts", () => {
    assert.throws(() => saveImage(ones, join(dir, "x.jpg")), /unknown file extension: ".jpg"/);
    assert.throws(() => saveImage(ones, join(dir, "x.png"), { format: "gif" as "png" }), /format must be "png" or "bmp"/);
    const two = Tensor.fromStorage(new Float32Array(2 * 2 * 2), "float32", [2, 2, 2]);
    assert.throws(() => saveImage(two, join(dir, "x.png")), /an image of 2 channels cannot be saved/);
    assert.throws(() => saveImage(ones, join(dir, "x.png"), { nrows: 2 } as object), /unknown option 'nrows' \(did you mean 'nrow'\?\)/);
  });
  it("bytes: x * 255 + 0.5 truncated, clamped, NaN as 0", () => {
    const t = Tensor.fromStorage(Float32Array.from([0, 0.5, 1, 1.5, -0.2, NaN, 0.001, 0.998]), "float32", [1, 2, 4]);
    assert.deepEqual(Array.from(gridToImage(t).data).filter((_, i) => i % 3 === 0), [0, 128, 255, 255, 0, 0, 0, 254]);
  });
});

describe("encodePNG", () => {
  /** Pixels that make every filter type the best for some row: noise, flat, gradients. */
  function sample(w: number, h: number, channels: 1 | 3 | 4, seed: number): DecodedImage {
    const data = new Uint8Array(w * h * channels);
    let s = seed;
    for (let y = 0; y < h; y++) {
      for (let i = 0; i < w * channels; i++) {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        const kind = y % 4;
        data[y * w * channels + i] = kind === 0 ? s >>> 24 : kind === 1 ? 77 : kind === 2 ? (i * 3 + y) & 255 : (i + 2 * y) & 255;
      }
    }
    return { width: w, height: h, channels, data };
  }
  for (const channels of [1, 3, 4] as const) {
    it(`${channels} channel(s): decodes back exactly (kindling and pngjs)`, () => {
      const img = sample(13, 9, channels, channels);
      if (channels === 4) img.data[3] = 10; // some transparency, so the decoder keeps alpha
      const png = encodePNG(img, { compressionLevel: 9 });
      const back = decodePNG(png, "mem.png");
      assert.equal(back.channels, channels);
      assert.deepEqual(back, img);
      const theirs = PNG.sync.read(Buffer.from(png));
      assert.equal(theirs.width, 13);
      assert.equal(theirs.height, 9);
      for (let p = 0; p < 13 * 9; p++) {
        for (let k = 0; k < 3; k++) {
          const expected = img.data[p * channels + (channels === 1 ? 0 : k)]!;
          assert.equal(theirs.data[p * 4 + k], expected);
        }
      }
    });
  }
  it("uses more than one filter type on mixed content, and a 1x1 image works", () => {
    const png = encodePNG(sample(40, 8, 3, 7), { compressionLevel: 0 });
    // Level 0 stores the filtered scanlines verbatim after a 2-byte zlib header and 5-byte block header.
    const idat = png.subarray(8 + 25 + 8 + 2 + 5);
    const types = new Set<number>();
    for (let y = 0; y < 8; y++) types.add(idat[y * 121]!);
    assert.ok(types.size >= 2, `filters used: ${[...types]}`);
    assert.deepEqual(decodePNG(encodePNG({ width: 1, height: 1, channels: 1, data: Uint8Array.from([200]) }), "1x1").data, Uint8Array.from([200]));
    assert.throws(() => encodePNG(sample(2, 2, 1, 1), { compressionLevel: 10 }), /compressionLevel must be an int from 0 to 9/);
  });
});
