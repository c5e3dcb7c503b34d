/**
 * torchvision's FakeData: `size` random images and labels that need no files (dcgan's `--dataset fake`).
 * Sample i is drawn from a generator seeded with i + randomOffset, so it is the same on every read, in any
 * order and in any worker, and reading it leaves the default generator alone (torchvision seeds and then
 * restores the global one). kindling's generator is not PyTorch's, so the pixels are not torchvision's.
 */
import { ArgumentError, IndexError } from "../../errors.ts";
import type { DecodedImage } from "../../io/image/types.ts";
import { checkOptions } from "../../options.ts";
import { randint, randn } from "../../tensor/creation.ts";
import { Generator } from "../../tensor/random.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { toTransform } from "../../transforms/compose.ts";
import { imageToTensor } from "../../transforms/tensor_ops.ts";
import type { Transform } from "../../transforms/types.ts";
import { Dataset, type SampleContext } from "../../utils/data/dataset.ts";
import type { DatasetRecipe, JsonValue } from "../../utils/data/recipe.ts";
import { IMAGE_TRANSFORM_OPTIONS, type ImageTransformOptions, transformsFromJson } from "../image_array.ts";

export interface FakeDataOptions<X, Y> extends ImageTransformOptions<X, Y> {
  /** How many samples (default 1000). */
  size?: number;
  /** [channels, height, width] of each image (default [3, 224, 224]); 1, 3 or 4 channels, as an image has. */
  imageSize?: readonly [number, number, number];
  /** Labels are drawn from [0, numClasses) (default 10). */
  numClasses?: number;
  /** Added to the index to seed each sample, so two FakeData can differ (default 0). */
  randomOffset?: number;
}

const FAKE_DATA_OPTIONS = { ...IMAGE_TRANSFORM_OPTIONS, size: "int", imageSize: "ints", numClasses: "int", randomOffset: "int" } as const;

/**
 * ToPILImage of a float image: x * 255 (in float32) converted to a byte as PyTorch's `.byte()` does,
 * truncated toward zero and wrapped modulo 256 (-1.2 * 255 = -306 becomes 206). @internal (tested against PyTorch)
 */
export function toByte(x: number): number {
  const v = Math.trunc(Math.fround(x * 255));
  return ((v % 256) + 256) % 256;
}

export class FakeData<X = Tensor, Y = number> extends Dataset<[X, Y]> {
  readonly size: number;
  readonly imageSize: readonly [number, number, number];
  readonly numClasses: number;
  readonly randomOffset: number;
  readonly transform: Transform<DecodedImage, X> | null;
  readonly targetTransform: Transform<number, Y> | null;

  constructor(options: FakeDataOptions<X, Y> = {}) {
    super();
    checkOptions("datasets.FakeData()", options, FAKE_DATA_OPTIONS, { index: 1 });
    const { size = 1000, imageSize = [3, 224, 224], numClasses = 10, randomOffset = 0 } = options;
    if (size < 0) throw new ArgumentError(`datasets.FakeData(): size must be non-negative, got ${size}`);
    if (imageSize.length !== 3 || ![1, 3, 4].includes(imageSize[0]) || imageSize[1] <= 0 || imageSize[2] <= 0) {
      throw new ArgumentError(`datasets.FakeData(): imageSize must be [channels (1, 3 or 4), height, width] with positive sides, got [${imageSize.join(", ")}]`);
    }
    if (numClasses <= 0) throw new ArgumentError(`datasets.FakeData(): numClasses must be positive, got ${numClasses}`);
    this.size = size;
    this.imageSize = [imageSize[0], imageSize[1], imageSize[2]];
    this.numClasses = numClasses;
    this.randomOffset = randomOffset;
    this.transform = options.transform === undefined ? null : toTransform(options.transform);
    this.targetTransform = options.targetTransform === undefined ? null : toTransform(options.targetTransform);
  }

  get length(): number {
    return this.size;
  }

  /** Sample `index` before the transforms: the 8-bit image (HWC, as ToPILImage makes it) and its label. */
  sample(index: number): [DecodedImage, number] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new IndexError(`FakeData index out of range (index ${index}, size ${this.size})`);
    const generator = new Generator(index + this.randomOffset);
    const [c, h, w] = this.imageSize;
    const values = randn([c, h, w], { generator }).toTypedArray();
    const target = randint(0, this.numClasses, [1], { generator }).item();
    const data = new Uint8Array(c * h * w);
    const hw = h * w;
    for (let k = 0; k < c; k++) for (let i = 0; i < hw; i++) data[i * c + k] = toByte(values[k * hw + i]!);
    return [{ width: w, height: h, channels: c as 1 | 3 | 4, data }, target];
  }

  getItem(index: number, ctx?: SampleContext): [X, Y] {
    const [img, target] = this.sample(index);
    const x = this.transform ? this.transform.apply(img, ctx) : (imageToTensor(img) as X);
    const y = this.targetTransform ? this.targetTransform.apply(target, ctx) : (target as Y);
    return [x, y];
  }

  workerRecipe(): DatasetRecipe {
    return {
      module: import.meta.url,
      export: "FakeData",
      args: {
        size: this.size, imageSize: [...this.imageSize], numClasses: this.numClasses, randomOffset: this.randomOffset,
        transform: this.transform?.toJSON() ?? null, targetTransform: this.targetTransform?.toJSON() ?? null,
      },
    };
  }

  static fromRecipe(args: JsonValue): FakeData<unknown, unknown> {
    const a = args as { size: number; imageSize: [number, number, number]; numClasses: number; randomOffset: number; transform: JsonValue; targetTransform: JsonValue };
    return new FakeData({ size: a.size, imageSize: a.imageSize, numClasses: a.numClasses, randomOffset: a.randomOffset, ...transformsFromJson(a) });
  }
}
