import { join } from "node:path";
import { KindlingError } from "../errors.ts";
import { cachedImageFolder } from "../datasets/cache.ts";
import { ImageArrayDataset } from "../datasets/image_array.ts";
import { MNIST } from "../datasets/mnist.ts";
import { linspace, rand } from "../tensor/creation.ts";
import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Compose } from "../transforms/compose.ts";
import { RandomAffine } from "../transforms/affine.ts";
import { GaussianNoise, ToTensor } from "../transforms/tensor_ops.ts";
import { DataLoader } from "../utils/data/dataloader.ts";
import { type MapDataset, Subset, TensorDataset, randomSplit } from "../utils/data/dataset.ts";
import { randomSplitLengths } from "../utils/data/samplers.ts";
import { ConfigError, type ResolvedConfig } from "./config.ts";

/**
 * The trainer's data as torch.utils.data datasets: MNIST and image folders (decoded once into a cache
 * file next to the records), split 9:1 into train/valid by the run's generator, with the config's
 * augmentation on the training split only.
 */

export type Sample = [Tensor, Tensor | number];

export interface TaskData {
  train: MapDataset<Sample>;
  valid: MapDataset<Sample>;
  test: MapDataset<Sample> | null;
  classes: string[];
  inputShape: number[];
  /** What the log should say about where the data came from. */
  description: string;
}

function trainTransform(augment: ResolvedConfig["augment"]) {
  if (!augment) return new ToTensor();
  const steps = [];
  if (augment.degrees || augment.translate || augment.scale) {
    steps.push(new RandomAffine({
      degrees: augment.degrees ?? 0,
      ...(augment.translate ? { translate: [augment.translate, augment.translate] as const } : {}),
      ...(augment.scale ? { scale: augment.scale } : {}),
    }));
  }
  return new Compose([...steps, new ToTensor(), ...(augment.noise ? [new GaussianNoise(augment.noise)] : [])] as never);
}

/** Two views of the same pixels: augmented for training, plain for evaluation. */
function views(src: ImageArrayDataset, augment: ResolvedConfig["augment"]) {
  const shape = { count: src.length, height: src.height, width: src.width, channels: src.channels };
  return {
    plain: new ImageArrayDataset(src.data, src.targets, shape, { transform: new ToTensor() }),
    train: augment ? new ImageArrayDataset(src.data, src.targets, shape, { transform: trainTransform(augment) }) : null,
  };
}

/** Refuses a split that would leave training or validation empty (before randomSplit warns about it). */
function checkSplit(source: string, n: number, fractions: [number, number], key: string, fix: string): void {
  const [nTrain, nValid] = randomSplitLengths(n, fractions);
  if (nTrain === 0 || nValid === 0) {
    throw new ConfigError(`${source}: ${key}: the ${nTrain === 0 ? "training" : "validation"} split of ${n} samples would be empty (fractions ${fractions.join(" / ")}); ${fix}`);
  }
}

function splitTrainValid(src: ImageArrayDataset, config: ResolvedConfig, generator: Generator) {
  checkSplit(config.source, src.length, [1 - config.validSplit, config.validSplit], "validSplit", "add data or change validSplit");
  const { plain, train } = views(src, config.augment);
  const [trainPart, validPart] = randomSplit(plain, [1 - config.validSplit, config.validSplit], generator);
  return {
    train: (train ? new Subset(train, trainPart!.indices) : trainPart!) as MapDataset<Sample>,
    valid: validPart! as MapDataset<Sample>,
  };
}

function sinData(source: string, c: Extract<ResolvedConfig["data"], { source: "sin" }>, generator: Generator): TaskData {
  const lo = c.low ?? -Math.PI;
  const hi = c.high ?? Math.PI;
  const n = c.samples ?? 10000;
  checkSplit(source, n, [0.9, 0.1], "data.samples", "use more samples");
  const x = rand([n, 1], { generator }).mul(hi - lo).add(lo);
  const [train, valid] = randomSplit(new TensorDataset(x, x.sin()), [0.9, 0.1], generator);
  const grid = linspace(lo, hi, 1000).reshape(1000, 1);
  return {
    train: train as unknown as MapDataset<Sample>,
    valid: valid as unknown as MapDataset<Sample>,
    test: new TensorDataset(grid, grid.sin()) as unknown as MapDataset<Sample>,
    classes: [],
    inputShape: [1],
    description: `sin(x), ${n} points uniform in [${lo.toFixed(3)}, ${hi.toFixed(3)}], 1000-point test grid`,
  };
}

/** An image folder through its cache; a folder the dataset refuses (no images, ...) names the config key. */
function imageFolder(config: ResolvedConfig, key: string, path: string, cacheDir: string, size: readonly number[]) {
  try {
    return cachedImageFolder(path, cacheDir, { size: [size[0]!, size[1]!], grayscale: true });
  } catch (e) {
    // Only the typed refusals are the user's to fix; anything else stays what it is (a bug, shown as one).
    if (e instanceof KindlingError && !e.message.includes(path)) throw new ConfigError(`${config.source}: ${key}: ${path}: ${e.message}`);
    throw e;
  }
}

const names = (xs: string[]) => (xs.length > 8 ? `${xs.slice(0, 8).join(", ")}, ... ${xs.length} in all` : xs.join(", "));

export function loadTaskData(config: ResolvedConfig, generator: Generator): TaskData {
  const d = config.data;
  if (d.source === "sin") return sinData(config.source, d, generator);
  if (d.source === "mnist") {
    const opts = d.root ? { root: d.root } : {};
    const train = new MNIST({ ...opts, train: true });
    const test = new MNIST({ ...opts, train: false });
    return {
      ...splitTrainValid(train, config, generator),
      test: views(test, null).plain as MapDataset<Sample>,
      classes: Array.from({ length: 10 }, (_, i) => String(i)),
      inputShape: [1, 28, 28],
      description: `MNIST (${train.length} train, ${test.length} test)`,
    };
  }
  if (d.source !== "folder") throw new ConfigError(`${config.source}: data.source "${d.source}" is text, read by the charlm task`);
  const size = d.size ?? [28, 28];
  const cacheDir = join(config.recordPath, "cache");
  const folder = imageFolder(config, "data.path", d.path, cacheDir, size);
  let test: MapDataset<Sample> | null = null;
  if (d.testPath) {
    const t = imageFolder(config, "data.testPath", d.testPath, cacheDir, size);
    if (t.classes.join("\0") !== folder.classes.join("\0")) {
      throw new ConfigError(`${config.source}: data.testPath: the class folders of ${d.testPath} (${names(t.classes)}) differ from those of data.path ${d.path} (${names(folder.classes)}); give both the same class folders`);
    }
    test = views(t, null).plain as MapDataset<Sample>;
  }
  return {
    ...splitTrainValid(folder, config, generator),
    test,
    classes: folder.classes,
    inputShape: [1, size[0], size[1]],
    description: `${d.path} (${folder.length} images, ${folder.classes.length} classes; ${folder.fromCache ? "read from" : "decoded into"} ${folder.cachePath})`,
  };
}

export function loader(ds: MapDataset<Sample>, batchSize: number, generator: Generator | null): DataLoader<Sample, [Tensor, Tensor]> {
  return new DataLoader<Sample, [Tensor, Tensor]>(ds, generator ? { batchSize, shuffle: true, generator } : { batchSize });
}
