/**
 * A preprocessed image folder: decodes (and converts, resizes) every image of an ImageFolder once into
 * one cache file, then serves it from memory like MNIST. The cache is keyed by a hash of the folder's
 * file list, sizes and modification times plus the options, so it is reused until the folder changes;
 * it is written atomically, and a damaged cache is detected and rebuilt with a warning.
 */
import { createHash, fs, path } from "../platform/node.ts";
import { ArgumentError, FileError, FormatError } from "../errors.ts";
import { writeFileAtomicSync } from "../io/atomic.ts";
import { describeFsError, isMissingFile, readFileChecked } from "../io/file.ts";
import { checkOptions } from "../options.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { resizeImage } from "../transforms/geometry.ts";
import type { DecodedImage } from "../io/image/types.ts";
import type { DatasetRecipe, JsonValue } from "../utils/data/recipe.ts";
import { type CacheContents, CACHE_VERSION, decodeCache, encodeCache } from "./cache_format.ts";
import { IMAGE_TRANSFORM_OPTIONS, ImageArrayDataset, type ImageTransformOptions, transformsFromJson } from "./image_array.ts";
import { type SkippedEntry, describeSkipped } from "./folder_walk.ts";
import { DEFAULT_MAX_IMAGE_FILE_BYTES, IMG_EXTENSIONS, listImageFolder, loadImage } from "./image_folder.ts";
const { readdirSync, rmSync, statSync } = fs;
const { basename, join, relative, resolve } = path;

export interface CachedImageFolderOptions<X, Y> extends ImageTransformOptions<X, Y> {
  /** [height, width] every image is resized to (bilinear); required unless all images share one size. */
  size?: readonly [number, number];
  /** One gray channel (true) or RGB (false, default). */
  grayscale?: boolean;
  extensions?: readonly string[];
  /** "throw" (default) on a corrupt or unreadable image, or "skip" it (with a warning) and leave it out of the cache. */
  onError?: "throw" | "skip";
  /** Image files larger than this are refused before reading (default DEFAULT_MAX_IMAGE_FILE_BYTES). */
  maxFileBytes?: number;
}

function readCache(path: string): CacheContents {
  return decodeCache(readFileChecked(path, { what: "image cache" }), path);
}

export class CachedImageFolder<X = Tensor, Y = number> extends ImageArrayDataset<X, Y> {
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** [absolute path, class index] of each cached image. */
  readonly samples: [string, number][];
  /** Entries of the folder left out of its listing (links to directories, FIFOs, ...), with the reason. */
  readonly skipped: readonly SkippedEntry[];

  constructor(
    readonly root: string,
    /** The cache file these images were read from. */
    readonly cachePath: string,
    /** Whether an existing cache was reused (false: it was built now). */
    readonly fromCache: boolean,
    contents: CacheContents,
    options: ImageTransformOptions<X, Y>,
    skipped: readonly SkippedEntry[] = [],
  ) {
    const { header, pixels, labels } = contents;
    super(pixels, labels, { count: header.count, height: header.height, width: header.width, channels: header.channels }, options);
    this.classes = header.classes;
    this.classToIdx = Object.fromEntries(header.classes.map((c, i) => [c, i]));
    this.samples = header.samples.map(([p, c]) => [join(root, p), c]);
    this.skipped = skipped;
  }

  workerRecipe(): DatasetRecipe {
    return { module: import.meta.url, export: "CachedImageFolder", args: { root: this.root, cachePath: this.cachePath, ...this.transformsJson() } };
  }

  /** A worker reads the cache file its parent made (verified again by checksum), never rebuilding it. */
  static fromRecipe(args: JsonValue): CachedImageFolder<unknown, unknown> {
    const a = args as { root: string; cachePath: string; transform: JsonValue; targetTransform: JsonValue };
    const contents = readCache(a.cachePath);
    return new CachedImageFolder(a.root, a.cachePath, true, contents, transformsFromJson(a));
  }
}

function folderKey(root: string, samples: [string, number][], classes: string[], opts: object): string {
  const files = samples.map(([p, c]) => {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      throw describeFsError(p, e, "image");
    }
    return [relative(root, p), c, st.size, st.mtimeMs];
  });
  return createHash("sha256").update(JSON.stringify({ v: CACHE_VERSION, opts, classes, files })).digest("hex");
}

function build(root: string, classes: string[], samples: [string, number][], key: string, o: CachedImageFolderOptions<unknown, unknown>): Uint8Array {
  const images: DecodedImage[] = [];
  const kept: [string, number][] = [];
  let size = o.size;
  for (const [path, cls] of samples) {
    let img: DecodedImage;
    try {
      img = loadImage(path, o.grayscale ? "L" : "RGB", { maxBytes: o.maxFileBytes });
    } catch (e) {
      if (o.onError !== "skip" || !(e instanceof FormatError || e instanceof FileError)) throw e;
      console.warn(`cachedImageFolder: skipping unreadable image: ${e.message}`);
      continue;
    }
    size ??= [img.height, img.width];
    if (!o.size && (img.height !== size[0] || img.width !== size[1])) {
      throw new ArgumentError(`cachedImageFolder: ${path} is ${img.height}x${img.width} but earlier images are ${size[0]}x${size[1]}; pass options.size to resize them all`);
    }
    images.push(resizeImage(img, [size[0], size[1]]) as DecodedImage);
    kept.push([relative(root, path), cls]);
  }
  if (images.length === 0 || !size) throw new ArgumentError(`cachedImageFolder: no readable image in ${root}`);
  const channels = o.grayscale ? 1 : 3;
  const n = size[0] * size[1] * channels;
  const pixels = new Uint8Array(images.length * n);
  images.forEach((img, i) => pixels.set(img.data, i * n));
  const labels = Int32Array.from(kept, ([, c]) => c);
  return encodeCache({ key, count: images.length, height: size[0], width: size[1], channels, classes, samples: kept }, pixels, labels);
}

/** Removes caches of the same folder built from an older listing. */
function removeStale(cacheDir: string, prefix: string, keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith(prefix) && name.endsWith(".kimg") && name !== keep) rmSync(join(cacheDir, name), { force: true });
  }
}

/**
 * The folder's images as a CachedImageFolder, decoded from `root` the first time (or after it changed)
 * and loaded from a file in `cacheDir` after that.
 */
export function cachedImageFolder<X = Tensor, Y = number>(root: string, cacheDir: string, options: CachedImageFolderOptions<X, Y> = {}): CachedImageFolder<X, Y> {
  checkOptions("datasets.cachedImageFolder()", options, {
    ...IMAGE_TRANSFORM_OPTIONS, size: "int[]?", grayscale: "boolean", extensions: "any", onError: "string", maxFileBytes: "number",
  }, { index: 3 });
  const absRoot = resolve(root);
  const extensions = options.extensions ?? IMG_EXTENSIONS;
  const { classes, samples, skipped } = listImageFolder(absRoot, extensions);
  if (skipped.length > 0) console.warn(describeSkipped(`cachedImageFolder ${absRoot}`, skipped));
  const keyOpts = {
    size: options.size ?? null, grayscale: options.grayscale ?? false, extensions, onError: options.onError ?? "throw",
    // Only when given, so that caches built before the option existed keep their key.
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  };
  const key = folderKey(absRoot, samples, classes, keyOpts);
  const prefix = `${basename(absRoot)}-`;
  const file = `${prefix}${key.slice(0, 16)}.kimg`;
  const cachePath = join(resolve(cacheDir), file);
  const transforms: ImageTransformOptions<X, Y> = { transform: options.transform, targetTransform: options.targetTransform };
  try {
    const contents = readCache(cachePath);
    if (contents.header.key !== key) throw new FormatError(`${cachePath}: built from a different folder listing`);
    return new CachedImageFolder(absRoot, cachePath, true, contents, transforms, skipped);
  } catch (e) {
    // A cache that is missing is built; one that is damaged, or is a FIFO or folder, is replaced.
    if (!isMissingFile(e)) {
      if (!(e instanceof FormatError || e instanceof FileError)) throw e;
      console.warn(`cachedImageFolder: ${e.message}; rebuilding the cache`);
    }
  }
  const bytes = build(absRoot, classes, samples, key, { ...keyOpts, size: options.size, maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_IMAGE_FILE_BYTES });
  try {
    writeFileAtomicSync(cachePath, bytes);
  } catch (e) {
    throw describeFsError(cachePath, e, "image cache");
  }
  removeStale(resolve(cacheDir), prefix, file);
  return new CachedImageFolder(absRoot, cachePath, false, decodeCache(bytes, cachePath), transforms, skipped);
}
