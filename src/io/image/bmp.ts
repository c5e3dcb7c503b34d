/**
 * Windows BMP reader and writer, written by hand because BMP is simple and every JS library for it either
 * trusts header fields (and throws RangeError on a short file) or pulls in a canvas.
 *
 * Read: BITMAPCOREHEADER (OS/2 1.x), BITMAPINFOHEADER and its V2/V3/V4/V5 extensions; 1/4/8-bit paletted,
 * 16/32-bit BI_RGB or BI_BITFIELDS / BI_ALPHABITFIELDS, 24-bit; bottom-up and top-down rows. RLE and
 * embedded JPEG/PNG are refused. Every malformed field becomes a FormatError naming the file.
 */
import { type ImageLimits, checkDeclaredSize, resolveLimits } from "./limits.ts";
import { type DecodedImage, allocPixels, checkImage, compactRGBA, formatError } from "./types.ts";

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const COMPRESSION_NAMES: Record<number, string> = { 1: "BI_RLE8", 2: "BI_RLE4", 4: "BI_JPEG", 5: "BI_PNG" };
/** 12 = CORE, 40 = INFO, 52/56 = V2/V3 (INFO plus masks), 108 = V4, 124 = V5. */
const HEADER_SIZES = new Set([12, 40, 52, 56, 108, 124]);

interface Channel {
  mask: number;
  shift: number;
  max: number;
}

function channelFromMask(mask: number, bpp: number, name: string, fail: (w: string) => Error): Channel {
  mask >>>= 0;
  if (mask === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  // A mask with holes, or one reaching past the pixel's bits, cannot come from a sane writer.
  if ((max & (max + 1)) !== 0) {
    throw fail(`${name} bit mask 0x${mask.toString(16)} is not a contiguous run of bits`);
  }
  if (bpp < 32 && mask >= 2 ** bpp) throw fail(`${name} bit mask 0x${mask.toString(16)} does not fit in ${bpp} bits`);
  return { mask, shift, max };
}

function scale(v: number, ch: Channel): number {
  const x = (v & ch.mask) >>> ch.shift;
  return ch.max === 255 ? x : Math.round((x * 255) / ch.max);
}

export function decodeBMP(bytes: Uint8Array, source: string, options?: Partial<ImageLimits>): DecodedImage {
  const fail = (what: string): Error => formatError(source, `invalid BMP: ${what}`);
  const limits = resolveLimits(options);
  const len = bytes.length;
  if (len < 18 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw len >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d
      ? fail(`file is truncated (${len} bytes, shorter than the BMP file header)`)
      : formatError(source, "not a BMP file (does not start with 'BM')");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  if (!HEADER_SIZES.has(headerSize)) throw fail(`unsupported DIB header size ${headerSize}`);
  if (14 + headerSize > len) {
    throw fail(`file is truncated (${len} bytes) inside its ${headerSize}-byte DIB header`);
  }
  const core = headerSize === 12;
  const width = core ? dv.getUint16(18, true) : dv.getInt32(18, true);
  const rawHeight = core ? dv.getUint16(20, true) : dv.getInt32(22, true);
  const bpp = core ? dv.getUint16(24, true) : dv.getUint16(28, true);
  const compression = core ? BI_RGB : dv.getUint32(30, true);
  const colorsUsed = core ? 0 : dv.getUint32(46, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);

  if (width <= 0 || height === 0) throw fail(`image has zero or negative size ${width}x${rawHeight}`);
  checkDeclaredSize(source, "BMP", width, height, limits);
  if (COMPRESSION_NAMES[compression] !== undefined) {
    throw fail(`compression ${COMPRESSION_NAMES[compression]} is not supported (only uncompressed BMP)`);
  }
  const bitfields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS;
  if (compression !== BI_RGB && !bitfields) throw fail(`unknown compression type ${compression}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw fail(`unsupported bits per pixel ${bpp}`);
  if (bitfields && bpp !== 16 && bpp !== 32) throw fail(`bit-field masks need 16 or 32 bits per pixel, got ${bpp}`);

  // Masks live inside V2+ headers; after a 40-byte header they follow it as 3 (or 4) extra DWORDs.
  let masks: number[];
  let tableEnd = 14 + headerSize;
  if (bitfields) {
    const count = compression === BI_ALPHABITFIELDS || headerSize >= 56 ? 4 : 3;
    if (headerSize === 40) tableEnd += 4 * count;
    if (54 + 4 * count > len) throw fail("file is truncated inside the bit-field masks");
    masks = [0, 1, 2, 3].map((i) => (i < count ? dv.getUint32(54 + 4 * i, true) : 0));
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f, 0];
  } else {
    // 32-bit BI_RGB: the fourth byte is unused padding by definition, whatever a V4+ header says.
    masks = [0xff0000, 0x00ff00, 0x0000ff, 0];
  }

  let palette: Uint8Array | null = null;
  let paletteSize = 0;
  if (bpp <= 8) {
    const entry = core ? 3 : 4;
    paletteSize = colorsUsed === 0 || colorsUsed > 1 << bpp ? 1 << bpp : colorsUsed;
    // Writers often store a short palette without saying so (CORE headers cannot say so); the gap before
    // the pixel data is then the real palette size.
    if (colorsUsed === 0 && pixelOffset > tableEnd) {
      paletteSize = Math.min(paletteSize, Math.floor((pixelOffset - tableEnd) / entry));
    }
    if (paletteSize === 0) throw fail(`${bpp}-bit image has no palette before its pixel data`);
    if (tableEnd + paletteSize * entry > len) {
      throw fail(`file is truncated inside the ${paletteSize}-color palette`);
    }
    palette = new Uint8Array(paletteSize * 3);
    for (let i = 0; i < paletteSize; i++) {
      const o = tableEnd + i * entry;
      palette[i * 3] = bytes[o + 2];
      palette[i * 3 + 1] = bytes[o + 1];
      palette[i * 3 + 2] = bytes[o];
    }
  }

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const rowBytes = Math.ceil((bpp * width) / 8);
  if (pixelOffset < tableEnd) throw fail(`pixel data offset ${pixelOffset} lies inside the headers`);
  if (pixelOffset >= len) throw fail(`pixel data offset ${pixelOffset} is past the end of the file (${len} bytes)`);
  // The last row's padding is optional in practice; several writers omit it.
  const needed = pixelOffset + stride * (height - 1) + rowBytes;
  if (needed > len) {
    throw fail(
      `file is truncated: ${width}x${height} pixels at ${bpp} bits need ${needed} bytes but the file has ${len}`,
    );
  }
  const rowStart = (y: number): number => pixelOffset + (topDown ? y : height - 1 - y) * stride;

  if (palette !== null) return decodePaletted(bytes, width, height, bpp, palette, paletteSize, rowStart, fail);
  if (bpp === 24) {
    const out = allocPixels(width * height * 3, fail);
    for (let y = 0; y < height; y++) {
      let s = rowStart(y);
      for (let x = 0, o = y * width * 3; x < width; x++, s += 3, o += 3) {
        out[o] = bytes[s + 2];
        out[o + 1] = bytes[s + 1];
        out[o + 2] = bytes[s];
      }
    }
    return { width, height, channels: 3, data: out };
  }

  const [r, g, b, a] = ["red", "green", "blue", "alpha"].map((n, i) => channelFromMask(masks[i], bpp, n, fail));
  if (r.mask === 0 || g.mask === 0 || b.mask === 0) throw fail("a red, green or blue bit mask is zero");
  const hasAlpha = a.mask !== 0;
  const channels = hasAlpha ? 4 : 3;
  const out = allocPixels(width * height * channels, fail);
  const bytesPer = bpp / 8;
  let anyAlpha = false;
  for (let y = 0; y < height; y++) {
    let s = rowStart(y);
    for (let x = 0, o = y * width * channels; x < width; x++, s += bytesPer, o += channels) {
      const v = bpp === 16 ? dv.getUint16(s, true) : dv.getUint32(s, true);
      out[o] = scale(v, r);
      out[o + 1] = scale(v, g);
      out[o + 2] = scale(v, b);
      if (hasAlpha) {
        out[o + 3] = scale(v, a);
        if (out[o + 3] !== 0) anyAlpha = true;
      }
    }
  }
  if (!hasAlpha) return { width, height, channels: 3, data: out };
  // Alpha 0 everywhere means the writer declared a mask but never filled it; browsers show such files opaque.
  if (!anyAlpha) for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return compactRGBA(width, height, out, false);
}

function decodePaletted(
  bytes: Uint8Array,
  width: number,
  height: number,
  bpp: number,
  palette: Uint8Array,
  paletteSize: number,
  rowStart: (y: number) => number,
  fail: (w: string) => Error,
): DecodedImage {
  let gray = true;
  for (let i = 0; i < paletteSize && gray; i++) {
    gray = palette[i * 3] === palette[i * 3 + 1] && palette[i * 3] === palette[i * 3 + 2];
  }
  const channels = gray ? 1 : 3;
  const out = allocPixels(width * height * channels, fail);
  const perByte = 8 / bpp;
  const mask = (1 << bpp) - 1;
  for (let y = 0; y < height; y++) {
    const s = rowStart(y);
    for (let x = 0; x < width; x++) {
      // Pixels are packed most significant bits first within each byte.
      const byte = bytes[s + Math.floor(x / perByte)];
      const index = (byte >> (8 - bpp * ((x % perByte) + 1))) & mask;
      if (index >= paletteSize) {
        throw fail(`pixel (${x}, ${y}) uses palette index ${index} but the palette has ${paletteSize} colors`);
      }
      const o = (y * width + x) * channels;
      out[o] = palette[index * 3];
      if (!gray) {
        out[o + 1] = palette[index * 3 + 1];
        out[o + 2] = palette[index * 3 + 2];
      }
    }
  }
  return { width, height, channels, data: out };
}

/**
 * Writes an uncompressed bottom-up BMP: 8-bit with a gray ramp palette for 1 channel, 24-bit for 3, and
 * 32-bit BITMAPV4HEADER with an alpha mask for 4 (the only layout that readers agree carries alpha).
 */
export function encodeBMP(img: DecodedImage): Uint8Array {
  checkImage(img);
  const { width, height, channels, data } = img;
  const bpp = channels === 1 ? 8 : channels * 8;
  const headerSize = channels === 4 ? 108 : 40;
  const paletteBytes = channels === 1 ? 256 * 4 : 0;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const offset = 14 + headerSize + paletteBytes;
  const size = offset + stride * height;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out[0] = 0x42;
  out[1] = 0x4d;
  dv.setUint32(2, size, true);
  dv.setUint32(10, offset, true);
  dv.setUint32(14, headerSize, true);
  dv.setInt32(18, width, true);
  dv.setInt32(22, height, true);
  dv.setUint16(26, 1, true);
  dv.setUint16(28, bpp, true);
  dv.setUint32(30, channels === 4 ? BI_BITFIELDS : BI_RGB, true);
  dv.setUint32(34, stride * height, true);
  dv.setInt32(38, 2835, true); // 72 dpi, what most tools assume
  dv.setInt32(42, 2835, true);
  if (channels === 1) {
    dv.setUint32(46, 256, true);
    for (let i = 0; i < 256; i++) out.fill(i, 54 + i * 4, 54 + i * 4 + 3);
  } else if (channels === 4) {
    dv.setUint32(54, 0x00ff0000, true);
    dv.setUint32(58, 0x0000ff00, true);
    dv.setUint32(62, 0x000000ff, true);
    dv.setUint32(66, 0xff000000, true);
    dv.setUint32(70, 0x73524742, true); // 'sRGB' colour space
  }
  for (let y = 0; y < height; y++) {
    const row = offset + (height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * channels;
      const d = row + x * channels;
      if (channels === 1) {
        out[d] = data[s];
      } else {
        out[d] = data[s + 2];
        out[d + 1] = data[s + 1];
        out[d + 2] = data[s];
        if (channels === 4) out[d + 3] = data[s + 3];
      }
    }
  }
  return out;
}
