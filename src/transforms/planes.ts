/**
 * Geometry kernels work on planes: one float array of [count, h, w] where count is the channels of a
 * DecodedImage or every leading dim of a tensor. Converting in and out here lets each transform be written
 * once for both image kinds, as torchvision's functional ops serve PIL images and tensors alike.
 */
import { ArgumentError } from "../errors.ts";
import { type DecodedImage, checkImage } from "../io/image/types.ts";
import { allocStorage, castValue } from "../tensor/dtype.ts";
import { fmtShape } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type Image, roundHalfEven } from "./types.ts";

export interface Planes {
  data: Float32Array | Float64Array;
  count: number;
  h: number;
  w: number;
}

export interface Unpacked {
  planes: Planes;
  /** Rebuilds the same kind of image (DecodedImage or a tensor of the same dtype and leading dims). */
  restore(p: Planes): Image;
}

export function isTensor(img: Image): img is Tensor {
  return img instanceof Tensor;
}

/** Height and width of either kind. */
export function imageSize(img: Image): [number, number] {
  if (isTensor(img)) {
    if (img.ndim < 2) throw new ArgumentError(`expected a tensor image with at least 2 dims [..., H, W], got shape ${fmtShape(img.shape)}`);
    return [img.shape[img.ndim - 2]!, img.shape[img.ndim - 1]!];
  }
  return [img.height, img.width];
}

export function unpack(img: Image): Unpacked {
  if (isTensor(img)) {
    const [h, w] = imageSize(img);
    const lead = img.shape.slice(0, -2);
    const raw = img.toTypedArray();
    const data = raw instanceof Float32Array || raw instanceof Float64Array ? raw : Float64Array.from(raw);
    const dtype = img.dtype;
    return {
      planes: { data, count: h * w === 0 ? 0 : data.length / (h * w), h, w },
      restore(p) {
        const out = allocStorage(dtype, p.data.length);
        if (dtype === "float32" || dtype === "float64") out.set(p.data);
        // Integer images are rounded as torchvision does after interpolating them: torch.round, halves to even.
        else for (let i = 0; i < out.length; i++) out[i] = castValue(dtype, roundHalfEven(p.data[i]!));
        return Tensor.fromStorage(out, dtype, [...lead, p.h, p.w]);
      },
    };
  }
  checkImage(img);
  const { width: w, height: h, channels: c, data: src } = img;
  const data = new Float32Array(c * h * w);
  const hw = h * w;
  for (let i = 0; i < hw; i++) for (let k = 0; k < c; k++) data[k * hw + i] = src[i * c + k]!;
  return {
    planes: { data, count: c, h, w },
    restore(p) {
      const n = p.h * p.w;
      const out = new Uint8Array(n * c);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < c; k++) {
          // The same rounding as an integer tensor image's (torchvision's tensor path), then clamped to a byte.
          const v = roundHalfEven(p.data[k * n + i]!);
          out[i * c + k] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
      return { width: p.w, height: p.h, channels: c, data: out } satisfies DecodedImage;
    },
  };
}

/** Applies a planes -> planes kernel to either kind of image. */
export function mapPlanes(img: Image, fn: (p: Planes) => Planes): Image {
  const u = unpack(img);
  return u.restore(fn(u.planes));
}

function like(p: Planes, h: number, w: number): Planes {
  const data = p.data instanceof Float64Array ? new Float64Array(p.count * h * w) : new Float32Array(p.count * h * w);
  return { data, count: p.count, h, w };
}

/** The h x w window whose top-left is (top, left); parts outside the image are `fill`. */
export function crop(p: Planes, top: number, left: number, h: number, w: number, fill = 0): Planes {
  const out = like(p, h, w);
  if (fill !== 0) out.data.fill(fill);
  const y0 = Math.max(0, -top);
  const y1 = Math.min(h, p.h - top);
  const x0 = Math.max(0, -left);
  const x1 = Math.min(w, p.w - left);
  if (y0 >= y1 || x0 >= x1) return out;
  for (let c = 0; c < p.count; c++) {
    for (let y = y0; y < y1; y++) {
      const s = c * p.h * p.w + (y + top) * p.w + left;
      out.data.set(p.data.subarray(s + x0, s + x1), c * h * w + y * w + x0);
    }
  }
  return out;
}

/** Source coordinate of PyTorch's upsample (align_corners=False): pixel centres line up, clamped at 0. */
function sourceIndex(dst: number, scale: number): number {
  return Math.max(0, (dst + 0.5) * scale - 0.5);
}

/** torch.nn.functional.interpolate(mode="bilinear", align_corners=False), no antialias. */
export function resizeBilinear(p: Planes, h: number, w: number): Planes {
  const out = like(p, h, w);
  const sy = p.h / h;
  const sx = p.w / w;
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const lxs = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const src = sourceIndex(x, sx);
    const x0 = Math.min(Math.floor(src), p.w - 1);
    x0s[x] = x0;
    x1s[x] = x0 < p.w - 1 ? x0 + 1 : x0;
    lxs[x] = src - x0;
  }
  for (let y = 0; y < h; y++) {
    const src = sourceIndex(y, sy);
    const y0 = Math.min(Math.floor(src), p.h - 1);
    const y1 = y0 < p.h - 1 ? y0 + 1 : y0;
    const ly = src - y0;
    for (let c = 0; c < p.count; c++) {
      const base = c * p.h * p.w;
      const r0 = base + y0 * p.w;
      const r1 = base + y1 * p.w;
      const o = c * h * w + y * w;
      for (let x = 0; x < w; x++) {
        const lx = lxs[x]!;
        const a = x0s[x]!;
        const b = x1s[x]!;
        out.data[o + x] =
          (1 - ly) * ((1 - lx) * p.data[r0 + a]! + lx * p.data[r0 + b]!) + ly * ((1 - lx) * p.data[r1 + a]! + lx * p.data[r1 + b]!);
      }
    }
  }
  return out;
}

/** torch.nn.functional.interpolate(mode="nearest"): source index floor(dst * in / out). */
export function resizeNearest(p: Planes, h: number, w: number): Planes {
  const out = like(p, h, w);
  const xs = Int32Array.from({ length: w }, (_, x) => Math.min(Math.floor(x * (p.w / w)), p.w - 1));
  for (let y = 0; y < h; y++) {
    const sy = Math.min(Math.floor(y * (p.h / h)), p.h - 1);
    for (let c = 0; c < p.count; c++) {
      const r = c * p.h * p.w + sy * p.w;
      const o = c * h * w + y * w;
      for (let x = 0; x < w; x++) out.data[o + x] = p.data[r + xs[x]!]!;
    }
  }
  return out;
}

export type Interpolation = "nearest" | "bilinear";

/**
 * Inverse-mapped affine warp, same size, as torchvision's tensor affine (affine_grid + grid_sample with
 * align_corners=False, zeros padding): output pixel (x, y), taken relative to the image centre, is mapped
 * by `m` = [a, b, c, d, e, f] to the source point (a*x + b*y + c, d*x + e*y + f). Outside is `fill`.
 */
export function warpAffine(p: Planes, m: readonly number[], mode: Interpolation, fill = 0): Planes {
  const { h, w } = p;
  const out = like(p, h, w);
  // The matrix is rescaled to grid_sample's [-1, 1] coordinates and back in the same order of float
  // operations as torchvision, so nearest sampling breaks exact .5 ties the same way.
  const [a, b, c, d, e, f] = m.map((v, i) => v / (i < 3 ? w / 2 : h / 2)) as [number, number, number, number, number, number];
  const n = h * w;
  for (let y = 0; y < h; y++) {
    const cy = y + 0.5 - h / 2;
    for (let x = 0; x < w; x++) {
      const cx = x + 0.5 - w / 2;
      const ix = ((cx * a + cy * b + c + 1) * w - 1) / 2;
      const iy = ((cx * d + cy * e + f + 1) * h - 1) / 2;
      const o = y * w + x;
      if (mode === "nearest") {
        // grid_sample rounds half to even (nearbyint).
        const sx = roundHalfEven(ix);
        const sy = roundHalfEven(iy);
        const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
        for (let k = 0; k < p.count; k++) out.data[k * n + o] = inside ? p.data[k * n + sy * w + sx]! : fill;
        continue;
      }
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const lx = ix - x0;
      const ly = iy - y0;
      for (let k = 0; k < p.count; k++) {
        const at = (yy: number, xx: number) => (xx >= 0 && xx < w && yy >= 0 && yy < h ? p.data[k * n + yy * w + xx]! : fill);
        out.data[k * n + o] =
          (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x0 + 1)) + ly * ((1 - lx) * at(y0 + 1, x0) + lx * at(y0 + 1, x0 + 1));
      }
    }
  }
  return out;
}
