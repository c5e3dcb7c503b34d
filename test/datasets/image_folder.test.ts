/** ImageFolder over a generated tree of BMP, PNG and JPEG files: exact pixels, labels, order and errors. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import jpeg from "jpeg-js";
import { ArgumentError, FormatError } from "../../src/errors.ts";
import { decodeJPEG, encodeBMP } from "../../src/io/image/index.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import "../../src/ops/methods.ts";
import { ImageFolder } from "../../src/datasets/image_folder.ts";
import { ToTensor } from "../../src/transforms/index.ts";
import { DataLoader } from "../../src/utils/data/index.ts";

interface PngWriter {
  PNG: { sync: { write(png: { width: number; height: number; data: Buffer }, opts?: object): Buffer } };
}
const { PNG } = createRequire(import.meta.url)("pngjs") as PngWriter;

const W = 5;
const H = 3;
const pixels = (channels: number, seed: number) => Uint8Array.from({ length: W * H * channels }, (_, i) => (i * 29 + seed * 53) % 256);
const gray = (seed: number): DecodedImage => ({ width: W, height: H, channels: 1, data: pixels(1, seed) });
const rgb = (seed: number): DecodedImage => ({ width: W, height: H, channels: 3, data: pixels(3, seed) });
function rgbaBuffer(img: DecodedImage, alpha = 255): Buffer {
  const out = Buffer.alloc(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    for (let k = 0; k < 3; k++) out[4 * i + k] = img.data[i * img.channels + (img.channels === 1 ? 0 : k)]!;
    out[4 * i + 3] = alpha;
  }
  return out;
}
const toRgb = (img: DecodedImage): number[] =>
  img.channels === 3 ? Array.from(img.data) : Array.from({ length: W * H * 3 }, (_, j) => img.data[Math.floor(j / 3)]!);

let root: string;
let broken: string;
/** Expected [relative path, class, RGB pixels] in torchvision's order. */
const expected: [string, number, number[]][] = [];
let jpegBytes: Uint8Array;

before(() => {
  root = mkdtempSync(join(tmpdir(), "kindling-imagefolder-"));
  const put = (rel: string, bytes: Uint8Array) => {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), bytes);
  };
  // Class folders deliberately created out of order; "cat" sorts first.
  put("dog/b.bmp", encodeBMP(rgb(1)));
  put("dog/a.png", PNG.sync.write({ width: W, height: H, data: rgbaBuffer(rgb(2)) }, { colorType: 2 }));
  put("dog/nested/c.BMP", encodeBMP(gray(3)));
  put("dog/notes.txt", new TextEncoder().encode("not an image"));
  put("cat/x.png", PNG.sync.write({ width: W, height: H, data: rgbaBuffer(gray(4)) }, { colorType: 0 }));
  jpegBytes = jpeg.encode({ width: W, height: H, data: rgbaBuffer(rgb(5)) }, 95).data;
  put("cat/y.jpg", jpegBytes);
  expected.push(["cat/x.png", 0, toRgb(gray(4))]);
  expected.push(["cat/y.jpg", 0, toRgb(decodeJPEG(jpegBytes, "y.jpg"))]);
  expected.push(["dog/a.png", 1, toRgb(rgb(2))]);
  expected.push(["dog/b.bmp", 1, toRgb(rgb(1))]);
  expected.push(["dog/nested/c.BMP", 1, toRgb(gray(3))]);
  broken = mkdtempSync(join(tmpdir(), "kindling-broken-"));
  mkdirSync(join(broken, "a"));
  writeFileSync(join(broken, "a", "ok.bmp"), encodeBMP(gray(6)));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(broken, { recursive: true, force: true });
});

describe("ImageFolder", () => {
  it("finds sorted classes and samples in torchvision's order, skipping other extensions", () => {
    const ds = new ImageFolder(root);
    assert.deepEqual(ds.classes, ["cat", "dog"]);
    assert.deepEqual(ds.classToIdx, { cat: 0, dog: 1 });
    assert.deepEqual(ds.samples, expected.map(([p, c]) => [join(root, p), c]));
    assert.deepEqual(ds.targets, [0, 0, 1, 1, 1]);
    assert.equal(ds.length, 5);
  });

  it("reads back the exact pixels (as RGB, as torchvision's loader) and labels of BMP, PNG and JPEG", () => {
    const ds = new ImageFolder(root);
    expected.forEach(([p, c, px], i) => {
      const [img, label] = ds.getItem(i);
      assert.equal(label, c, p);
      assert.deepEqual([img.width, img.height, img.channels], [W, H, 3], p);
      assert.deepEqual(Array.from(img.data), px, p);
    });
  });

  it("keeps decoded channels with mode 'original' and gives gray with 'L'", () => {
    const original = new ImageFolder(root, { mode: "original" });
    assert.deepEqual(Array.from(original.getItem(4)[0].data), Array.from(gray(3).data));
    assert.equal(original.getItem(0)[0].channels, 1);
    assert.equal(new ImageFolder(root, { mode: "L" }).getItem(3)[0].channels, 1);
  });

  it("batches through a DataLoader with ToTensor", () => {
    const ds = new ImageFolder(root, { transform: new ToTensor() });
    const [x, y] = [...new DataLoader(ds, { batchSize: 5 })][0]!;
    assert.deepEqual(x.shape, [5, 3, H, W]);
    assert.deepEqual(y.tolist(), [0, 0, 1, 1, 1]);
    assert.equal((x as Tensor).get(2, 0, 1, 1), Math.fround(rgb(2).data[3 * (W + 1)]! / 255));
  });

  it("names the file of a truncated BMP or a garbage .png in a FormatError, or skips it on request", () => {
    const full = encodeBMP(rgb(7));
    writeFileSync(join(broken, "a", "truncated.bmp"), full.subarray(0, full.length - 10));
    writeFileSync(join(broken, "a", "garbage.png"), new TextEncoder().encode("<html>404 not found</html>"));
    const ds = new ImageFolder(broken);
    const names = ds.samples.map(([p]) => p.slice(broken.length + 1));
    assert.deepEqual(names, [join("a", "garbage.png"), join("a", "ok.bmp"), join("a", "truncated.bmp")]);
    for (const bad of [0, 2]) {
      assert.throws(() => ds.getItem(bad), (e: unknown) => e instanceof FormatError && e.message.includes(ds.samples[bad]![0]));
    }
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      const skipping = new ImageFolder(broken, { onError: "skip", mode: "original" });
      assert.deepEqual(Array.from(skipping.getItem(0)[0].data), Array.from(gray(6).data));
      // The truncated last file wraps around to the first readable one.
      assert.deepEqual(Array.from(skipping.getItem(2)[0].data), Array.from(gray(6).data));
      skipping.getItem(0);
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /garbage\.png/);
  });

  it("reports a root without class folders and a class without images", () => {
    const empty = mkdtempSync(join(tmpdir(), "kindling-empty-"));
    try {
      assert.throws(() => new ImageFolder(empty), (e: unknown) => e instanceof ArgumentError && /Couldn't find any class folder/.test(e.message));
      mkdirSync(join(empty, "a"));
      writeFileSync(join(empty, "a", "x.txt"), "x");
      assert.throws(() => new ImageFolder(empty), /Found no valid file for the classes a/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
