/** ColorJitter: brightness, contrast, saturation and hue factors drawn per call and applied in random order. */
import { ArgumentError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import type { Generator } from "../../tensor/random.ts";
import { type Image, Transform, type TransformContext, type TransformJSON, generatorOf, registerTransform, uniform } from "../types.ts";
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from "./color.ts";

type Range = readonly [number, number] | null;

export interface ColorJitterOptions {
  /** b: factor from [max(0, 1 - b), 1 + b]; or [min, max]. */
  brightness?: number | readonly number[];
  /** As brightness. */
  contrast?: number | readonly number[];
  /** As brightness. */
  saturation?: number | readonly number[];
  /** h in [0, 0.5]: shift from [-h, h] turns; or [min, max] within [-0.5, 0.5]. */
  hue?: number | readonly number[];
}

/** torchvision's ColorJitter._check_input: null when the range is the identity's single point. */
function checkInput(value: number | readonly number[], name: string, center: number, bound: readonly [number, number], clipFirstOnZero: boolean): Range {
  let v: [number, number];
  if (typeof value === "number") {
    if (value < 0) throw new ArgumentError(`If ${name} is a single number, it must be non negative.`);
    v = [center - value, center + value];
    if (clipFirstOnZero) v[0] = Math.max(v[0], 0);
  } else if (Array.isArray(value) && value.length === 2) v = [value[0]!, value[1]!];
  else throw new ArgumentError(`${name} should be a single number or a list/tuple with length 2.`);
  if (!(bound[0] <= v[0] && v[0] <= v[1] && v[1] <= bound[1])) {
    throw new ArgumentError(`${name} values should be between (${bound.join(", ")}), but got [${v.join(", ")}].`);
  }
  return v[0] === center && v[1] === center ? null : v;
}

/** The four factors and their order: what ColorJitter.get_params returns. */
export interface ColorJitterParams {
  /** Indices of brightness (0), contrast (1), saturation (2), hue (3) in the order they are applied. */
  order: number[];
  brightness: number | null;
  contrast: number | null;
  saturation: number | null;
  hue: number | null;
}

export class ColorJitter extends Transform<Image, Image> {
  readonly brightness: Range;
  readonly contrast: Range;
  readonly saturation: Range;
  readonly hue: Range;

  constructor(options: ColorJitterOptions = {}) {
    super();
    checkArity("transforms.ColorJitter()", arguments, 1);
    const spec = { brightness: "numbers", contrast: "numbers", saturation: "numbers", hue: "numbers" } as const;
    checkOptions("transforms.ColorJitter()", options, spec, { index: 1, positional: "brightness" });
    const inf = Number.POSITIVE_INFINITY;
    this.brightness = checkInput(options.brightness ?? 0, "brightness", 1, [0, inf], true);
    this.contrast = checkInput(options.contrast ?? 0, "contrast", 1, [0, inf], true);
    this.saturation = checkInput(options.saturation ?? 0, "saturation", 1, [0, inf], true);
    this.hue = checkInput(options.hue ?? 0, "hue", 0, [-0.5, 0.5], false);
  }

  /** torchvision's get_params: a random permutation first, then each active factor in b, c, s, h order. */
  static getParams(brightness: Range, contrast: Range, saturation: Range, hue: Range, generator: Generator): ColorJitterParams {
    const order = [0, 1, 2, 3];
    for (let i = order.length - 1; i > 0; i--) {
      const j = generator.randomInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const draw = (r: Range): number | null => (r === null ? null : uniform(generator, r[0], r[1]));
    return { order, brightness: draw(brightness), contrast: draw(contrast), saturation: draw(saturation), hue: draw(hue) };
  }

  apply(img: Image, ctx?: TransformContext): Image {
    const p = ColorJitter.getParams(this.brightness, this.contrast, this.saturation, this.hue, generatorOf(ctx));
    let out = img;
    for (const fn of p.order) {
      if (fn === 0 && p.brightness !== null) out = adjustBrightness(out, p.brightness);
      else if (fn === 1 && p.contrast !== null) out = adjustContrast(out, p.contrast);
      else if (fn === 2 && p.saturation !== null) out = adjustSaturation(out, p.saturation);
      else if (fn === 3 && p.hue !== null) out = adjustHue(out, p.hue);
    }
    return out;
  }

  toJSON(): TransformJSON {
    const r = (v: Range) => (v === null ? null : [...v]);
    return { type: "ColorJitter", brightness: r(this.brightness), contrast: r(this.contrast), saturation: r(this.saturation), hue: r(this.hue) };
  }
}
registerTransform("ColorJitter", (j) => {
  const r = (k: string): readonly number[] | undefined => {
    const v = j[k];
    if (v === null || v === undefined) return undefined;
    if (!Array.isArray(v) || v.length !== 2 || v.some((e) => typeof e !== "number")) throw new ArgumentError(`ColorJitter JSON: "${k}" must be null or [min, max]`);
    return v as number[];
  };
  return new ColorJitter({ brightness: r("brightness"), contrast: r("contrast"), saturation: r("saturation"), hue: r("hue") });
});
