/**
 * ImageFolder from files in a page: `await datasets.ImageFolder.fromFiles(input.files)` for a folder
 * picked with `<input type="file" webkitdirectory>`, or `fromFiles(await datasets.filesFromDataTransfer(
 * event.dataTransfer))` for class folders dragged onto the page. The layout is torchvision's,
 * root/<class>/[sub-folders/]<image>, read from each file's relative path; images are decoded once, up
 * front, by decodeImageAsync (the browser's own decoder where present), so getItem stays synchronous.
 */
import { ArgumentError, FileError, FormatError, IndexError } from "../errors.ts";
import { decodeImageAsync } from "../io/image/decode_async.ts";
import type { DecodedImage } from "../io/image/types.ts";
import { checkOptions } from "../options.ts";
import { toTransform } from "../transforms/compose.ts";
import type { Transform, TransformLike } from "../transforms/types.ts";
import { Dataset, type SampleContext } from "../utils/data/dataset.ts";
import { type SkippedEntry, describeSkipped } from "./folder_walk.ts";
import { DEFAULT_MAX_IMAGE_FILE_BYTES, IMG_EXTENSIONS, type ImageMode, convertMode } from "./image_folder.ts";

/** A File (browser or Node), structurally: its bytes, its name and, from a folder pick, its path. */
export interface FileLike {
  readonly name: string;
  readonly size: number;
  readonly webkitRelativePath?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A file with the path it had under the dropped or picked folders ("cat/001.png"). */
export interface PathedFile {
  path: string;
  file: FileLike;
}

export type ImageFiles = ArrayLike<FileLike | PathedFile> | Iterable<FileLike | PathedFile>;

export interface ImageFolderFromFilesOptions<X, Y> {
  transform?: TransformLike<DecodedImage, X>;
  targetTransform?: TransformLike<number, Y>;
  /** Files counted as images, compared case-insensitively (default IMG_EXTENSIONS). */
  extensions?: readonly string[];
  /**
   * "throw" (default): the first corrupt image rejects with a FormatError naming it. "skip": it is
   * reported once with console.warn and getItem returns the next readable image in its place, as
   * ImageFolder does.
   */
  onError?: "throw" | "skip";
  mode?: ImageMode;
  /** Files larger than this are refused before reading (default DEFAULT_MAX_IMAGE_FILE_BYTES). */
  maxFileBytes?: number;
}

const OPTIONS = { transform: "any", targetTransform: "any", extensions: "any", onError: "string", mode: "string", maxFileBytes: "number" } as const;
/** Images decoded at once: enough to keep the decoder busy, few enough to bound the memory in flight. */
const CONCURRENCY = 4;
const WHERE = "datasets.ImageFolder.fromFiles()";

function pathOf(f: FileLike | PathedFile): { path: string; file: FileLike } {
  if ("file" in f && typeof f.path === "string") return { path: f.path, file: f.file };
  const file = f as FileLike;
  if (typeof file.name !== "string" || typeof file.arrayBuffer !== "function") {
    throw new ArgumentError(`${WHERE}: expected Files (a FileList, File[]) or { path, file } pairs, got ${String(f)}`);
  }
  return { path: file.webkitRelativePath || file.name, file };
}

const byCodepoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Classes and samples from relative paths. The root is the longest folder prefix every file shares,
 * short of leaving some file with no folder of its own: picking "data" (data/cat/1.png, data/dog/2.png)
 * and dropping "cat" and "dog" (cat/1.png, dog/2.png) both give the classes cat and dog. Samples are in
 * ImageFolder's order: folders sorted by path, files by name within each.
 */
export function listFiles(paths: readonly string[]): { root: string; classes: string[]; order: number[]; classOf: number[] } {
  const parts = paths.map((p) => p.split("/").filter((s) => s !== "" && s !== "."));
  const loose = paths.filter((_, i) => parts[i]!.length < 2);
  if (loose.length > 0) {
    throw new ArgumentError(`${WHERE}: ${loose.slice(0, 3).join(", ")}${loose.length > 3 ? ` and ${loose.length - 3} more` : ""} ` +
      "lie in no folder; pick a folder (<input type=\"file\" webkitdirectory>) or drop folders, one per class");
  }
  let depth = 0;
  for (;;) {
    const first = parts[0]![depth];
    if (!parts.every((p) => p.length > depth + 2 && p[depth] === first)) break;
    depth++;
  }
  const classes = [...new Set(parts.map((p) => p[depth]!))].sort(byCodepoint);
  const index = new Map(classes.map((c, i) => [c, i]));
  const dirOf = (p: string[]): string => p.slice(0, -1).join("/");
  const order = parts.map((_, i) => i).sort((a, b) =>
    index.get(parts[a]![depth]!)! - index.get(parts[b]![depth]!)! ||
    byCodepoint(dirOf(parts[a]!), dirOf(parts[b]!)) || byCodepoint(parts[a]!.at(-1)!, parts[b]!.at(-1)!));
  return { root: parts[0]!.slice(0, depth).join("/"), classes, order, classOf: parts.map((p) => index.get(p[depth]!)!) };
}

/** ImageFolder's samples held decoded in memory: what ImageFolder.fromFiles resolves to. */
export class DecodedImageFolder<X = DecodedImage, Y = number> extends Dataset<[X, Y]> {
  readonly classToIdx: Record<string, number>;
  readonly targets: number[];
  readonly transform: Transform<DecodedImage, X> | null;
  readonly targetTransform: Transform<number, Y> | null;

  /** Use `await ImageFolder.fromFiles(files)`; this takes what it has read. */
  constructor(
    /** The folder all files share ("" when the drop had no common folder). */
    readonly root: string,
    readonly classes: string[],
    /** [relative path, class index], in ImageFolder's order. */
    readonly samples: [string, number][],
    /** Decoded images by sample, null where unreadable (onError "skip"). */
    private readonly images: readonly (DecodedImage | null)[],
    /** The unreadable images left out, with why. */
    readonly skipped: readonly SkippedEntry[],
    readonly mode: ImageMode,
    transform: TransformLike<DecodedImage, X> | undefined,
    targetTransform: TransformLike<number, Y> | undefined,
  ) {
    super();
    this.classToIdx = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.targets = samples.map((s) => s[1]);
    this.transform = transform === undefined ? null : toTransform(transform);
    this.targetTransform = targetTransform === undefined ? null : toTransform(targetTransform);
  }

  get length(): number {
    return this.samples.length;
  }

  getItem(index: number, ctx?: SampleContext): [X, Y] {
    const n = this.samples.length;
    if (!Number.isInteger(index) || index < -n || index >= n) throw new IndexError(`index ${index} is out of range for ${n} images`);
    let i = index < 0 ? index + n : index;
    while (this.images[i] === null) i = (i + 1) % n;
    const img = convertMode(this.images[i]!, this.mode);
    const target = this.samples[i]![1];
    return [this.transform ? this.transform.apply(img, ctx) : (img as X), this.targetTransform ? this.targetTransform.apply(target, ctx) : (target as Y)];
  }
}

async function readImage(path: string, file: FileLike, maxBytes: number): Promise<DecodedImage> {
  if (file.size > maxBytes) throw new FileError(`${path}: ${file.size} bytes, over the limit of ${maxBytes} for an image (raise maxFileBytes if it is genuine)`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new FileError(`${path}: cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  return decodeImageAsync(bytes, path);
}

/** Reads and decodes an image folder given as files; see the file's comment. */
export async function imageFolderFromFiles<X = DecodedImage, Y = number>(files: ImageFiles, options: ImageFolderFromFilesOptions<X, Y> = {}): Promise<DecodedImageFolder<X, Y>> {
  checkOptions(WHERE, options, OPTIONS, { index: 2 });
  if (files === null || typeof files !== "object") throw new ArgumentError(`${WHERE}: expected a FileList, File[] or { path, file } pairs, got ${String(files)}`);
  const onError = options.onError ?? "throw";
  if (onError !== "throw" && onError !== "skip") throw new ArgumentError(`onError must be "throw" or "skip", got ${String(onError)}`);
  const mode = options.mode ?? "RGB";
  if (mode !== "RGB" && mode !== "L" && mode !== "original") throw new ArgumentError(`mode must be "RGB", "L" or "original", got ${String(mode)}`);
  const extensions = options.extensions ?? IMG_EXTENSIONS;
  const exts = extensions.map((e) => e.toLowerCase());
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_IMAGE_FILE_BYTES;
  const all = Array.from(files as ArrayLike<FileLike | PathedFile>, pathOf);
  const kept = all.filter(({ path }) => exts.some((e) => path.toLowerCase().endsWith(e)));
  if (kept.length === 0) {
    throw new ArgumentError(`${WHERE}: none of the ${all.length} files is an image (supported extensions are: ${extensions.join(", ")})`);
  }
  const { root, classes, order, classOf } = listFiles(kept.map((f) => f.path));
  const empty = classes.filter((_, c) => !classOf.includes(c));
  if (empty.length > 0) throw new ArgumentError(`Found no valid file for the classes ${empty.join(", ")}. Supported extensions are: ${extensions.join(", ")}`);
  const sorted = order.map((i) => kept[i]!);
  const images: (DecodedImage | null)[] = new Array<DecodedImage | null>(sorted.length).fill(null);
  const failed: (SkippedEntry | null)[] = new Array<SkippedEntry | null>(sorted.length).fill(null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sorted.length) {
      const i = next++;
      const { path, file } = sorted[i]!;
      try {
        images[i] = await readImage(path, file, maxBytes);
      } catch (e) {
        if (onError === "throw" || !(e instanceof FormatError || e instanceof FileError)) throw e;
        failed[i] = { path, reason: e.message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, sorted.length) }, worker));
  const skipped = failed.filter((f): f is SkippedEntry => f !== null);
  if (skipped.length === sorted.length) throw new FormatError(`${WHERE}: no image could be read (${skipped[0]!.reason})`);
  if (skipped.length > 0) console.warn(describeSkipped(`ImageFolder.fromFiles ${root || "(dropped folders)"}`, skipped));
  const samples = sorted.map((f, k): [string, number] => [f.path, classOf[order[k]!]!]);
  return new DecodedImageFolder<X, Y>(root, classes, samples, images, skipped, mode, options.transform, options.targetTransform);
}
