/**
 * torchvision's ImageFolder: root/<class>/[sub-folders/]<image>, one folder per class, classes sorted by name.
 * Images are decoded by content (BMP, PNG, JPEG), whatever their extension says.
 */
import { path } from "../platform/node.ts";
import { ArgumentError, FileError, FormatError, IndexError } from "../errors.ts";
import { readFileChecked } from "../io/file.ts";
import { checkOptions } from "../options.ts";
import { decodeImage, toGray } from "../io/image/index.ts";
import type { DecodedImage } from "../io/image/types.ts";
import { dropChannels } from "../io/image/types.ts";
import { toTransform } from "../transforms/compose.ts";
import type { Transform, TransformLike } from "../transforms/types.ts";
import { Dataset, type SampleContext } from "../utils/data/dataset.ts";
import type { DatasetRecipe, JsonValue } from "../utils/data/recipe.ts";
import { type ImageFolderListing, type SkippedEntry, describeSkipped, findClassFolders, listFolder } from "./folder_walk.ts";
import { transformsFromJson } from "./image_array.ts";
import { type DecodedImageFolder, type ImageFiles, type ImageFolderFromFilesOptions, imageFolderFromFiles } from "./image_folder_browser.ts";
const { resolve } = path;

export type { ImageFolderListing, SkippedEntry } from "./folder_walk.ts";

/** The extensions kindling can decode (torchvision also lists formats it has no decoder for here). */
export const IMG_EXTENSIONS = [".jpg", ".jpeg", ".png", ".bmp"];

/** "RGB" as torchvision's loader (gray repeated, alpha dropped), "L" for one gray channel, "original" as decoded. */
export type ImageMode = "RGB" | "L" | "original";

export interface ImageFolderOptions<X, Y> {
  transform?: TransformLike<DecodedImage, X>;
  targetTransform?: TransformLike<number, Y>;
  /** Files counted as images, compared case-insensitively (default IMG_EXTENSIONS). */
  extensions?: readonly string[];
  /**
   * "throw" (default): a corrupt or unreadable image raises a FormatError or FileError naming the file.
   * "skip": it is reported once with console.warn and the next readable image (in index order, wrapping)
   * is returned in its place.
   */
  onError?: "throw" | "skip";
  mode?: ImageMode;
  /** Image files larger than this are refused before reading (default DEFAULT_MAX_IMAGE_FILE_BYTES). */
  maxFileBytes?: number;
  /** A listing made earlier (by a worker's parent), so the folder is not scanned again. */
  listing?: { classes: string[]; samples: [string, number][]; skipped?: readonly SkippedEntry[] };
}

const IMAGE_FOLDER_OPTIONS = {
  transform: "any", targetTransform: "any", extensions: "any", onError: "string", mode: "string", maxFileBytes: "number", listing: "object",
} as const;

export function findClasses(root: string): string[] {
  return findClassFolders(root);
}

/**
 * Classes and [path, class] samples of root/<class>/..., plus what was left out: links to directories
 * (never followed), broken links, link loops, FIFOs and devices with an image's name.
 */
export function listImageFolder(root: string, extensions: readonly string[] = IMG_EXTENSIONS): ImageFolderListing {
  return listFolder(root, extensions);
}

export function convertMode(img: DecodedImage, mode: ImageMode): DecodedImage {
  if (mode === "original") return img;
  if (mode === "L") return toGray(img);
  if (img.channels === 3) return img;
  if (img.channels === 4) return dropChannels(img.width, img.height, img.data, 4, 3);
  const out = new Uint8Array(img.data.length * 3);
  for (let i = 0; i < img.data.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = img.data[i]!;
  return { width: img.width, height: img.height, channels: 3, data: out };
}

/** An image file larger than this is refused before reading (a 100-megapixel RGBA BMP is 400 MB). */
export const DEFAULT_MAX_IMAGE_FILE_BYTES = 512 * 2 ** 20;

/**
 * Reads and decodes one file. A path that is not a regular file or is larger than `maxBytes` is a
 * FileError naming it; every failure to make an image of its bytes is a FormatError naming it.
 */
export function loadImage(path: string, mode: ImageMode, opts: { maxBytes?: number } = {}): DecodedImage {
  checkOptions("datasets.loadImage()", opts, { maxBytes: "number" }, { index: 3 });
  const bytes = readFileChecked(path, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_IMAGE_FILE_BYTES, what: "image" });
  try {
    return convertMode(decodeImage(bytes, path), mode);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    // Third-party decoders throw plain Errors (or strings) on some corrupt input.
    throw new FormatError(`${path}: cannot decode image (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Samples are [image, classIndex]; the image is a DecodedImage unless a transform makes it something else. */
export class ImageFolder<X = DecodedImage, Y = number> extends Dataset<[X, Y]> {
  readonly root: string;
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  readonly samples: [string, number][];
  readonly targets: number[];
  readonly extensions: readonly string[];
  readonly onError: "throw" | "skip";
  readonly mode: ImageMode;
  readonly transform: Transform<DecodedImage, X> | null;
  readonly targetTransform: Transform<number, Y> | null;
  readonly maxFileBytes: number;
  /** Entries left out of the listing (links to directories, broken links, FIFOs, ...), with the reason. */
  readonly skipped: readonly SkippedEntry[];
  private readonly reported = new Set<number>();

  constructor(root: string, options: ImageFolderOptions<X, Y> = {}) {
    super();
    checkOptions("datasets.ImageFolder()", options, IMAGE_FOLDER_OPTIONS, { index: 2, positional: "transform" });
    this.root = resolve(root);
    this.extensions = options.extensions ?? IMG_EXTENSIONS;
    this.onError = options.onError ?? "throw";
    if (this.onError !== "throw" && this.onError !== "skip") throw new ArgumentError(`onError must be "throw" or "skip", got ${String(this.onError)}`);
    this.mode = options.mode ?? "RGB";
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_IMAGE_FILE_BYTES;
    const listing = options.listing ?? listImageFolder(this.root, this.extensions);
    const { classes, samples } = listing;
    this.skipped = listing.skipped ?? [];
    if (this.skipped.length > 0) console.warn(describeSkipped(`ImageFolder ${this.root}`, this.skipped));
    this.classes = classes;
    this.classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.samples = samples;
    this.targets = samples.map((s) => s[1]);
    this.transform = options.transform === undefined ? null : toTransform(options.transform);
    this.targetTransform = options.targetTransform === undefined ? null : toTransform(options.targetTransform);
  }

  /**
   * The same dataset from files instead of a path, for a page: a FileList from `<input type="file"
   * webkitdirectory>`, or filesFromDataTransfer(event.dataTransfer) for dropped class folders. Images are
   * decoded up front (by the browser's own decoder where present); see image_folder_browser.ts.
   */
  static fromFiles<X = DecodedImage, Y = number>(files: ImageFiles, options?: ImageFolderFromFilesOptions<X, Y>): Promise<DecodedImageFolder<X, Y>> {
    return imageFolderFromFiles(files, options);
  }

  get length(): number {
    return this.samples.length;
  }

  getItem(index: number, ctx?: SampleContext): [X, Y] {
    const n = this.samples.length;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new IndexError(`index ${index} is out of range for ${n} images`);
    let i = index < 0 ? index + n : index;
    let img: DecodedImage | null = null;
    for (let tries = 0; img === null; tries++) {
      try {
        img = loadImage(this.samples[i]![0], this.mode, { maxBytes: this.maxFileBytes });
      } catch (e) {
        if (this.onError === "throw" || !(e instanceof FormatError || e instanceof FileError) || tries + 1 >= n) throw e;
        if (!this.reported.has(i)) {
          this.reported.add(i);
          console.warn(`ImageFolder: skipping unreadable image: ${e.message}`);
        }
        i = (i + 1) % n;
      }
    }
    const target = this.samples[i]![1];
    const x = this.transform ? this.transform.apply(img, ctx) : (img as X);
    const y = this.targetTransform ? this.targetTransform.apply(target, ctx) : (target as Y);
    return [x, y];
  }

  workerRecipe(): DatasetRecipe {
    const args: JsonValue = {
      root: this.root,
      extensions: [...this.extensions],
      onError: this.onError,
      mode: this.mode,
      maxFileBytes: this.maxFileBytes,
      classes: this.classes,
      samples: this.samples,
      transform: this.transform?.toJSON() ?? null,
      targetTransform: this.targetTransform?.toJSON() ?? null,
    };
    return { module: import.meta.url, export: "ImageFolder", args };
  }

  static fromRecipe(args: JsonValue): ImageFolder<unknown, unknown> {
    const a = args as { root: string; extensions: string[]; onError: "throw" | "skip"; mode: ImageMode; maxFileBytes: number; classes: string[]; samples: [string, number][]; transform: JsonValue; targetTransform: JsonValue };
    return new ImageFolder(a.root, { extensions: a.extensions, onError: a.onError, mode: a.mode, maxFileBytes: a.maxFileBytes, listing: { classes: a.classes, samples: a.samples }, ...transformsFromJson(a) });
  }
}

