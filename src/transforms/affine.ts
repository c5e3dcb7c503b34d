/** Random rotations and affine warps, inverse-mapped with torchvision's matrix and sampling conventions. */
import { ArgumentError } from "../errors.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { type Interpolation, imageSize, mapPlanes, warpAffine } from "./planes.ts";
import {
  type Image, Transform, type TransformContext, type TransformJSON, generatorOf, nums, registerTransform, roundHalfEven, uniform,
} from "./types.ts";

/**
 * torchvision's _get_inverse_affine_matrix about the image centre: the map from output to source
 * coordinates of rotating by `angle` degrees (clockwise, as F.affine), scaling, shearing (degrees), then
 * translating by `translate` pixels.
 */
export function inverseAffineMatrix(angle: number, translate: readonly [number, number], scale: number, shear: readonly [number, number]): number[] {
  const rot = (angle * Math.PI) / 180;
  const sx = (shear[0] * Math.PI) / 180;
  const sy = (shear[1] * Math.PI) / 180;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale);
  m[2] = m[0]! * -tx + m[1]! * -ty;
  m[5] = m[3]! * -tx + m[4]! * -ty;
  return m;
}

/** F.affine: `angle` clockwise in degrees, translate in pixels, fill outside. */
export function affine(img: Image, angle: number, translate: readonly [number, number], scale: number, shear: readonly [number, number], interpolation: Interpolation = "nearest", fill = 0): Image {
  checkArity("transforms.affine()", arguments, 7);
  checkArg("transforms.affine()", interpolation, "string", 6, "interpolation");
  checkArg("transforms.affine()", fill, "number", 7, "fill");
  const m = inverseAffineMatrix(angle, translate, scale, shear);
  return mapPlanes(img, (p) => warpAffine(p, m, interpolation, fill));
}

/** F.rotate: `angle` counter-clockwise in degrees (torchvision's two functions disagree on direction). */
export function rotate(img: Image, angle: number, interpolation: Interpolation = "nearest", fill = 0): Image {
  checkArity("transforms.rotate()", arguments, 4);
  checkArg("transforms.rotate()", interpolation, "string", 3, "interpolation");
  checkArg("transforms.rotate()", fill, "number", 4, "fill");
  return affine(img, -angle, [0, 0], 1, [0, 0], interpolation, fill);
}

function range(v: number | readonly number[], name: string, symmetric = true): [number, number] {
  if (typeof v === "number") {
    if (symmetric && v < 0) throw new ArgumentError(`If ${name} is a single number, it must be positive.`);
    return symmetric ? [-v, v] : [v, v];
  }
  if (v.length !== 2) throw new ArgumentError(`If ${name} is a sequence, it must be of len 2.`);
  return [v[0]!, v[1]!];
}

function checkInterpolation(mode: string): Interpolation {
  if (mode !== "nearest" && mode !== "bilinear") throw new ArgumentError(`interpolation must be "nearest" or "bilinear", got ${JSON.stringify(mode)}`);
  return mode;
}

export interface WarpOptions {
  /** "nearest" (torchvision's default) or "bilinear". */
  interpolation?: Interpolation;
  /** Value of pixels mapped from outside the image. */
  fill?: number;
}

const WARP_OPTIONS = { interpolation: "string", fill: "number" } as const;

/** Rotates by an angle drawn uniformly from [-degrees, degrees] (or the given [min, max]). */
export class RandomRotation extends Transform<Image, Image> {
  readonly degrees: [number, number];
  readonly interpolation: Interpolation;
  readonly fill: number;

  constructor(degrees: number | readonly number[], options: WarpOptions = {}) {
    super();
    checkArity("transforms.RandomRotation()", arguments, 2);
    checkOptions("transforms.RandomRotation()", options, WARP_OPTIONS, { index: 2, positional: "interpolation" });
    this.degrees = range(degrees, "degrees");
    this.interpolation = checkInterpolation(options.interpolation ?? "nearest");
    this.fill = options.fill ?? 0;
  }

  apply(img: Image, ctx?: TransformContext): Image {
    const angle = uniform(generatorOf(ctx), this.degrees[0], this.degrees[1]);
    return rotate(img, angle, this.interpolation, this.fill);
  }

  toJSON(): TransformJSON {
    return { type: "RandomRotation", degrees: [...this.degrees], interpolation: this.interpolation, fill: this.fill };
  }
}
registerTransform("RandomRotation", (j) => new RandomRotation(nums(j, "degrees"), { interpolation: j.interpolation as Interpolation, fill: typeof j.fill === "number" ? j.fill : 0 }));

export interface RandomAffineOptions extends WarpOptions {
  /** Rotation range in degrees: d means [-d, d]. */
  degrees: number | readonly number[];
  /** Maximal shifts as fractions of width and height. */
  translate?: readonly [number, number];
  /** Scale factor range [min, max]. */
  scale?: readonly [number, number];
  /** Shear in degrees: s means x in [-s, s]; [a, b] an x range; [a, b, c, d] x and y ranges. */
  shear?: number | readonly number[];
}

/** torchvision's RandomAffine: angle, then translation, scale, shear, drawn in that order. */
export class RandomAffine extends Transform<Image, Image> {
  readonly degrees: [number, number];
  readonly translate: readonly [number, number] | null;
  readonly scale: readonly [number, number] | null;
  readonly shear: readonly number[] | null;
  readonly interpolation: Interpolation;
  readonly fill: number;

  constructor(options: RandomAffineOptions) {
    super();
    checkArity("transforms.RandomAffine()", arguments, 1);
    checkOptions("transforms.RandomAffine()", options, { ...WARP_OPTIONS, degrees: "numbers", translate: "numbers?", scale: "numbers?", shear: "numbers?" }, {
      index: 1,
      positional: "degrees",
      required: ["degrees"],
    });
    this.degrees = range(options.degrees, "degrees");
    const t = options.translate;
    if (t && (t.length !== 2 || t.some((v) => !(v >= 0 && v <= 1)))) throw new ArgumentError("translation values should be between 0 and 1");
    this.translate = t ? [t[0], t[1]] : null;
    const s = options.scale;
    if (s && (s.length !== 2 || s.some((v) => !(v > 0)))) throw new ArgumentError("scale values should be positive");
    this.scale = s ? [s[0], s[1]] : null;
    const sh = options.shear;
    if (sh === undefined) this.shear = null;
    else if (typeof sh === "number") this.shear = range(sh, "shear");
    else if (sh.length === 2 || sh.length === 4) this.shear = [...sh];
    else throw new ArgumentError("shear should be a number or a sequence of 2 or 4 numbers");
    this.interpolation = checkInterpolation(options.interpolation ?? "nearest");
    this.fill = options.fill ?? 0;
  }

  apply(img: Image, ctx?: TransformContext): Image {
    const g = generatorOf(ctx);
    const [h, w] = imageSize(img);
    const angle = uniform(g, this.degrees[0], this.degrees[1]);
    let tx = 0;
    let ty = 0;
    if (this.translate) {
      const maxDx = this.translate[0] * w;
      const maxDy = this.translate[1] * h;
      tx = roundHalfEven(uniform(g, -maxDx, maxDx));
      ty = roundHalfEven(uniform(g, -maxDy, maxDy));
    }
    const scale = this.scale ? uniform(g, this.scale[0], this.scale[1]) : 1;
    let shx = 0;
    let shy = 0;
    if (this.shear) {
      shx = uniform(g, this.shear[0]!, this.shear[1]!);
      if (this.shear.length === 4) shy = uniform(g, this.shear[2]!, this.shear[3]!);
    }
    return affine(img, angle, [tx, ty], scale, [shx, shy], this.interpolation, this.fill);
  }

  toJSON(): TransformJSON {
    const j: TransformJSON = { type: "RandomAffine", degrees: [...this.degrees], interpolation: this.interpolation, fill: this.fill };
    if (this.translate) j.translate = [...this.translate];
    if (this.scale) j.scale = [...this.scale];
    if (this.shear) j.shear = [...this.shear];
    return j;
  }
}
registerTransform("RandomAffine", (j) => {
  const opt = (k: string) => (j[k] === undefined ? undefined : nums(j, k));
  return new RandomAffine({
    degrees: nums(j, "degrees"),
    translate: opt("translate") as [number, number] | undefined,
    scale: opt("scale") as [number, number] | undefined,
    shear: opt("shear"),
    interpolation: j.interpolation as Interpolation,
    fill: typeof j.fill === "number" ? j.fill : 0,
  });
});
