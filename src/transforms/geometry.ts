/** Size transforms: Resize, CenterCrop, RandomCrop (torchvision semantics, tensor-path interpolation). */
import { ArgumentError } from "../errors.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { type Interpolation, crop, imageSize, mapPlanes, resizeBilinear, resizeNearest } from "./planes.ts";
import { type Image, Transform, type TransformContext, type TransformJSON, generatorOf, nums, registerTransform, roundHalfEven } from "./types.ts";

function checkSize(size: number | readonly number[], who: string): number[] {
  const s = typeof size === "number" ? [size] : [...size];
  if (s.length < 1 || s.length > 2 || s.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ArgumentError(`${who}: size should be a positive integer or a sequence of 1 or 2 positive integers, got ${JSON.stringify(size)}`);
  }
  return s;
}

function checkInterpolation(mode: string): Interpolation {
  if (mode !== "nearest" && mode !== "bilinear") throw new ArgumentError(`interpolation must be "nearest" or "bilinear", got ${JSON.stringify(mode)}`);
  return mode;
}

/** Output [h, w]: one number sets the smaller edge and keeps the aspect ratio (the longer edge truncated). */
export function resizedSize(h: number, w: number, size: readonly number[]): [number, number] {
  if (size.length === 2) return [size[0]!, size[1]!];
  const short = Math.min(h, w);
  const long = Math.max(h, w);
  const newShort = size[0]!;
  const newLong = Math.floor((newShort * long) / short);
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

export function resizeImage(img: Image, size: readonly [number, number], interpolation: Interpolation = "bilinear"): Image {
  checkArity("transforms.resizeImage()", arguments, 3);
  checkArg("transforms.resizeImage()", interpolation, "string", 3, "interpolation");
  const [h, w] = imageSize(img);
  if (h === size[0] && w === size[1]) return img;
  return mapPlanes(img, (p) => (interpolation === "bilinear" ? resizeBilinear(p, size[0], size[1]) : resizeNearest(p, size[0], size[1])));
}

/** Bilinear (default) or nearest, without antialiasing (torchvision's tensor path with antialias=False). */
export class Resize extends Transform<Image, Image> {
  readonly size: readonly number[];
  readonly interpolation: Interpolation;

  constructor(size: number | readonly number[], options: { interpolation?: Interpolation } = {}) {
    super();
    this.size = checkSize(size, "Resize");
    checkArity("transforms.Resize()", arguments, 2);
    checkOptions("transforms.Resize()", options, { interpolation: "string" }, { index: 2, positional: "interpolation" });
    this.interpolation = checkInterpolation(options.interpolation ?? "bilinear");
  }

  apply(img: Image): Image {
    const [h, w] = imageSize(img);
    return resizeImage(img, resizedSize(h, w, this.size), this.interpolation);
  }

  toJSON(): TransformJSON {
    return { type: "Resize", size: [...this.size], interpolation: this.interpolation };
  }
}
registerTransform("Resize", (j) => new Resize(nums(j, "size"), { interpolation: j.interpolation as Interpolation }));

function pair(size: readonly number[]): [number, number] {
  return [size[0]!, size[size.length - 1]!];
}

/** The centre crop; an image smaller than the crop is zero-padded around it, as torchvision does. */
export class CenterCrop extends Transform<Image, Image> {
  readonly size: readonly number[];

  constructor(size: number | readonly number[]) {
    super();
    checkArity("transforms.CenterCrop()", arguments, 1);
    this.size = checkSize(size, "CenterCrop");
  }

  apply(img: Image): Image {
    const [h, w] = imageSize(img);
    const [th, tw] = pair(this.size);
    const padTop = th > h ? Math.floor((th - h) / 2) : 0;
    const padLeft = tw > w ? Math.floor((tw - w) / 2) : 0;
    const ph = th > h ? th : h;
    const pw = tw > w ? tw : w;
    const top = roundHalfEven((ph - th) / 2) - padTop;
    const left = roundHalfEven((pw - tw) / 2) - padLeft;
    return mapPlanes(img, (p) => crop(p, top, left, th, tw));
  }

  toJSON(): TransformJSON {
    return { type: "CenterCrop", size: [...this.size] };
  }
}
registerTransform("CenterCrop", (j) => new CenterCrop(nums(j, "size")));

export interface RandomCropOptions {
  /** Border added first: one number for all sides, [left/right, top/bottom], or [left, top, right, bottom]. */
  padding?: number | readonly number[];
  /** Pad an image smaller than the crop up to it instead of failing. */
  padIfNeeded?: boolean;
  /** Value of padded pixels. */
  fill?: number;
}

/** A crop at a uniformly random position (torchvision's get_params: top drawn first, then left). */
export class RandomCrop extends Transform<Image, Image> {
  readonly size: readonly number[];
  readonly padding: readonly [number, number, number, number];
  readonly padIfNeeded: boolean;
  readonly fill: number;

  constructor(size: number | readonly number[], options: RandomCropOptions = {}) {
    super();
    checkArity("transforms.RandomCrop()", arguments, 2);
    checkOptions("transforms.RandomCrop()", options, { padding: "ints", padIfNeeded: "boolean", fill: "number" }, { index: 2, positional: "padding" });
    this.size = checkSize(size, "RandomCrop");
    const p = options.padding ?? 0;
    const pads = typeof p === "number" ? [p] : [...p];
    if (![1, 2, 4].includes(pads.length) || pads.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ArgumentError(`Padding must be an int or a 1, 2, or 4 element sequence of non-negative ints, not ${JSON.stringify(p)}`);
    }
    const [l, t, r, b] = pads.length === 1 ? [pads[0]!, pads[0]!, pads[0]!, pads[0]!] : pads.length === 2 ? [pads[0]!, pads[1]!, pads[0]!, pads[1]!] : pads;
    this.padding = [l!, t!, r!, b!];
    this.padIfNeeded = options.padIfNeeded ?? false;
    this.fill = options.fill ?? 0;
  }

  apply(img: Image, ctx?: TransformContext): Image {
    const [h0, w0] = imageSize(img);
    const [th, tw] = pair(this.size);
    let [l, t, r, b] = this.padding;
    if (this.padIfNeeded && w0 + l + r < tw) {
      const extra = tw - (w0 + l + r);
      l += extra;
      r += extra;
    }
    if (this.padIfNeeded && h0 + t + b < th) {
      const extra = th - (h0 + t + b);
      t += extra;
      b += extra;
    }
    const h = h0 + t + b;
    const w = w0 + l + r;
    if (h < th || w < tw) throw new ArgumentError(`Required crop size (${th}, ${tw}) is larger than input image size (${h}, ${w})`);
    const g = generatorOf(ctx);
    const i = h === th && w === tw ? 0 : g.randomInt(h - th + 1);
    const j = h === th && w === tw ? 0 : g.randomInt(w - tw + 1);
    return mapPlanes(img, (p) => crop(p, i - t, j - l, th, tw, this.fill));
  }

  toJSON(): TransformJSON {
    return { type: "RandomCrop", size: [...this.size], padding: [...this.padding], padIfNeeded: this.padIfNeeded, fill: this.fill };
  }
}
registerTransform(
  "RandomCrop",
  (j) => new RandomCrop(nums(j, "size"), { padding: nums(j, "padding"), padIfNeeded: j.padIfNeeded === true, fill: typeof j.fill === "number" ? j.fill : 0 }),
);
