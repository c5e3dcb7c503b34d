/**
 * How large an image a decoder agrees to build. Compressed formats can declare a canvas far larger than
 * their bytes (a 74-byte PNG claiming 10000x10000, a 618-byte JPEG claiming 2 GB of coefficients), so every
 * decoder checks the header's declared size against these limits before allocating anything that grows
 * with it.
 *
 * The limits are per thread: a DataLoader worker starts from the defaults, so pass them to `decodeImage`'s
 * options (or call `setImageLimits` in the worker) when they must differ there.
 */
import { ArgumentError } from "../../errors.ts";
import { formatError } from "./types.ts";

export interface ImageLimits {
  /** Most pixels (width * height) an image may declare. Default 100 megapixels (jpeg-js's own default). */
  maxPixels: number;
  /** Most pixels per side; beyond it a header is far more likely corrupt than real. Default 32768. */
  maxSide: number;
}

export const MAX_PIXELS = 100_000_000;
export const MAX_IMAGE_SIDE = 32768;

const current: ImageLimits = { maxPixels: MAX_PIXELS, maxSide: MAX_IMAGE_SIDE };

function checkLimit(who: string, name: keyof ImageLimits, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw new ArgumentError(`${who}: ${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/** The limits now in force (a copy). */
export function getImageLimits(): ImageLimits {
  return { ...current };
}

/**
 * Changes the limits for every later decode in this thread and returns the previous ones, so a caller can
 * restore them: `const old = setImageLimits({ maxPixels: 4e8 }); try { ... } finally { setImageLimits(old); }`.
 */
export function setImageLimits(limits: Partial<ImageLimits>): ImageLimits {
  const previous = getImageLimits();
  const next = resolveLimits(limits, "setImageLimits");
  current.maxPixels = next.maxPixels;
  current.maxSide = next.maxSide;
  return previous;
}

/** The thread's limits overridden by `options`, each field validated. */
export function resolveLimits(options: Partial<ImageLimits> | undefined, who = "decodeImage"): ImageLimits {
  const out = getImageLimits();
  if (options === undefined) return out;
  for (const name of ["maxPixels", "maxSide"] as const) {
    const v = options[name];
    if (v !== undefined) out[name] = checkLimit(who, name, v);
  }
  return out;
}

/**
 * Refuses a declared size over the limits. Called straight after reading the header, before any allocation
 * that scales with width or height.
 */
export function checkDeclaredSize(
  source: string,
  format: string,
  width: number,
  height: number,
  limits: ImageLimits,
): void {
  if (width > limits.maxSide || height > limits.maxSide) {
    throw formatError(
      source,
      `invalid ${format}: absurd dimensions ${width}x${height} (more than ${limits.maxSide} pixels per side; ` +
        "raise maxSide with setImageLimits if the image is genuine)",
    );
  }
  if (width * height > limits.maxPixels) {
    const mp = (n: number): string => `${n / 1e6} megapixels`;
    throw formatError(
      source,
      `${format} declares ${width}x${height} = ${mp(width * height)}, over the limit of ${mp(limits.maxPixels)} ` +
        "(raise maxPixels with setImageLimits if the image is genuine)",
    );
  }
}
