/**
 * ImageFolder and cachedImageFolder on a hostile tree: links to directories (`a -> .`, `b -> .`, `up -> ..`)
 * are never followed, links to files are, FIFOs, devices, broken links and link loops are left out, and
 * everything left out is reported. Listing is fast and reading is bounded.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FileError } from "../../src/errors.ts";
import { encodeBMP } from "../../src/io/image/index.ts";
import "../../src/ops/methods.ts";
import { cachedImageFolder } from "../../src/datasets/cache.ts";
import { ImageFolder, listImageFolder, loadImage } from "../../src/datasets/image_folder.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import { strokeImage } from "./image_tree.ts";

const posix = process.platform !== "win32";
let dir: string;
let root: string;

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

before(() => {
  if (!posix) return;
  dir = mkdtempSync(join(tmpdir(), "kindling-links-"));
  root = join(dir, "root");
  const cat = join(root, "cat");
  const dog = join(root, "dog");
  mkdirSync(cat, { recursive: true });
  mkdirSync(dog);
  mkdirSync(join(dir, "outside"));
  writeFileSync(join(cat, "x.bmp"), encodeBMP(strokeImage(0, 0)));
  writeFileSync(join(dog, "y.bmp"), encodeBMP(strokeImage(1, 0)));
  writeFileSync(join(dir, "outside", "z.bmp"), encodeBMP(strokeImage(2, 0)));
  // Each of these made the old walk exponential or relabelled images.
  symlinkSync(".", join(cat, "a"));
  symlinkSync(".", join(cat, "b"));
  symlinkSync("..", join(cat, "up"));
  symlinkSync(join(dir, "outside"), join(root, "birds"));
  // A link to a file is followed, wherever the file is.
  symlinkSync(join(dir, "outside", "z.bmp"), join(dog, "link.bmp"));
  execFileSync("mkfifo", [join(dog, "pipe.bmp")]);
  symlinkSync("loop2.png", join(dog, "loop1.png"));
  symlinkSync("loop1.png", join(dog, "loop2.png"));
  symlinkSync("missing.bmp", join(dog, "gone.bmp"));
  if (existsSync("/dev/zero")) symlinkSync("/dev/zero", join(dog, "zero.bmp"));
  symlinkSync("x.bmp", join(dog, "notes.txt")); // not an image name: ignored without a note
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const reasonsOf = (skipped: readonly { path: string; reason: string }[]) =>
  Object.fromEntries(skipped.map((s) => [s.path.slice(root.length + 1), s.reason]));

describe("ImageFolder with links, FIFOs and devices", { skip: !posix }, () => {
  it("never follows a link to a directory, follows links to files, and reports what it skipped", { timeout: 10_000 }, () => {
    const t0 = performance.now();
    const listing = listImageFolder(root);
    assert.ok(performance.now() - t0 < 1000, "listing is fast");
    assert.deepEqual(listing.classes, ["cat", "dog"]);
    assert.deepEqual(listing.samples, [[join(root, "cat", "x.bmp"), 0], [join(root, "dog", "link.bmp"), 1], [join(root, "dog", "y.bmp"), 1]]);
    const reasons = reasonsOf(listing.skipped);
    assert.deepEqual(Object.keys(reasons).sort(), [
      "birds", "cat/a", "cat/b", "cat/up", "dog/gone.bmp", "dog/loop1.png", "dog/loop2.png", "dog/pipe.bmp",
      ...(existsSync("/dev/zero") ? ["dog/zero.bmp"] : []),
    ]);
    for (const k of ["birds", "cat/a", "cat/b", "cat/up"]) assert.match(reasons[k]!, /symbolic link to a directory/);
    assert.match(reasons["dog/pipe.bmp"]!, /FIFO/);
    assert.match(reasons["dog/loop1.png"]!, /symbolic link loop/);
    assert.match(reasons["dog/gone.bmp"]!, /broken symbolic link/);
    if (existsSync("/dev/zero")) assert.match(reasons["dog/zero.bmp"]!, /symbolic link to a device/);
  });

  it("ImageFolder keeps the skipped list, warns once in one line, and reads the linked file's pixels", () => {
    const [ds, warnings] = quietly(() => new ImageFolder<DecodedImage>(root, { mode: "L" }));
    assert.equal(ds.length, 3);
    assert.deepEqual(ds.targets, [0, 1, 1]);
    assert.deepEqual(reasonsOf(ds.skipped), reasonsOf(listImageFolder(root).skipped));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`ImageFolder ${root}: skipped ${ds.skipped.length} entries: .*symbolic link to a directory.*; and \\d+ more`));
    assert.ok(!warnings[0]!.includes("\n"));
    const [img, label] = ds.getItem(1);
    assert.equal(label, 1);
    assert.deepEqual([...img.data], [...strokeImage(2, 0).data]);
  });

  it("a FIFO or device where an image was listed is a FileError at once, or skipped on request", { timeout: 10_000 }, () => {
    const pipe = join(root, "dog", "pipe.bmp");
    const t0 = performance.now();
    assert.throws(() => loadImage(pipe, "L"), (e: unknown) => e instanceof FileError && e.message.startsWith(`${pipe}: is a FIFO`));
    if (existsSync("/dev/zero")) assert.throws(() => loadImage("/dev/zero", "L"), /\/dev\/zero: is a character device, expected a regular image/);
    assert.ok(performance.now() - t0 < 1000);
    const listing = { classes: ["dog"], samples: [[pipe, 0], [join(root, "dog", "y.bmp"), 0]] as [string, number][] };
    assert.throws(() => new ImageFolder(root, { listing }).getItem(0), FileError);
    const [[img], warnings] = quietly(() => new ImageFolder<DecodedImage>(root, { listing, onError: "skip", mode: "L" }).getItem(0));
    assert.deepEqual([...img.data], [...strokeImage(1, 0).data]);
    assert.match(warnings.join("\n"), /skipping unreadable image: .*pipe\.bmp: is a FIFO/);
  });

  it("refuses an image file over maxFileBytes before reading it", () => {
    const x = join(root, "cat", "x.bmp");
    assert.throws(() => loadImage(x, "L", { maxBytes: 100 }), /x\.bmp: image is .* larger than the limit of 100 bytes/);
    const [ds] = quietly(() => new ImageFolder(root, { maxFileBytes: 100 }));
    assert.throws(() => ds.getItem(0), FileError);
    assert.equal((ds.workerRecipe().args as { maxFileBytes: number }).maxFileBytes, 100);
  });

  it("cachedImageFolder lists the same way, reports skips, and replaces a cache path that is a FIFO", { timeout: 20_000 }, () => {
    const cacheDir = join(dir, "cache");
    const [first, w1] = quietly(() => cachedImageFolder(root, cacheDir, { grayscale: true }));
    assert.equal(first.length, 3);
    assert.deepEqual([...first.targets], [0, 1, 1]);
    assert.equal(first.skipped.length, listImageFolder(root).skipped.length);
    assert.equal(w1.length, 1);
    assert.match(w1[0]!, /cachedImageFolder .*: skipped \d+ entries/);
    const cachePath = first.cachePath;
    rmSync(cachePath);
    execFileSync("mkfifo", [cachePath]);
    const [second, w2] = quietly(() => cachedImageFolder(root, cacheDir, { grayscale: true }));
    assert.equal(second.fromCache, false);
    assert.ok(w2.some((w) => /is a FIFO.*rebuilding the cache/.test(w)), w2.join("\n"));
    assert.deepEqual(readdirSync(cacheDir), [cachePath.slice(cacheDir.length + 1)]);
    const [third] = quietly(() => cachedImageFolder(root, cacheDir, { grayscale: true }));
    assert.equal(third.fromCache, true);
  });
});
