/**
 * torchvision's ImageFolder: root/<class>/[sub-folders/]<image>, one folder per class, classes sorted by name.
 * Images are decoded by content (BMP, PNG, JPEG), whatever their extension says.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { ArgumentError, FormatError, IndexError } from "../errors.ts";
import { decodeImage, toGray } from "../io/image/index.ts";
import type { DecodedImage } from "../io/image/types.ts";
import { dropChannels } from "../io/image/types.ts";
import { toTransform } from "../transforms/compose.ts";
import type { Transform, TransformLike } from "../transforms/types.ts";
import { Dataset, type SampleContext } from "../utils/data/dataset.ts";
import type { DatasetRecipe, JsonValue } from "../utils/data/recipe.ts";
import { transformsFromJson } from "./image_array.ts";

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
   * "throw" (default): a corrupt image raises a FormatError naming the file. "skip": it is reported once
   * with console.warn and the next readable image (in index order, wrapping) is returned in its place.
   */
  onError?: "throw" | "skip";
  mode?: ImageMode;
  /** A listing made earlier (by a worker's parent), so the folder is not scanned again. */
  listing?: { classes: string[]; samples: [string, number][] };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function findClasses(root: string): string[] {
  const classes = readdirSync(root).filter((name) => isDir(join(root, name))).sort();
  if (classes.length === 0) throw new ArgumentError(`Couldn't find any class folder in ${root}.`);
  return classes;
}

/** Files under dir, ordered as torchvision's sorted(os.walk(dir)) then sorted(files). */
function walk(dir: string): string[] {
  const groups: [string, string[]][] = [];
  const visit = (d: string) => {
    const files: string[] = [];
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (isDir(p)) visit(p);
      else files.push(name);
    }
    groups.push([d, files.sort()]);
  };
  visit(dir);
  groups.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return groups.flatMap(([d, files]) => files.map((f) => join(d, f)));
}

export function listImageFolder(root: string, extensions: readonly string[] = IMG_EXTENSIONS): { classes: string[]; samples: [string, number][] } {
  const classes = findClasses(root);
  const exts = extensions.map((e) => e.toLowerCase());
  const samples: [string, number][] = [];
  const empty: string[] = [];
  classes.forEach((cls, idx) => {
    const files = walk(join(root, cls)).filter((p) => exts.some((e) => p.toLowerCase().endsWith(e)));
    if (files.length === 0) empty.push(cls);
    for (const f of files) samples.push([f, idx]);
  });
  if (empty.length > 0) {
    throw new ArgumentError(`Found no valid file for the classes ${empty.join(", ")}. Supported extensions are: ${extensions.join(", ")}`);
  }
  return { classes, samples };
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

/** Reads and decodes one file; every failure to make an image of it is a FormatError naming the file. */
export function loadImage(path: string, mode: ImageMode): DecodedImage {
  const bytes = readFileSync(path);
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
  private readonly reported = new Set<number>();

  constructor(root: string, options: ImageFolderOptions<X, Y> = {}) {
    super();
    this.root = resolve(root);
    this.extensions = options.extensions ?? IMG_EXTENSIONS;
    this.onError = options.onError ?? "throw";
    if (this.onError !== "throw" && this.onError !== "skip") throw new ArgumentError(`onError must be "throw" or "skip", got ${String(this.onError)}`);
    this.mode = options.mode ?? "RGB";
    const { classes, samples } = options.listing ?? listImageFolder(this.root, this.extensions);
    this.classes = classes;
    this.classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.samples = samples;
    this.targets = samples.map((s) => s[1]);
    this.transform = options.transform === undefined ? null : toTransform(options.transform);
    this.targetTransform = options.targetTransform === undefined ? null : toTransform(options.targetTransform);
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
        img = loadImage(this.samples[i]![0], this.mode);
      } catch (e) {
        if (this.onError === "throw" || !(e instanceof FormatError) || tries + 1 >= n) throw e;
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
      classes: this.classes,
      samples: this.samples,
      transform: this.transform?.toJSON() ?? null,
      targetTransform: this.targetTransform?.toJSON() ?? null,
    };
    return { module: import.meta.url, export: "ImageFolder", args };
  }

  static fromRecipe(args: JsonValue): ImageFolder<unknown, unknown> {
    const a = args as { root: string; extensions: string[]; onError: "throw" | "skip"; mode: ImageMode; classes: string[]; samples: [string, number][]; transform: JsonValue; targetTransform: JsonValue };
    return new ImageFolder(a.root, { extensions: a.extensions, onError: a.onError, mode: a.mode, listing: { classes: a.classes, samples: a.samples }, ...transformsFromJson(a) });
  }
}

