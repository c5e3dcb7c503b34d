/** RandomResizedCrop: a random area and aspect ratio, cropped and resized (torchvision's Inception crop). */
import { ArgumentError } from "../../errors.ts";
import { log } from "../../log.ts";
import { checkArg, checkArity, checkOptions, describeValue } from "../../options.ts";
import { Generator, defaultGenerator } from "../../tensor/random.ts";
import { resizeImage } from "../geometry.ts";
import { type Interpolation, crop, imageSize, mapPlanes } from "../planes.ts";
import { type Image, Transform, type TransformContext, type TransformJSON, generatorOf, nums, registerTransform, roundHalfEven } from "../types.ts";
import { checkMinMax, drawSides } from "./common.ts";

export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (default [0.08, 1]). */
  scale?: readonly [number, number];
  /** Range of the crop's width / height, sampled log-uniformly (default [3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** "bilinear" (default) or "nearest", without antialiasing (torchvision's tensor path). */
  interpolation?: Interpolation;
}

/** F.resized_crop: the h x w crop at (top, left), resized to `size` [height, width]. */
export function resizedCrop(img: Image, top: number, left: number, height: number, width: number, size: readonly [number, number], interpolation: Interpolation = "bilinear"): Image {
  checkArity("transforms.resizedCrop()", arguments, 7);
  checkArg("transforms.resizedCrop()", interpolation, "string", 7, "interpolation");
  for (const [v, i, name] of [[top, 2, "top"], [left, 3, "left"], [height, 4, "height"], [width, 5, "width"]] as const) checkArg("transforms.resizedCrop()", v, "int", i, name);
  if (height <= 0 || width <= 0) throw new ArgumentError(`resizedCrop: the crop must be non-empty, got ${height}x${width}`);
  const cropped = mapPlanes(img, (p) => crop(p, top, left, height, width));
  return resizeImage(cropped, size, interpolation);
}

/**
 * torchvision's RandomResizedCrop.get_params: up to 10 tries of (area, log-ratio, then top, left); when
 * none fits, the largest centred crop whose ratio is within `ratio`. Returns [top, left, height, width].
 */
export function randomResizedCropParams(img: Image, scale: readonly [number, number], ratio: readonly [number, number], generator?: Generator): [number, number, number, number] {
  checkArity("transforms.randomResizedCropParams()", arguments, 4);
  if (generator !== undefined && !(generator instanceof Generator)) {
    throw new ArgumentError(`transforms.randomResizedCropParams(): argument 4 (generator) must be a Generator, got ${describeValue(generator)}`);
  }
  const [height, width] = imageSize(img);
  const g = generator ?? defaultGenerator;
  [scale, ratio] = [checkMinMax(scale, "scale"), checkMinMax(ratio, "ratio")];
  const area = height * width;
  for (let attempt = 0; attempt < 10; attempt++) {
    const [w, h] = drawSides(g, area, scale, ratio);
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const i = g.randomInt(height - h + 1);
      const j = g.randomInt(width - w + 1);
      return [i, j, h, w];
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

function checkSize(size: number | readonly number[]): [number, number] {
  const s = typeof size === "number" ? [size, size] : Array.isArray(size) && size.length === 1 ? [size[0], size[0]] : size;
  if (!Array.isArray(s) || s.length !== 2) throw new ArgumentError("Please provide only two dimensions (h, w) for size.");
  if (s.some((v) => !Number.isInteger(v) || v <= 0)) throw new ArgumentError(`RandomResizedCrop: size must be positive ints, got ${JSON.stringify(size)}`);
  return [s[0]!, s[1]!];
}

export class RandomResizedCrop extends Transform<Image, Image> {
  readonly size: readonly [number, number];
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  readonly interpolation: Interpolation;

  constructor(size: number | readonly number[], options: RandomResizedCropOptions = {}) {
    super();
    checkArity("transforms.RandomResizedCrop()", arguments, 2);
    checkOptions("transforms.RandomResizedCrop()", options, { scale: "numbers", ratio: "numbers", interpolation: "string" }, { index: 2, positional: "scale" });
    this.size = checkSize(size);
    this.scale = checkMinMax(options.scale ?? [0.08, 1], "scale");
    this.ratio = checkMinMax(options.ratio ?? [3 / 4, 4 / 3], "ratio");
    if (this.scale[0] > this.scale[1] || this.ratio[0] > this.ratio[1]) log("warn", "Scale and ratio should be of kind (min, max)");
    if (this.scale[0] < 0 || this.ratio[0] <= 0) throw new ArgumentError(`RandomResizedCrop: scale must be non-negative and ratio positive, got scale ${JSON.stringify(this.scale)}, ratio ${JSON.stringify(this.ratio)}`);
    const mode = options.interpolation ?? "bilinear";
    if (mode !== "nearest" && mode !== "bilinear") throw new ArgumentError(`interpolation must be "nearest" or "bilinear", got ${JSON.stringify(mode)}`);
    this.interpolation = mode;
  }

  apply(img: Image, ctx?: TransformContext): Image {
    const [i, j, h, w] = randomResizedCropParams(img, this.scale, this.ratio, generatorOf(ctx));
    return resizedCrop(img, i, j, h, w, this.size, this.interpolation);
  }

  toJSON(): TransformJSON {
    return { type: "RandomResizedCrop", size: [...this.size], scale: [...this.scale], ratio: [...this.ratio], interpolation: this.interpolation };
  }
}
registerTransform(
  "RandomResizedCrop",
  (j) => new RandomResizedCrop(nums(j, "size"), { scale: nums(j, "scale") as [number, number], ratio: nums(j, "ratio") as [number, number], interpolation: j.interpolation as Interpolation }),
);
