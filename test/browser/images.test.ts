/**
 * Images in headless Chromium (issue 15): decodeImageAsync with the browser's own decoder against
 * Node's decodeImage on the same files (PNG and BMP bit for bit, JPEG within the rounding of two IDCTs,
 * GIF where only the browser can), the synchronous PNG decoder's clear refusal in the browser build,
 * and ImageFolder.fromFiles from a real folder pick (<input webkitdirectory>) against ImageFolder on disk.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as Torch from "../../src/index.ts";
import { ImageFolder } from "../../src/datasets/index.ts";
import { type DecodedImage, decodeImage } from "../../src/io/image/index.ts";
import { type Harness, browserUnavailable, startHarness } from "./harness.ts";
import { imageCorpus } from "./image_corpus.ts";

declare const kt: { torch: typeof Torch; decodeImage: typeof decodeImage; errorOf(fn: () => unknown): Promise<string>; remote: { decode(url: string): Promise<Plain> } };
/** The DOM used in the page (this project is typed without DOM typings). */
type PageInput = { type: string; webkitdirectory: boolean; id: string; files: ArrayLike<File> };
type PageDocument = { createElement(tag: "input"): PageInput; getElementById(id: string): PageInput; body: { append(e: PageInput): void } };
type Plain = { width: number; height: number; channels: number; data: number[] };

const skip = browserUnavailable();

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function meanDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

describe("images in headless Chromium", { skip: skip ?? false }, () => {
  let h: Harness;
  let dir: string;
  const corpus = imageCorpus();
  before(async () => {
    h = await startHarness();
    for (const [name, bytes] of Object.entries(corpus)) h.files.set(name, bytes);
    dir = mkdtempSync(join(tmpdir(), "kd-pick-"));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("decodeImageAsync with the browser's decoder: PNG and BMP bit for bit with Node, JPEG within rounding, GIF decoded", async () => {
    const names = Object.keys(corpus);
    const got = await h.page.evaluate(async (names) => {
      const out: Record<string, Plain> = {};
      for (const n of names) {
        const img = await kt.torch.datasets.decodeImageAsync(await (await fetch(`/files/${n}`)).blob(), n);
        out[n] = { width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) };
      }
      return { out, native: kt.torch.datasets.hasBrowserImageDecoder() };
    }, names);
    assert.equal(got.native, true, "the page has createImageBitmap and OffscreenCanvas");
    let exact = 0, jpegs = 0;
    for (const n of names) {
      const g = got.out[n]!;
      if (n.endsWith(".gif")) {
        assert.deepEqual(g, { width: 2, height: 1, channels: 4, data: [255, 0, 0, 255, 0, 0, 0, 0] });
        continue;
      }
      const want = decodeImage(corpus[n]!, n);
      assert.deepEqual([g.width, g.height, g.channels], [want.width, want.height, want.channels], n);
      if (n.endsWith(".jpg")) {
        // libjpeg-turbo's integer IDCT and upsampling against jpeg-js's: the same picture within rounding.
        const d = maxDiff(g.data, want.data), mean = meanDiff(g.data, want.data);
        console.log(`${n}: browser vs jpeg-js: max ${d}, mean ${mean.toFixed(3)} levels`);
        assert.ok(d <= 4 && mean < 1, `${n}: the browser's JPEG differs from jpeg-js by up to ${d} levels (mean ${mean})`);
        jpegs++;
      } else {
        assert.deepEqual(g.data, [...want.data], n);
        exact++;
      }
    }
    assert.deepEqual([exact, jpegs], [55, 3]);
  });

  test("in a Worker too; the synchronous PNG decoder says it needs Node's zlib and names the async way", async () => {
    const w = await h.page.evaluate(() => kt.remote.decode("/files/png_t6_d16_i.png"));
    const want = decodeImage(corpus["png_t6_d16_i.png"]!, "x");
    assert.deepEqual(w, { width: want.width, height: want.height, channels: want.channels, data: [...want.data] });
    const err = await h.page.evaluate(async () => {
      const bytes = new Uint8Array(await (await fetch("/files/png_t2_d8.png")).arrayBuffer());
      return { sync: await kt.errorOf(() => kt.decodeImage(bytes, "x.png")), folder: await kt.errorOf(() => new kt.torch.datasets.ImageFolder("data")) };
    });
    assert.match(err.sync, /^ArgumentError: zlib\.inflateSync: synchronous zlib is Node-only \(in the browser use the async forms.*datasets\.decodeImageAsync, datasets\.ImageFolder\.fromFiles\)/);
    assert.match(err.folder, /^ArgumentError: .*Node-only/);
  });

  test("ImageFolder.fromFiles from a folder pick (<input webkitdirectory>) gives ImageFolder's dataset", async () => {
    const tree: Record<string, Uint8Array> = {
      "bird/a.png": corpus["png_t3_d4_trns.png"]!, "bird/b.png": corpus["pngjs_rgba.png"]!,
      "cat/x.bmp": corpus["gray.bmp"]!, "cat/deep/y.png": corpus["png_t0_d16_i.png"]!, "cat/readme.txt": new Uint8Array([104, 105]),
      "dog/1.jpg": corpus["q90.jpg"]!, "dog/2.jpg": corpus["gray_dc.jpg"]!,
    };
    const root = join(dir, "pets");
    for (const [p, bytes] of Object.entries(tree)) {
      mkdirSync(join(root, p, ".."), { recursive: true });
      writeFileSync(join(root, p), bytes);
    }
    await h.page.evaluate(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const input = doc.createElement("input");
      input.type = "file";
      input.webkitdirectory = true;
      input.id = "pick";
      doc.body.append(input);
    });
    await h.page.setInputFiles("#pick", root);
    const r = await h.page.evaluate(async () => {
      const files = (globalThis as unknown as { document: PageDocument }).document.getElementById("pick").files;
      const ds = await kt.torch.datasets.ImageFolder.fromFiles(files, { mode: "L" });
      const items = Array.from({ length: ds.length }, (_, i) => {
        const [img, y] = ds.getItem(i);
        return { y, width: img.width, height: img.height, channels: img.channels, data: Array.from(img.data) };
      });
      return { root: ds.root, classes: ds.classes, samples: ds.samples, picked: files.length, items };
    });
    const disk = new ImageFolder(root, { mode: "L" });
    assert.equal(r.picked, 7);
    assert.equal(r.root, "pets");
    assert.deepEqual(r.classes, ["bird", "cat", "dog"]);
    assert.deepEqual(r.samples, disk.samples.map(([p, c]) => [relative(dir, p), c]));
    r.items.forEach((it, i) => {
      const [img, y] = disk.getItem(i) as [DecodedImage, number];
      assert.deepEqual([it.y, it.width, it.height, it.channels], [y, img.width, img.height, img.channels], `sample ${i}`);
      const d = maxDiff(it.data, img.data);
      assert.ok(r.samples[i]![0].endsWith(".jpg") ? d <= 4 : d === 0, `sample ${i} (${r.samples[i]![0]}): differs by ${d}`);
    });
  });
});
