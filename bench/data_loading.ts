/**
 * Data-loading throughput.
 *
 *   npm run bench:data                     MNIST epoch (batch 32, shuffled) + 5000 BMPs with RandomAffine, 0 vs 2 workers
 *   npm run bench:data -- --images 2000    another folder size
 *   npm run bench:data -- --workers 4      another worker count
 *
 * Times are wall-clock seconds of iterating one epoch (no training step). Worker figures are given for the
 * first epoch (which includes starting the threads and rebuilding the dataset in each) and for a later
 * epoch (workers are persistent). The two runs use the same seed and must give identical batches.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { MNIST } from "../src/datasets/mnist.ts";
import { ImageFolder } from "../src/datasets/image_folder.ts";
import { manualSeed } from "../src/tensor/random.ts";
import type { Tensor } from "../src/tensor/tensor.ts";
import "../src/ops/methods.ts";
import { Compose, Grayscale, RandomAffine, ToTensor } from "../src/transforms/index.ts";
import { DataLoader } from "../src/utils/data/index.ts";
import { writeBmpTree } from "../test/datasets/image_tree.ts";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(3);

/** CPU seconds of the whole process, worker threads included. */
function cpu(c0: NodeJS.CpuUsage): string {
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1e6).toFixed(3);
}

/** One epoch; returns ["wall s (cpu s)", batches, checksum] where the checksum folds every value in order. */
async function epoch(dl: AsyncIterable<[Tensor, Tensor]>): Promise<[string, number, number]> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  let sum = 0;
  for await (const [x, y] of dl) {
    n++;
    const v = x.storage;
    for (let i = 0; i < v.length; i += 97) sum = (sum * 31 + v[i]! * 1000) % 1e9;
    sum = (sum + y.storage[0]!) % 1e9;
  }
  return [`${seconds(t0)} s (cpu ${cpu(c0)} s)`, n, sum];
}

async function mnist(): Promise<void> {
  let t0 = performance.now();
  const train = new MNIST();
  console.log(`MNIST train: ${train.length} images loaded in ${seconds(t0)} s`);
  manualSeed(0);
  const fast = new DataLoader(train, { batchSize: 32, shuffle: true });
  for (let e = 0; e < 2; e++) {
    t0 = performance.now();
    const c0 = process.cpuUsage();
    let n = 0;
    for (const [x] of fast) n += x.shape[0]!;
    console.log(`  epoch ${e + 1}, batch 32, shuffled, getBatch fast path: ${seconds(t0)} s (cpu ${cpu(c0)} s, ${n} samples)`);
  }
  // The same data through getItem + defaultCollate, as a dataset without getBatch would go.
  const slow = new DataLoader({ length: train.length, getItem: (i: number) => train.getItem(i) }, { batchSize: 32, shuffle: true });
  t0 = performance.now();
  const c0 = process.cpuUsage();
  let n = 0;
  for (const [x] of slow) n += x.shape[0]!;
  console.log(`  epoch, batch 32, shuffled, sample by sample + defaultCollate: ${seconds(t0)} s (cpu ${cpu(c0)} s, ${n} samples)`);
}

async function folder(images: number, workers: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "kindling-bench-"));
  try {
    let t0 = performance.now();
    writeBmpTree(root, 10, Math.ceil(images / 10));
    const transform = new Compose([new Grayscale(), new RandomAffine({ degrees: 15, translate: [0.1, 0.1], scale: [0.9, 1.1] }), new ToTensor()]);
    const ds = new ImageFolder(root, { transform });
    console.log(`\nImageFolder: ${ds.length} 28x28 BMPs written and listed in ${seconds(t0)} s; Grayscale + RandomAffine + ToTensor, batch 32, shuffled`);
    manualSeed(1);
    const serial = new DataLoader(ds, { batchSize: 32, shuffle: true });
    const s1 = await epoch(serial);
    const s2 = await epoch(serial);
    console.log(`  numWorkers 0: epoch 1 ${s1[0]}, epoch 2 ${s2[0]}`);
    manualSeed(1);
    t0 = performance.now();
    const parallel = new DataLoader(ds, { batchSize: 32, shuffle: true, numWorkers: workers, persistentWorkers: true });
    const p1 = await epoch(parallel);
    const p2 = await epoch(parallel);
    await parallel.close();
    console.log(`  numWorkers ${workers}: epoch 1 ${p1[0]} (includes starting the workers), epoch 2 ${p2[0]}`);
    const same = s1[2] === p1[2] && s2[2] === p2[2] && s1[1] === p1[1];
    console.log(`  identical batches for the same seed: ${same ? "yes" : "NO"} (checksums ${s1[2]}/${p1[2]}, ${s2[2]}/${p2[2]})`);
    if (!same) process.exitCode = 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(`${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other processes skew timings)`);
await mnist();
await folder(arg("images", 5000), arg("workers", 2));
