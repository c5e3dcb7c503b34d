/**
 * Colour adjustments with torchvision's tensor formulas (functional_tensor: _blend, rgb_to_grayscale,
 * _rgb2hsv, _hsv2rgb). A DecodedImage is treated as a uint8 tensor image, as torchvision's tensor path does
 * (not PIL's ImageEnhance, which rounds differently): arithmetic in float32, results truncated to bytes.
 * float32 tensors are computed with float32 rounding at each step, so results match PyTorch to the bit
 * in all but rare last-place cases; float64 tensors in float64.
 */
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { checkArg, checkArity } from "../../options.ts";
import { fmtShape } from "../../tensor/shape.ts";
import { type Planes, isTensor, unpack } from "../planes.ts";
import type { Image } from "../types.ts";

/** One batch of images as planes: `images` groups of `c` planes of `hw` values each. */
interface ColorPlanes {
  data: Float32Array | Float64Array;
  c: number;
  hw: number;
  images: number;
  /** Rounds an intermediate value to the image's compute precision. */
  r: (x: number) => number;
  /** 255 for bytes, 1 for float tensors: the upper clamp of a blend. */
  bound: number;
  bytes: boolean;
}

const same = (x: number): number => x;

function adjust(img: Image, who: string, kernel: (p: ColorPlanes) => void): Image {
  let bytes = false;
  let r = Math.fround;
  if (isTensor(img)) {
    if (img.dtype !== "float32" && img.dtype !== "float64") throw new DTypeError(`${who}: expected a float tensor or a DecodedImage (uint8), got a ${img.dtype} tensor`);
    if (img.ndim < 3) throw new ShapeError(`${who}: expected a tensor image of shape [..., C, H, W], got ${fmtShape(img.shape)}`);
    if (img.dtype === "float64") r = same;
  } else bytes = true;
  const u = unpack(img);
  const { data, count, h, w } = u.planes;
  const c = isTensor(img) ? img.shape[img.ndim - 3]! : img.channels;
  if (c !== 1 && c !== 3) throw new ShapeError(`Input image tensor permitted channel values are [1, 3], but found ${c}`);
  const out = data.slice();
  kernel({ data: out, c, hw: h * w, images: count / c, r, bound: bytes ? 255 : 1, bytes });
  return u.restore({ data: out, count, h, w } satisfies Planes);
}

/** torchvision's .to(dtype) after a blend: bytes truncate toward zero. */
function store(p: ColorPlanes, v: number): number {
  return p.bytes ? Math.trunc(v) : v;
}

/** ratio * x + (1 - ratio) * y clamped to [0, bound], in the image's precision. */
function blend(p: ColorPlanes, x: number, y: number, ratio: number): number {
  const { r } = p;
  const v = r(r(r(ratio) * x) + r(r(1 - ratio) * y));
  return store(p, v < 0 ? 0 : v > p.bound ? p.bound : v);
}

/** 0.2989 R + 0.587 G + 0.114 B of pixel i of image b (truncated for bytes, as rgb_to_grayscale). */
function gray(p: ColorPlanes, b: number, i: number): number {
  const { data: d, r, hw } = p;
  const o = b * 3 * hw + i;
  return store(p, r(r(r(r(0.2989) * d[o]!) + r(r(0.587) * d[o + hw]!)) + r(r(0.114) * d[o + 2 * hw]!)));
}

/** A non-negative factor; the message names it as torchvision does (snake_case). */
function checkFactor(f: number, name: string, who: string): void {
  checkArg(who, f, "number", 2, name);
  const py = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (!(f >= 0)) throw new ArgumentError(`${py} (${f}) is not non-negative.`);
}

/** F.adjust_brightness: blend with black; 0 gives black, 1 the image. */
export function adjustBrightness(img: Image, brightnessFactor: number): Image {
  checkArity("transforms.adjustBrightness()", arguments, 2);
  checkFactor(brightnessFactor, "brightnessFactor", "transforms.adjustBrightness()");
  return adjust(img, "adjustBrightness", (p) => {
    for (let k = 0; k < p.data.length; k++) p.data[k] = blend(p, p.data[k]!, 0, brightnessFactor);
  });
}

/** F.adjust_contrast: blend with the image's mean gray level (per image); 0 gives a flat gray image. */
export function adjustContrast(img: Image, contrastFactor: number): Image {
  checkArity("transforms.adjustContrast()", arguments, 2);
  checkFactor(contrastFactor, "contrastFactor", "transforms.adjustContrast()");
  return adjust(img, "adjustContrast", (p) => {
    const n = p.c * p.hw;
    for (let b = 0; b < p.images; b++) {
      let sum = 0;
      if (p.c === 3) for (let i = 0; i < p.hw; i++) sum += gray(p, b, i);
      else for (let i = 0; i < p.hw; i++) sum += p.data[b * n + i]!;
      const mean = p.r(p.r(sum) / p.hw);
      for (let k = b * n; k < (b + 1) * n; k++) p.data[k] = blend(p, p.data[k]!, mean, contrastFactor);
    }
  });
}

/** F.adjust_saturation: blend with the gray image; 0 gives gray, 2 doubles saturation. One channel: unchanged. */
export function adjustSaturation(img: Image, saturationFactor: number): Image {
  checkArity("transforms.adjustSaturation()", arguments, 2);
  checkFactor(saturationFactor, "saturationFactor", "transforms.adjustSaturation()");
  return adjust(img, "adjustSaturation", (p) => {
    if (p.c === 1) return;
    for (let b = 0; b < p.images; b++) {
      for (let i = 0; i < p.hw; i++) {
        const g = gray(p, b, i);
        for (let k = 0; k < 3; k++) {
          const o = b * 3 * p.hw + k * p.hw + i;
          p.data[o] = blend(p, p.data[o]!, g, saturationFactor);
        }
      }
    }
  });
}

/** F.adjust_hue: rotates the hue by hueFactor turns (in [-0.5, 0.5]) through HSV. One channel: unchanged. */
export function adjustHue(img: Image, hueFactor: number): Image {
  checkArity("transforms.adjustHue()", arguments, 2);
  checkArg("transforms.adjustHue()", hueFactor, "number", 2, "hueFactor");
  if (!(hueFactor >= -0.5 && hueFactor <= 0.5)) throw new ArgumentError(`hue_factor (${hueFactor}) is not in [-0.5, 0.5].`);
  return adjust(img, "adjustHue", (p) => {
    if (p.c === 1) return;
    const { data: d, r, hw } = p;
    const hue = r(hueFactor);
    for (let b = 0; b < p.images; b++) {
      for (let i = 0; i < hw; i++) {
        const o = b * 3 * hw + i;
        let [red, green, blue] = [d[o]!, d[o + hw]!, d[o + 2 * hw]!];
        if (p.bytes) [red, green, blue] = [r(red / 255), r(green / 255), r(blue / 255)];
        const [h0, s, v] = rgbToHsv(red, green, blue, r);
        let h = r(h0 + hue) % 1;
        if (h < 0) h = r(h + 1);
        const rgb = hsvToRgb(h, s, v, r);
        for (let k = 0; k < 3; k++) d[o + k * hw] = p.bytes ? Math.trunc(r(rgb[k]! * 255)) : rgb[k]!;
      }
    }
  });
}

/** functional_tensor._rgb2hsv for one pixel. */
function rgbToHsv(red: number, green: number, blue: number, r: (x: number) => number): [number, number, number] {
  const maxc = Math.max(red, green, blue);
  const minc = Math.min(red, green, blue);
  const eq = maxc === minc;
  const cr = r(maxc - minc);
  const s = r(cr / (eq ? 1 : maxc));
  const div = eq ? 1 : cr;
  const rc = r(r(maxc - red) / div);
  const gc = r(r(maxc - green) / div);
  const bc = r(r(maxc - blue) / div);
  const hr = maxc === red ? r(bc - gc) : 0;
  const hg = maxc === green && maxc !== red ? r(r(2 + rc) - bc) : 0;
  const hb = maxc !== green && maxc !== red ? r(r(4 + gc) - rc) : 0;
  const h = r(r(hr + hg) + hb);
  return [r(r(h / 6) + 1) % 1, s, maxc];
}

/** functional_tensor._hsv2rgb for one pixel. */
function hsvToRgb(h: number, s: number, v: number, r: (x: number) => number): [number, number, number] {
  const h6 = r(h * 6);
  const fi = Math.floor(h6);
  const f = r(h6 - fi);
  const clamp = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
  const p = clamp(r(v * r(1 - s)));
  const q = clamp(r(v * r(1 - r(s * f))));
  const t = clamp(r(v * r(1 - r(s * r(1 - f)))));
  switch (((fi % 6) + 6) % 6) {
    case 0:
      return [v, t, p];
    case 1:
      return [q, v, p];
    case 2:
      return [p, v, t];
    case 3:
      return [p, q, v];
    case 4:
      return [t, p, v];
    default:
      return [v, p, q];
  }
}
