/** cachedImageFolder: decoded once into one file, reused until the folder changes, rebuilt when damaged. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { encodeBMP } from "../../src/io/image/index.ts";
import { manualSeed } from "../../src/tensor/random.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import "../../src/ops/methods.ts";
import { cachedImageFolder } from "../../src/datasets/cache.ts";
import { loadImage } from "../../src/datasets/image_folder.ts";
import { Compose, RandomAffine, ToTensor, resizeImage } from "../../src/transforms/index.ts";
import { DataLoader, defaultCollate } from "../../src/utils/data/index.ts";
import { strokeImage, writeBmpTree } from "./image_tree.ts";

let dir: string;
let root: string;
let cacheDir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "kindling-cache-"));
  root = join(dir, "digits");
  cacheDir = join(dir, "cache");
  writeBmpTree(root, 3, 8);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function quietly<T>(fn: () => T): [T, string[]] {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    return [fn(), warnings];
  } finally {
    console.warn = warn;
  }
}

describe("cachedImageFolder", () => {
  it("decodes the folder once, then reuses the cache file", () => {
    const a = cachedImageFolder(root, cacheDir, { grayscale: true });
    assert.equal(a.fromCache, false);
    assert.equal(a.length, 24);
    assert.deepEqual([a.height, a.width, a.channels], [28, 28, 1]);
    assert.deepEqual(a.classes, ["class_0", "class_1", "class_2"]);
    assert.deepEqual(Array.from(a.image(9).data), Array.from(strokeImage(1, 1).data));
    assert.equal(a.getItem(9)[1], 1);
    const b = cachedImageFolder(root, cacheDir, { grayscale: true });
    assert.equal(b.fromCache, true);
    assert.equal(b.cachePath, a.cachePath);
    assert.deepEqual(b.data, a.data);
    assert.deepEqual(b.samples, a.samples);
    // Written atomically: only the cache itself is left, no temporary files.
    assert.deepEqual(readdirSync(cacheDir), [a.cachePath.slice(cacheDir.length + 1)]);
  });

  it("resizes and keeps RGB when asked, keyed separately", () => {
    const c = cachedImageFolder(root, cacheDir, { size: [16, 20] });
    assert.equal(c.fromCache, false);
    assert.deepEqual([c.height, c.width, c.channels], [16, 20, 3]);
    const expected = resizeImage(loadImage(c.samples[5]![0], "RGB"), [16, 20]);
    assert.deepEqual(c.image(5), expected);
    assert.equal(cachedImageFolder(root, cacheDir, { size: [16, 20] }).fromCache, true);
  });

  it("rebuilds after the folder changes and removes the stale cache", () => {
    const before = cachedImageFolder(root, cacheDir, { grayscale: true });
    const file = join(root, "class_2", "img_00000.bmp");
    writeFileSync(file, encodeBMP(strokeImage(7, 7)));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const after = cachedImageFolder(root, cacheDir, { grayscale: true });
    assert.equal(after.fromCache, false);
    assert.notEqual(after.cachePath, before.cachePath);
    assert.deepEqual(Array.from(after.image(16).data), Array.from(strokeImage(7, 7).data));
    assert.ok(!readdirSync(cacheDir).includes(before.cachePath.slice(cacheDir.length + 1)));
  });

  it("detects a truncated or damaged cache and rebuilds it with a warning", () => {
    const good = cachedImageFolder(root, cacheDir, { grayscale: true });
    const bytes = readFileSync(good.cachePath);
    writeFileSync(good.cachePath, bytes.subarray(0, bytes.length - 100));
    const [rebuilt, w1] = quietly(() => cachedImageFolder(root, cacheDir, { grayscale: true }));
    assert.equal(rebuilt.fromCache, false);
    assert.match(w1[0]!, /truncated or padded file\); rebuilding the cache/);
    assert.deepEqual(rebuilt.data, good.data);
    const flipped = Buffer.from(readFileSync(good.cachePath));
    flipped[flipped.length - 200]! ^= 0xff;
    writeFileSync(good.cachePath, flipped);
    const [again, w2] = quietly(() => cachedImageFolder(root, cacheDir, { grayscale: true }));
    assert.equal(again.fromCache, false);
    assert.match(w2[0]!, /checksum mismatch/);
    assert.equal(cachedImageFolder(root, cacheDir, { grayscale: true }).fromCache, true);
  });

  it("serves fast batches, and identical augmented batches from worker threads", async () => {
    const plain = cachedImageFolder(root, cacheDir, { grayscale: true });
    const idx = [3, 1, 20];
    assert.deepEqual(plain.getBatch(idx)![0].toTypedArray(), defaultCollate(idx.map((i) => plain.getItem(i)))[0].toTypedArray());
    const aug = cachedImageFolder(root, cacheDir, { grayscale: true, transform: new Compose([new RandomAffine({ degrees: 20 }), new ToTensor()]) });
    const run = async (numWorkers: number) => {
      manualSeed(77);
      const dl = new DataLoader(aug, { batchSize: 5, shuffle: true, numWorkers });
      const out: number[][] = [];
      for await (const [x] of dl) out.push(Array.from((x as Tensor).toTypedArray()));
      await dl.close();
      return out;
    };
    assert.deepEqual(await run(2), await run(0));
  });
});
