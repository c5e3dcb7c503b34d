/**
 * ImageFolder.fromFiles (a page's folder pick or drop) against ImageFolder on the same tree on disk:
 * the same classes, sample order, targets and pixels; the root/class rule for picks and drops; corrupt
 * and oversized files; and filesFromDataTransfer's walk over directory entries.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { ArgumentError, FileError, FormatError } from "../../src/errors.ts";
import { DecodedImageFolder, ImageFolder, filesFromDataTransfer } from "../../src/datasets/index.ts";
import { listFiles } from "../../src/datasets/image_folder_browser.ts";
import { ToTensor } from "../../src/transforms/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { imageCorpus } from "../browser/image_corpus.ts";

/** data/<class>/... : PNGs in "bird", BMPs in "cat" (one in a sub-folder), JPEGs in "dog", plus a text file. */
function tree(): Record<string, Uint8Array> {
  const c = imageCorpus();
  return {
    "data/bird/b.png": c["png_t6_d8.png"]!, "data/bird/a.PNG": c["png_t3_d4_trns.png"]!, "data/bird/z.png": c["pngjs_rgba.png"]!,
    "data/cat/x.bmp": c["gray.bmp"]!, "data/cat/deep/y.bmp": c["rgb.bmp"]!, "data/cat/notes.txt": new TextEncoder().encode("hi"),
    "data/dog/1.jpg": c["q90.jpg"]!, "data/dog/2.jpeg": c["gray_dc.jpg"]!, "data/dog/0 b.jpg": c["q50.jpg"]!,
  };
}

function asFiles(files: Record<string, Uint8Array>, strip = 0): File[] {
  return Object.entries(files).map(([p, bytes]) => {
    const path = p.split("/").slice(strip).join("/");
    const f = new File([bytes], path.split("/").at(-1)!);
    return Object.defineProperty(f, "webkitRelativePath", { value: path });
  });
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected a rejection");
}

describe("ImageFolder.fromFiles", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "kd-ifb-"));
    for (const [p, bytes] of Object.entries(tree())) {
      mkdirSync(join(dir, p, ".."), { recursive: true });
      writeFileSync(join(dir, p), bytes);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a folder pick gives ImageFolder's classes, order, targets and pixels (modes RGB, L, original)", async () => {
    for (const mode of ["RGB", "L", "original"] as const) {
      const disk = new ImageFolder(join(dir, "data"), { mode });
      const mem = await ImageFolder.fromFiles(asFiles(tree()).reverse(), { mode });
      assert.ok(mem instanceof DecodedImageFolder);
      assert.equal(mem.root, "data");
      assert.deepEqual(mem.classes, ["bird", "cat", "dog"]);
      assert.deepEqual(mem.classToIdx, disk.classToIdx);
      assert.deepEqual(mem.samples, disk.samples.map(([p, c]) => [relative(dir, p), c]));
      assert.deepEqual(mem.targets, [0, 0, 0, 1, 1, 2, 2, 2]);
      assert.equal(mem.length, 8);
      for (let i = -8; i < 8; i++) assert.deepEqual(mem.getItem(i), disk.getItem(i), `${mode} ${i}`);
    }
  });

  it("dropped class folders (no common folder) and { path, file } pairs read the same; transforms apply", async () => {
    const mem = await ImageFolder.fromFiles(asFiles(tree(), 1).map((file) => ({ path: (file as File & { webkitRelativePath: string }).webkitRelativePath, file })), {
      transform: new ToTensor(), targetTransform: (y: number) => y * 10,
    });
    assert.equal(mem.root, "");
    assert.deepEqual(mem.samples.map((s) => s[0]), ["bird/a.PNG", "bird/b.png", "bird/z.png", "cat/x.bmp", "cat/deep/y.bmp", "dog/0 b.jpg", "dog/1.jpg", "dog/2.jpeg"]);
    const [x, y] = mem.getItem(3);
    assert.ok(x instanceof Tensor);
    assert.deepEqual([x.shape, y], [[3, 30, 40], 10]);
    const disk = new ImageFolder(join(dir, "data"), { transform: new ToTensor() });
    assert.deepEqual([...x.toTypedArray()], [...(disk.getItem(3)[0] as Tensor).toTypedArray()]);
  });

  it("the root is the deepest shared folder that still leaves every file a class folder", () => {
    const cls = (paths: string[]) => { const r = listFiles(paths); return [r.root, r.classes, r.order.map((i) => r.classOf[i])]; };
    assert.deepEqual(cls(["cat/1.png", "cat/2.png"]), ["", ["cat"], [0, 0]]);
    assert.deepEqual(cls(["a/b/cat/1.png", "a/b/dog/2.png"]), ["a/b", ["cat", "dog"], [0, 1]]);
    assert.deepEqual(cls(["a/cat/1.png", "a/cat/s/2.png"]), ["a", ["cat"], [0, 0]]);
    assert.deepEqual(cls(["dog/s/1.png", "cat/2.png", "B/3.png"]), ["", ["B", "cat", "dog"], [0, 1, 2]]);
  });

  it("refuses files outside folders, non-images only, bad options; corrupt and oversized images name the file", async () => {
    const loose = await rejection(ImageFolder.fromFiles([new File([new Uint8Array(3)], "x.png")]));
    assert.ok(loose instanceof ArgumentError);
    assert.match(loose.message, /x\.png lie in no folder; pick a folder/);
    assert.match((await rejection(ImageFolder.fromFiles(asFiles({ "d/c/a.txt": new Uint8Array(1) })))).message, /none of the 1 files is an image \(supported extensions are: \.jpg/);
    assert.ok(await rejection(ImageFolder.fromFiles(asFiles(tree()), { shuffle: true } as never)) instanceof ArgumentError);
    assert.match((await rejection(ImageFolder.fromFiles(asFiles(tree()), { mode: "RGBA" as never }))).message, /mode must be "RGB", "L" or "original", got RGBA/);
    const broken = { ...tree(), "data/cat/bad.png": imageCorpus()["png_t0_d8.png"]!.subarray(0, 60) };
    const e = await rejection(ImageFolder.fromFiles(asFiles(broken)));
    assert.ok(e instanceof FormatError);
    assert.match(e.message, /^data\/cat\/bad\.png: invalid PNG: /);
    const big = await rejection(ImageFolder.fromFiles(asFiles(tree()), { maxFileBytes: 500 }));
    assert.ok(big instanceof FileError);
    assert.match(big.message, /^data\/.*: \d+ bytes, over the limit of 500 for an image/);
  });

  it('onError "skip": the corrupt image stays counted and getItem gives the next readable one, as ImageFolder does', async () => {
    const broken = { ...tree(), "data/cat/bad.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2]) };
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    let mem: DecodedImageFolder;
    try {
      mem = await ImageFolder.fromFiles(asFiles(broken), { onError: "skip" });
    } finally {
      console.warn = warn;
    }
    assert.equal(mem.length, 9);
    assert.equal(mem.samples[3]![0], "data/cat/bad.png");
    assert.deepEqual(mem.skipped.map((s) => s.path), ["data/cat/bad.png"]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /ImageFolder\.fromFiles data: skipped 1 entry: data\/cat\/bad\.png \(data\/cat\/bad\.png: invalid PNG/);
    assert.deepEqual(mem.getItem(3), mem.getItem(4));
    assert.equal(mem.getItem(3)[1], 1);
  });
});

describe("filesFromDataTransfer", () => {
  type E = { isFile: boolean; isDirectory: boolean; name: string; fullPath: string; file?: unknown; createReader?: unknown };
  const fileEntry = (fullPath: string): E => ({
    isFile: true, isDirectory: false, name: fullPath.split("/").at(-1)!, fullPath,
    file: (ok: (f: File) => void) => setTimeout(() => ok(new File([fullPath], fullPath.split("/").at(-1)!)), 1),
  });
  const dirEntry = (fullPath: string, children: E[]): E => ({
    isFile: false, isDirectory: true, name: fullPath.split("/").at(-1)!, fullPath,
    createReader: () => {
      let at = 0;
      // Batches of 2, as readEntries returns a large folder piecemeal.
      return { readEntries: (ok: (b: E[]) => void) => setTimeout(() => ok(children.slice(at, (at += 2))), 1) };
    },
  });

  it("walks dropped folders (in batches) into paths below the drop; only file items count", async () => {
    const cat = dirEntry("/cat", [fileEntry("/cat/1.png"), fileEntry("/cat/2.png"), dirEntry("/cat/s", [fileEntry("/cat/s/3.png")]), fileEntry("/cat/4.png"), fileEntry("/cat/5.png")]);
    const items = [
      { kind: "file", webkitGetAsEntry: () => cat },
      { kind: "string", webkitGetAsEntry: () => null },
      { kind: "file", webkitGetAsEntry: () => dirEntry("/dog", [fileEntry("/dog/6.png")]) },
    ];
    const out = await filesFromDataTransfer({ items } as never);
    assert.deepEqual(out.map((f) => f.path), ["cat/1.png", "cat/2.png", "cat/s/3.png", "cat/4.png", "cat/5.png", "dog/6.png"]);
    assert.equal(new TextDecoder().decode(await out[2]!.file.arrayBuffer()), "/cat/s/3.png");
    await assert.rejects(filesFromDataTransfer(null as never), ArgumentError);
  });
});
