/** numWorkers > 0: worker threads rebuild the dataset from its recipe; batches must equal numWorkers 0. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { FormatError } from "../../src/errors.ts";
import { manualSeed } from "../../src/tensor/random.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import "../../src/ops/methods.ts";
import { ImageFolder } from "../../src/datasets/image_folder.ts";
import { MNIST } from "../../src/datasets/mnist.ts";
import { Compose, Grayscale, Normalize, RandomAffine, ToTensor } from "../../src/transforms/index.ts";
import { DataLoader, Subset } from "../../src/utils/data/index.ts";
import { writeBmpTree } from "../datasets/image_tree.ts";
import { SlowRange } from "./recipe_dataset.ts";

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), "kindling-workers-"));
  writeBmpTree(join(root, "good"), 4, 50);
  writeBmpTree(join(root, "bad"), 2, 5);
  writeFileSync(join(root, "bad", "class_1", "img_00002.bmp"), new Uint8Array([0x42, 0x4d, 1, 2, 3]));
});
after(() => rmSync(root, { recursive: true, force: true }));

const augment = () =>
  new Compose([new Grayscale(), new RandomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1] }), new ToTensor(), new Normalize([0.5], [0.5])]);

async function epochs(dl: DataLoader<[Tensor, number], [Tensor, Tensor]>, n: number): Promise<number[][][]> {
  const out: number[][][] = [];
  for (let e = 0; e < n; e++) {
    for await (const [x, y] of dl) out.push([Array.from(x.toTypedArray()), Array.from(y.toTypedArray()), [...x.shape]]);
  }
  return out;
}

describe("DataLoader worker threads", () => {
  it("give identical augmented batches to numWorkers 0 for the same seed (200 BMPs, RandomAffine)", async () => {
    const ds = new ImageFolder(join(root, "good"), { transform: augment() });
    assert.equal(ds.length, 200);
    manualSeed(123);
    const serial = await epochs(new DataLoader(ds, { batchSize: 16, shuffle: true }), 2);
    manualSeed(123);
    const dl = new DataLoader(ds, { batchSize: 16, shuffle: true, numWorkers: 2 });
    const parallel = await epochs(dl, 2);
    await dl.close();
    assert.equal(parallel.length, 26);
    assert.deepEqual(parallel[0]![2], [16, 1, 28, 28]);
    assert.deepEqual(parallel, serial);
    // The two epochs really were augmented and shuffled differently.
    assert.notDeepEqual(serial[0], serial[13]);
  });

  it("serve MNIST's batch fast path and Subsets from workers", async () => {
    const test = new MNIST({ train: false, transform: new Compose([new ToTensor(), new Normalize([0.1307], [0.3081])]) });
    const part = new Subset(test, Array.from({ length: 300 }, (_, i) => 3 * i));
    manualSeed(5);
    const serial = await epochs(new DataLoader(part, { batchSize: 64, shuffle: true }), 1);
    manualSeed(5);
    const dl = new DataLoader(part, { batchSize: 64, shuffle: true, numWorkers: 2, prefetch: 1 });
    assert.deepEqual(await epochs(dl, 1), serial);
    await dl.close();
  });

  it("re-throw a failing sample's error with its class, file and sample index", async () => {
    const ds = new ImageFolder(join(root, "bad"), { transform: augment() });
    const badIndex = ds.samples.findIndex(([p]) => p.endsWith(join("class_1", "img_00002.bmp")));
    const dl = new DataLoader(ds, { batchSize: 2, numWorkers: 2 });
    await assert.rejects(
      async () => {
        for await (const _ of dl) void _;
      },
      (e: unknown) =>
        e instanceof FormatError && e.message.includes("img_00002.bmp") && e.message.includes(`loading sample index ${badIndex} in DataLoader worker`),
    );
    // The loader stays usable: a break mid-epoch, then close().
    const ok = new DataLoader(new ImageFolder(join(root, "good"), { transform: augment() }), { batchSize: 8, numWorkers: 2 });
    let n = 0;
    for await (const _ of ok) if (++n === 3) break;
    for await (const _ of ok) n++;
    assert.equal(n, 3 + 25);
    await ok.close();
    await dl.close();
  });

  it("deliver batches in sampler order even when one worker is slower", async () => {
    const dl = new DataLoader(new SlowRange(64, { slowEvery: 8 }), { batchSize: 4, numWorkers: 2, prefetch: 3 });
    const got: number[] = [];
    for await (const b of dl) got.push(...(b.tolist() as number[]));
    await dl.close();
    assert.deepEqual(got, Array.from({ length: 64 }, (_, i) => i));
  });

  it("report a worker that dies, and start fresh workers for the next epoch", async () => {
    const dl = new DataLoader(new SlowRange(40, { exitAt: 13 }), { batchSize: 4, numWorkers: 2 });
    for (let epoch = 0; epoch < 2; epoch++) {
      await assert.rejects(async () => {
        for await (const _ of dl) void _;
      }, /DataLoader worker 1 exited unexpectedly \(exit code 7\)/);
    }
    await dl.close();
  });

  it("never keep the process alive (idle workers are unref'd)", () => {
    const script = join(root, "exit.mts");
    const src = (p: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${p}`, import.meta.url)));
    writeFileSync(
      script,
      `import { MNIST } from ${src("datasets/mnist.ts")};
       import { DataLoader } from ${src("utils/data/index.ts")};
       const dl = new DataLoader(new MNIST({ train: false }), { batchSize: 500, numWorkers: 2 });
       let n = 0;
       for await (const _ of dl) n++;
       console.log("batches", n);`,
    );
    const cwd = fileURLToPath(new URL("../..", import.meta.url));
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { cwd, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /batches 20/);
  });
});
