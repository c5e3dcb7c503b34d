/** Writes small labelled image folders for ImageFolder tests and the data-loading benchmark. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeBMP } from "../../src/io/image/index.ts";
import type { DecodedImage } from "../../src/io/image/types.ts";
import { Generator } from "../../src/tensor/random.ts";

/** A 28x28 gray image with a few random strokes, different for every (class, index). */
export function strokeImage(cls: number, index: number, size = 28): DecodedImage {
  const g = new Generator(cls * 100003 + index);
  const data = new Uint8Array(size * size);
  for (let s = 0; s < 3 + cls; s++) {
    let x = 4 + g.randomInt(size - 8);
    let y = 4 + g.randomInt(size - 8);
    for (let k = 0; k < 12; k++) {
      data[y * size + x] = 128 + g.randomInt(128);
      x = Math.min(size - 1, Math.max(0, x + g.randomInt(3) - 1));
      y = Math.min(size - 1, Math.max(0, y + g.randomInt(3) - 1));
    }
  }
  return { width: size, height: size, channels: 1, data };
}

/** root/<class i>/img_<j>.bmp for `perClass` images in each of `classes` folders. */
export function writeBmpTree(root: string, classes: number, perClass: number): void {
  for (let c = 0; c < classes; c++) {
    const dir = join(root, `class_${c}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < perClass; i++) writeFileSync(join(dir, `img_${String(i).padStart(5, "0")}.bmp`), encodeBMP(strokeImage(c, i)));
  }
}
