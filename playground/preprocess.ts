/**
 * A drawing turned into an MNIST digit the way MNIST's own digits were made (LeCun et al.): the ink's
 * bounding box is scaled, keeping its aspect ratio, to fit a 20x20 box (area-averaged, so strokes turn
 * gray at their edges), and that box is placed in a 28x28 frame so that the ink's centre of mass lands
 * on the frame's centre. No DOM here: the input is one ink value per pixel.
 */

export const SIZE = 28;
const BOX = 20;
/** Ink at or below this (1/255) is paper. MNIST's 20-pixel box includes its faintest antialiased pixels, so a
 * higher cut makes the box too small and the digit too large (measured: 3% fewer MNIST digits read right at 0.1). */
const THRESHOLD = 0.004;

export interface Digit {
  /** 28x28 values in [0, 1], row-major; the model's input as datasets.MNIST gives it. */
  pixels: Float32Array;
  /** The ink's bounding box in the source, [x, y, width, height]. */
  box: [number, number, number, number];
}

/** Bounding box of the ink above THRESHOLD, or null when the drawing is empty. */
function inkBox(ink: ArrayLike<number>, width: number, height: number): [number, number, number, number] | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! > THRESHOLD) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/**
 * Area-averages the source rectangle [x0, x0+w) x [y0, y0+h) down to tw x th: each target pixel is
 * the mean of the source area it covers, partial pixels weighted by their overlap.
 */
function resample(ink: ArrayLike<number>, width: number, box: [number, number, number, number], tw: number, th: number): Float32Array {
  const [x0, y0, w, h] = box;
  const out = new Float32Array(tw * th);
  const sx = w / tw, sy = h / th;
  for (let ty = 0; ty < th; ty++) {
    const ya = y0 + ty * sy, yb = ya + sy;
    for (let tx = 0; tx < tw; tx++) {
      const xa = x0 + tx * sx, xb = xa + sx;
      let sum = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += wx * wy * ink[y * width + x]!;
        }
      }
      out[ty * tw + tx] = sum / (sx * sy);
    }
  }
  return out;
}

/**
 * The MNIST-style 28x28 digit of a drawing (`ink`: width x height values in [0, 1], 0 = paper), or null
 * when nothing is drawn.
 */
export function toMnist(ink: ArrayLike<number>, width: number, height: number): Digit | null {
  const box = inkBox(ink, width, height);
  if (!box) return null;
  const scale = BOX / Math.max(box[2], box[3]);
  const tw = Math.max(1, Math.round(box[2] * scale)), th = Math.max(1, Math.round(box[3] * scale));
  const small = resample(ink, width, box, tw, th);
  // Centre of mass of the scaled box, in pixel indices.
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x]!;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  // Shift so the mass centre falls on pixel (14, 14), as in MNIST (its digits' centres average 14.0 in
  // pixel indices, i.e. just right of and below the frame's geometric centre); never push ink out.
  const clampShift = (s: number, size: number) => Math.min(SIZE - size, Math.max(0, s));
  const dx = clampShift(Math.round(SIZE / 2 - mx / mass), tw);
  const dy = clampShift(Math.round(SIZE / 2 - my / mass), th);
  const pixels = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) pixels[(y + dy) * SIZE + x + dx] = Math.min(1, small[y * tw + x]!);
  }
  return { pixels, box };
}
