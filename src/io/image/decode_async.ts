/**
 * Image decoding without Node: the path a page (or a Worker) takes, also usable in Node.
 *
 * - PNG: the same chunk reader, unfiltering and pixel expansion as decodePNG, with the zlib stream
 *   inflated by the platform's DecompressionStream("deflate") instead of Node's synchronous zlib. Capped
 *   at the size the header fixes, so the pixels are decodePNG's bit for bit and a bomb is refused.
 * - JPEG: the browser's own decoder (createImageBitmap drawn into an OffscreenCanvas) where present,
 *   after the same header checks as decodeJPEG; else jpeg-js as in Node. The browser's libjpeg-turbo may
 *   round the colour conversion differently from jpeg-js by a level or two.
 * - BMP: decodeBMP (plain JavaScript everywhere).
 * - Any other format the browser decodes (GIF, WebP, AVIF...): its decoder, where present.
 *
 * Channels follow decodeImage: 1 for gray files, 4 when some pixel is not opaque, else 3.
 */
import { ArgumentError, FormatError } from "../../errors.ts";
import { decodeBMP } from "./bmp.ts";
import { decodeJPEG } from "./jpeg.ts";
import { readJpegStructure } from "./jpeg_markers.ts";
import { type ImageLimits, checkDeclaredSize, resolveLimits } from "./limits.ts";
import { isGrayPng } from "./png.ts";
import { readPngChunks } from "./png_chunks.ts";
import { expandPixels, inflatedSize, scanAlpha, unfilter } from "./png_pixels.ts";
import { type DecodedImage, allocPixels, compactRGBA, formatError } from "./types.ts";
import { decodeImage, sniffImageFormat } from "./index.ts";

/** The DOM pieces used here, structurally (this project is typed against Node's globals). */
interface Bitmap {
  readonly width: number;
  readonly height: number;
  close(): void;
}
interface Canvas2d {
  drawImage(b: Bitmap, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}
interface BrowserDecoder {
  createImageBitmap(blob: Blob, opts: Record<string, string>): Promise<Bitmap>;
  OffscreenCanvas: new (w: number, h: number) => { getContext(kind: "2d", opts: { willReadFrequently: boolean }): Canvas2d | null };
}
interface Inflater {
  DecompressionStream?: new (format: "deflate") => { readable: unknown; writable: unknown };
}
interface ChunkReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
}

/** The browser's image decoder, or null where there is none (Node, old browsers). */
function browserDecoder(): BrowserDecoder | null {
  const g = globalThis as unknown as Partial<BrowserDecoder>;
  return typeof g.createImageBitmap === "function" && typeof g.OffscreenCanvas === "function" ? (g as BrowserDecoder) : null;
}

/** True where decodeImageAsync uses the platform's own decoder for JPEG and other formats. */
export function hasBrowserImageDecoder(): boolean {
  return browserDecoder() !== null;
}

/**
 * Inflates a zlib stream to exactly `size` bytes with DecompressionStream, reading no further than one
 * chunk past `size`. Messages as decodePNG's.
 */
async function inflateExactAsync(idat: Uint8Array, size: number, fail: (w: string) => Error): Promise<Uint8Array> {
  const DS = (globalThis as Inflater).DecompressionStream;
  if (!DS) throw new ArgumentError("decoding a PNG needs DecompressionStream or Node's zlib, and this runtime has neither");
  if (size > 1032 * idat.length + 4096) {
    throw fail(`image data is truncated: ${idat.length} compressed bytes cannot hold the ${size} bytes the header needs`);
  }
  const raw = allocPixels(size, fail);
  const inflated = new Blob([idat]).stream().pipeThrough(new DS("deflate") as never) as unknown as { getReader(): ChunkReader };
  const reader = inflated.getReader();
  let at = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (at + value.byteLength > size) {
        await reader.cancel().catch(() => undefined);
        throw fail(`image data inflates to more than the ${size} bytes the header needs`);
      }
      raw.set(value, at);
      at += value.byteLength;
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw fail(`image data is not a valid zlib stream (${e instanceof Error ? e.message : String(e)})`);
  }
  if (at < size) throw fail(`image data is truncated: it inflates to ${at} bytes, the header needs ${size}`);
  return raw;
}

/** decodePNG with an asynchronous inflate: the same pixels and the same checks, no Node needed. */
export async function decodePNGAsync(bytes: Uint8Array, source: string, options?: Partial<ImageLimits>): Promise<DecodedImage> {
  const fail = (what: string): Error => formatError(source, `invalid PNG: ${what}`);
  const limits = resolveLimits(options);
  const chunks = readPngChunks(bytes, fail, (h) => checkDeclaredSize(source, "PNG", h.width, h.height, limits));
  const { width, height } = chunks.header;
  const raw = await inflateExactAsync(chunks.idat, inflatedSize(chunks.header), fail);
  const filterFault = unfilter(raw, chunks.header);
  if (filterFault !== null) throw fail(filterFault);
  const { transparent, fault } = scanAlpha(raw, chunks);
  if (fault !== null) throw fail(fault);
  const channels = transparent ? 4 : isGrayPng(chunks) ? 1 : 3;
  const data = allocPixels(width * height * channels, fail);
  expandPixels(raw, chunks, channels, data);
  return { width, height, channels, data };
}

/** RGBA pixels of an image the browser decodes, without colour management or premultiplied alpha. */
async function decodeWithBrowser(dec: BrowserDecoder, bytes: Uint8Array, type: string, fail: (w: string) => Error): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  let bitmap: Bitmap;
  try {
    bitmap = await dec.createImageBitmap(new Blob([bytes], { type }), {
      colorSpaceConversion: "none", premultiplyAlpha: "none", imageOrientation: "none",
    });
  } catch (e) {
    throw fail(`the browser cannot decode it (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    const { width, height } = bitmap;
    const ctx = new dec.OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
    if (ctx === null) throw fail("no 2d canvas to read the decoded pixels from");
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, width, height);
    return { width, height, rgba: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } finally {
    bitmap.close();
  }
}

async function decodeJPEGAsync(bytes: Uint8Array, source: string, options: Partial<ImageLimits> | undefined): Promise<DecodedImage> {
  const dec = browserDecoder();
  if (dec === null) return decodeJPEG(bytes, source, options);
  const fail = (what: string): Error => formatError(source, `invalid JPEG: ${what}`);
  const { frame } = readJpegStructure(bytes, fail);
  checkDeclaredSize(source, "JPEG", frame.width, frame.height, resolveLimits(options));
  if (![1, 3, 4].includes(frame.components.length)) {
    throw fail(`${frame.components.length} colour components are not supported (only 1, 3 or 4)`);
  }
  const { width, height, rgba } = await decodeWithBrowser(dec, bytes, "image/jpeg", fail);
  // A browser that still applies EXIF rotation would swap the sides: decode as Node does instead.
  if (width !== frame.width || height !== frame.height) return decodeJPEG(bytes, source, options);
  return compactRGBA(width, height, rgba, frame.components.length === 1);
}

async function decodeOtherAsync(bytes: Uint8Array, source: string, options: Partial<ImageLimits> | undefined): Promise<DecodedImage> {
  const dec = browserDecoder();
  // No decoder of the platform's own (Node), or nothing to decode: decodeImage's message, naming the first bytes.
  if (dec === null || bytes.length === 0) return decodeImage(bytes, source, options);
  const fail = (what: string): Error => formatError(source, `not a BMP, PNG or JPEG image, and ${what}`);
  const { width, height, rgba } = await decodeWithBrowser(dec, bytes, "", fail);
  checkDeclaredSize(source, "image", width, height, resolveLimits(options));
  return compactRGBA(width, height, rgba, false);
}

/**
 * Decodes image bytes (or a Blob/File) into 8-bit HWC pixels without Node: see the file's comment for
 * which decoder takes which format. `source` names the file in errors; `options` overrides the image
 * limits. Every failure is a FormatError naming `source`.
 */
export async function decodeImageAsync(data: Uint8Array | Blob, source: string, options?: Partial<ImageLimits>): Promise<DecodedImage> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer());
  switch (sniffImageFormat(bytes)) {
    case "bmp":
      return decodeBMP(bytes, source, options);
    case "png":
      return decodePNGAsync(bytes, source, options);
    case "jpeg":
      return decodeJPEGAsync(bytes, source, options);
    case null:
      return decodeOtherAsync(bytes, source, options);
  }
}
