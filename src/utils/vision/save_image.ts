/** torchvision.utils.save_image: makeGrid, then bytes round(255 * x) clamped, written as a PNG (or BMP) file. */
import { path as nodePath } from "../../platform/node.ts";
import { ArgumentError, ShapeError } from "../../errors.ts";
import { writeFileAtomicSync } from "../../io/atomic.ts";
import { encodeBMP } from "../../io/image/bmp.ts";
import { encodePNG } from "../../io/image/png_encode.ts";
import type { DecodedImage } from "../../io/image/types.ts";
import { checkArg, checkArity, checkOptions } from "../../options.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { MAKE_GRID_OPTIONS, type MakeGridOptions, makeGrid } from "./make_grid.ts";

export interface SaveImageOptions extends MakeGridOptions {
  /** "png" or "bmp"; default from the file's extension. */
  format?: "png" | "bmp";
}

/**
 * The grid as 8-bit HWC pixels, as save_image computes them: x * 255 + 0.5 clamped to [0, 255] and
 * truncated (in float32 for float32 tensors); NaN becomes 0.
 */
export function gridToImage(tensor: Tensor | readonly Tensor[], options: MakeGridOptions = {}): DecodedImage {
  checkArity("utils.gridToImage()", arguments, 2);
  const grid = makeGrid(tensor, options);
  const [c, h, w] = grid.shape as [number, number, number];
  if (c !== 1 && c !== 3 && c !== 4) throw new ShapeError(`saveImage: an image of ${c} channels cannot be saved (1, 3 or 4 channels)`);
  const src = grid.toTypedArray();
  const r = src instanceof Float32Array ? Math.fround : (x: number) => x;
  const hw = h * w;
  const data = new Uint8Array(c * hw);
  for (let k = 0; k < c; k++) {
    for (let i = 0; i < hw; i++) {
      const v = r(r(src[k * hw + i]! * 255) + 0.5);
      data[i * c + k] = v >= 255 ? 255 : v > 0 ? Math.trunc(v) : 0;
    }
  }
  return { width: w, height: h, channels: c as 1 | 3 | 4, data };
}

/** Writes `tensor` (one image or a batch, tiled by makeGrid with these options) to `path`, atomically. */
export function saveImage(tensor: Tensor | readonly Tensor[], path: string, options: SaveImageOptions = {}): void {
  checkArity("utils.saveImage()", arguments, 3);
  checkArg("utils.saveImage()", path, "string", 2, "fp");
  checkOptions("utils.saveImage()", options, { ...MAKE_GRID_OPTIONS, format: "string" }, { index: 3 });
  const { format, ...gridOptions } = options;
  const ext = nodePath.extname(path).toLowerCase();
  const fmt = format ?? (ext === ".png" ? "png" : ext === ".bmp" ? "bmp" : null);
  if (fmt !== "png" && fmt !== "bmp") {
    throw new ArgumentError(format !== undefined ? `saveImage: format must be "png" or "bmp", got ${JSON.stringify(format)}` : `unknown file extension: ${JSON.stringify(ext)} (saveImage writes .png or .bmp; or pass { format: "png" })`);
  }
  const img = gridToImage(tensor, gridOptions);
  writeFileAtomicSync(path, fmt === "png" ? encodePNG(img) : encodeBMP(img));
}
