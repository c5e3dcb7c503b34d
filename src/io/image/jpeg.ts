/**
 * Baseline and progressive JPEG through jpeg-js (pure JS; no native libjpeg to build). jpeg-js does not say
 * how many components a file has, so the frame header is read here to tell grayscale from colour.
 */
import jpeg from "jpeg-js";
import { type DecodedImage, MAX_IMAGE_SIDE, MAX_PIXELS, dropChannels, formatError } from "./types.ts";

/** Memory jpeg-js may use for one image; with MAX_PIXELS it bounds what a hostile header can cost. */
const MAX_MEMORY_MB = 1024;

interface FrameInfo {
  width: number;
  height: number;
  components: number;
}

/** Walks the marker segments up to the first SOFn; null when none comes before the scan data. */
function readFrameHeader(bytes: Uint8Array): FrameInfo | null {
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const m = bytes[i + 1];
    // Fill bytes and standalone markers (TEM, RSTn) carry no length.
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    if (m === 0xda || m === 0xd9) return null;
    const seg = i + 2;
    const len = (bytes[seg] << 8) | bytes[seg + 1];
    const isSOF = m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
    if (isSOF) {
      if (seg + 8 > bytes.length) return null;
      return {
        height: (bytes[seg + 3] << 8) | bytes[seg + 4],
        width: (bytes[seg + 5] << 8) | bytes[seg + 6],
        components: bytes[seg + 7],
      };
    }
    if (len < 2) return null;
    i = seg + len;
  }
  return null;
}

export function decodeJPEG(bytes: Uint8Array, source: string): DecodedImage {
  const frame = readFrameHeader(bytes);
  if (frame !== null && (frame.width > MAX_IMAGE_SIDE || frame.height > MAX_IMAGE_SIDE)) {
    throw formatError(source, `invalid JPEG: absurd dimensions ${frame.width}x${frame.height}`);
  }
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_PIXELS / 1e6,
      maxMemoryUsageInMB: MAX_MEMORY_MB,
    });
  } catch (e) {
    throw formatError(source, `invalid JPEG: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { width, height, data } = img;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw formatError(source, `invalid JPEG: decoder returned a ${width}x${height} image without pixel data`);
  }
  if (frame !== null && frame.components === 1) return dropChannels(width, height, data, 3, 1);
  return { width, height, channels: 3, data };
}
