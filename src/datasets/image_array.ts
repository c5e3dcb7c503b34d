/**
 * A dataset of equally sized 8-bit images held in one array (MNIST, a cached image folder). Samples go
 * through the transform as DecodedImages, or through ToTensor when there is none. `getBatch` builds whole
 * batches straight from the array when the pipeline allows it, which is what makes an MNIST epoch cheap.
 */
import { ArgumentError, IndexError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import type { DecodedImage } from "../io/image/types.ts";
import { Tensor } from "../tensor/tensor.ts";
// The whole package, so every built-in transform is registered before a worker rebuilds one from JSON
// (used below rather than imported bare: package.json marks transforms/ free of side effects for bundlers).
import * as registeredTransforms from "../transforms/index.ts";
import { Compose, toTransform } from "../transforms/compose.ts";
import { ToTensor, imageToTensor } from "../transforms/tensor_ops.ts";
import { Transform, type TransformContext, type TransformJSON, type TransformLike, transformFromJSON } from "../transforms/types.ts";
import type { Collated } from "../utils/data/collate.ts";
import { Dataset, type SampleContext } from "../utils/data/dataset.ts";
import type { JsonValue } from "../utils/data/recipe.ts";

/** v / 255 for every byte, rounded to float32 exactly as ToTensor's division is: a lookup beats a divide. */
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

export interface ImageTransformOptions<X, Y> {
  /** Applied to each DecodedImage (HWC uint8); without one, samples are ToTensor'd ([C, H, W] float32 in [0, 1]). */
  transform?: TransformLike<DecodedImage, X>;
  /** Applied to each integer label. */
  targetTransform?: TransformLike<number, Y>;
}

/** The options every image dataset takes (checked by name at run time, as `transform_` would otherwise be ignored). */
export const IMAGE_TRANSFORM_OPTIONS = { transform: "any", targetTransform: "any" } as const;

export interface ImageArrayShape {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3 | 4;
}

export class ImageArrayDataset<X = Tensor, Y = number> extends Dataset<[X, Y]> {
  readonly transform: Transform<DecodedImage, X> | null;
  readonly targetTransform: Transform<number, Y> | null;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3 | 4;
  private readonly count: number;

  constructor(
    /** All pixels: image i is bytes [i * H*W*C, (i + 1) * H*W*C), each HWC, as decoded. */
    readonly data: Uint8Array,
    /** The label of each image. */
    readonly targets: Uint8Array | Int32Array,
    shape: ImageArrayShape,
    options: ImageTransformOptions<X, Y> = {},
  ) {
    super();
    checkOptions("datasets.ImageArrayDataset()", options, IMAGE_TRANSFORM_OPTIONS, { index: 4 });
    const { count, height, width, channels } = shape;
    if (data.length !== count * height * width * channels || targets.length !== count) {
      throw new ArgumentError(`image array of ${data.length} bytes and ${targets.length} labels does not hold ${count} images of ${height}x${width}x${channels}`);
    }
    this.count = count;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.transform = options.transform === undefined ? null : toTransform(options.transform);
    this.targetTransform = options.targetTransform === undefined ? null : toTransform(options.targetTransform);
  }

  get length(): number {
    return this.count;
  }

  /** Image i as decoded (a copy, so transforms may keep or alter it). */
  image(index: number): DecodedImage {
    const i = this.checkIndex(index);
    const n = this.height * this.width * this.channels;
    return { width: this.width, height: this.height, channels: this.channels, data: this.data.slice(i * n, (i + 1) * n) };
  }

  private checkIndex(index: number): number {
    if (!Number.isInteger(index) || index < -this.count || index >= this.count) {
      throw new IndexError(`index ${index} is out of range for a dataset of ${this.count} images`);
    }
    return index < 0 ? index + this.count : index;
  }

  getItem(index: number, ctx?: SampleContext): [X, Y] {
    const img = this.image(index);
    const target = this.targets[this.checkIndex(index)]!;
    const c: TransformContext | undefined = ctx;
    const x = this.transform ? this.transform.apply(img, c) : (imageToTensor(img) as X);
    const y = this.targetTransform ? this.targetTransform.apply(target, c) : (target as Y);
    return [x, y];
  }

  /** The tensor transforms to run on a ToTensor'd batch, or null when the pipeline needs sample-by-sample work. */
  private batchPlan(): Transform<unknown, unknown>[] | null {
    if (this.targetTransform) return null;
    const t = this.transform as Transform<unknown, unknown> | null;
    if (t === null || t instanceof ToTensor) return [];
    if (!(t instanceof Compose) || !(t.transforms[0] instanceof ToTensor)) return null;
    const rest = t.transforms.slice(1);
    return rest.every((r) => r.batchable) ? rest : null;
  }

  /** [images [B, C, H, W] float32, labels [B] int64], equal to default-collating getItem's samples. */
  getBatch(indices: readonly number[]): Collated<[X, Y]> | undefined {
    const plan = this.batchPlan();
    if (plan === null) return undefined;
    const { height: h, width: w, channels: c } = this;
    const hw = h * w;
    const n = hw * c;
    const data = this.data;
    const out = new Float32Array(indices.length * n);
    const labels = new Float64Array(indices.length);
    for (let b = 0; b < indices.length; b++) {
      const i = this.checkIndex(indices[b]!);
      labels[b] = this.targets[i]!;
      const src = i * n;
      const dst = b * n;
      if (c === 1) for (let k = 0; k < hw; k++) out[dst + k] = UNIT[data[src + k]!]!;
      else for (let p = 0; p < hw; p++) for (let k = 0; k < c; k++) out[dst + k * hw + p] = UNIT[data[src + p * c + k]!]!;
    }
    let x: unknown = Tensor.fromStorage(out, "float32", [indices.length, c, h, w]);
    for (const t of plan) x = t.apply(x);
    return [x, Tensor.fromStorage(labels, "int64", [indices.length])] as unknown as Collated<[X, Y]>;
  }

  /** The transforms as JSON for a worker recipe (throws for a Lambda). */
  protected transformsJson(): { transform: JsonValue; targetTransform: JsonValue } {
    return { transform: this.transform?.toJSON() ?? null, targetTransform: this.targetTransform?.toJSON() ?? null };
  }
}

/** Rebuilds the transform options saved by `transformsJson`. */
export function transformsFromJson<X, Y>(args: { transform?: JsonValue; targetTransform?: JsonValue }): ImageTransformOptions<X, Y> {
  void registeredTransforms;
  const out: ImageTransformOptions<X, Y> = {};
  if (args.transform) out.transform = transformFromJSON(args.transform as TransformJSON) as Transform<DecodedImage, X>;
  if (args.targetTransform) out.targetTransform = transformFromJSON(args.targetTransform as TransformJSON) as Transform<number, Y>;
  return out;
}
