/** Flips: hflip, vflip and their random transforms (torchvision's F.hflip / F.vflip). */
import { checkArg, checkArity } from "../../options.ts";
import { type Planes, mapPlanes } from "../planes.ts";
import { type Image, Transform, type TransformContext, type TransformJSON, generatorOf, num, registerTransform } from "../types.ts";
import { checkProbability } from "./common.ts";

function flipPlanes(p: Planes, horizontal: boolean): Planes {
  const { count, h, w } = p;
  const out = p.data instanceof Float64Array ? new Float64Array(p.data.length) : new Float32Array(p.data.length);
  for (let c = 0; c < count; c++) {
    for (let y = 0; y < h; y++) {
      const src = c * h * w + y * w;
      const dst = c * h * w + (horizontal ? y : h - 1 - y) * w;
      if (!horizontal) out.set(p.data.subarray(src, src + w), dst);
      else for (let x = 0; x < w; x++) out[dst + w - 1 - x] = p.data[src + x]!;
    }
  }
  return { data: out, count, h, w };
}

/** Mirrors left-right: a DecodedImage or a tensor [..., H, W]. */
export function hflip(img: Image): Image {
  checkArity("transforms.hflip()", arguments, 1);
  return mapPlanes(img, (p) => flipPlanes(p, true));
}

/** Mirrors top-bottom: a DecodedImage or a tensor [..., H, W]. */
export function vflip(img: Image): Image {
  checkArity("transforms.vflip()", arguments, 1);
  return mapPlanes(img, (p) => flipPlanes(p, false));
}

abstract class RandomFlip extends Transform<Image, Image> {
  readonly p: number;

  constructor(name: string, p: number, args: IArguments) {
    super();
    checkArity(`transforms.${name}()`, args, 1);
    checkArg(`transforms.${name}()`, p, "number", 1, "p");
    this.p = checkProbability(p, "flip probability p");
  }

  protected abstract flip(img: Image): Image;

  /** One draw per call, flipping when it is below p (torchvision's `torch.rand(1) < self.p`). */
  apply(img: Image, ctx?: TransformContext): Image {
    return generatorOf(ctx).random() < this.p ? this.flip(img) : img;
  }
}

export class RandomHorizontalFlip extends RandomFlip {
  constructor(p = 0.5) {
    super("RandomHorizontalFlip", p, arguments);
  }

  protected flip(img: Image): Image {
    return hflip(img);
  }

  toJSON(): TransformJSON {
    return { type: "RandomHorizontalFlip", p: this.p };
  }
}
registerTransform("RandomHorizontalFlip", (j) => new RandomHorizontalFlip(num(j, "p")));

export class RandomVerticalFlip extends RandomFlip {
  constructor(p = 0.5) {
    super("RandomVerticalFlip", p, arguments);
  }

  protected flip(img: Image): Image {
    return vflip(img);
  }

  toJSON(): TransformJSON {
    return { type: "RandomVerticalFlip", p: this.p };
  }
}
registerTransform("RandomVerticalFlip", (j) => new RandomVerticalFlip(num(j, "p")));
