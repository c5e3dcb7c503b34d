/**
 * Baseline and progressive JPEG through jpeg-js (pure JS; no native libjpeg to build), behind a strict walk
 * of the file's structure (jpeg_markers.ts) that bounds what jpeg-js may cost before it runs.
 *
 * Why the bounds hold: jpeg-js decodes every block of every scan, reading zero bits once the data runs out
 * and failing only at the end of the scan, so its time and memory follow the declared size, not the file's.
 * But every block of a sequential scan needs at least two Huffman codes (DC, then AC or end-of-block) and
 * every block of a progressive DC scan at least one code or one refinement bit; Huffman codes are at least
 * one bit long. A scan holding fewer entropy-coded bits than that is truncated, so the declared size can be
 * no larger than the file's bits allow. AC scans can skip up to 32767 blocks per end-of-block run, so only
 * their count is bounded. jpeg-js ends a scan early, without an error, when a restart interval is followed
 * by some marker other than RSTn: the walk requires every restart marker to be there.
 */
import jpeg from "jpeg-js";
import { type JpegFrame, type JpegScan, type JpegStructure, readJpegStructure } from "./jpeg_markers.ts";
import { type ImageLimits, checkDeclaredSize, resolveLimits } from "./limits.ts";
import { type DecodedImage, dropChannels, formatError } from "./types.ts";

/**
 * Progressive files from libjpeg carry 10 scans, mozjpeg's up to about 20; a file with hundreds of scans
 * that each revisit every block is a way to spend CPU without bits.
 */
const MAX_SCANS = 64;
/** Largest end-of-block run a progressive AC scan can code with one symbol: EOB14 with 14 extra bits. */
const MAX_EOB_RUN = 32767;

/** Blocks per component as jpeg-js lays them out (frame.mcusPerLine etc. in its decoder). */
interface Layout {
  mcus: number;
  blocks: number[];
  /** jpeg-js's allocation per component: whole MCUs' worth of blocks. */
  allocated: number[];
}

function layoutOf(f: JpegFrame): Layout {
  const maxH = Math.max(...f.components.map((c) => c.h));
  const maxV = Math.max(...f.components.map((c) => c.v));
  const mcusPerLine = Math.ceil(f.width / 8 / maxH);
  const mcusPerColumn = Math.ceil(f.height / 8 / maxV);
  return {
    mcus: mcusPerLine * mcusPerColumn,
    blocks: f.components.map(
      (c) => Math.ceil((Math.ceil(f.width / 8) * c.h) / maxH) * Math.ceil((Math.ceil(f.height / 8) * c.v) / maxV),
    ),
    allocated: f.components.map((c) => mcusPerLine * c.h * mcusPerColumn * c.v),
  };
}

/** Blocks one scan visits; `units` is its count of MCUs (interleaved) or blocks (one component). */
function scanSize(s: JpegScan, f: JpegFrame, l: Layout): { blocks: number; units: number } {
  if (s.components.length === 1) {
    const b = l.blocks[s.components[0]];
    return { blocks: b, units: b };
  }
  let perMcu = 0;
  for (const k of s.components) perMcu += f.components[k].h * f.components[k].v;
  return { blocks: l.mcus * perMcu, units: l.mcus };
}

/** Throws when a scan holds fewer bits than its blocks need, or misses restart markers. */
function checkScans(st: JpegStructure, l: Layout, fail: (w: string) => Error): void {
  const { frame, scans } = st;
  if (scans.length === 0) throw fail("no scan (the file holds no image data)");
  if (scans.length > MAX_SCANS) throw fail(`${scans.length} scans, more than the ${MAX_SCANS} this reader accepts`);
  const progressive = frame.marker === 0xc2;
  const hasDC = new Array<boolean>(frame.components.length).fill(false);
  scans.forEach((s, n) => {
    const { blocks, units } = scanSize(s, frame, l);
    const isDC = s.spectralStart === 0;
    const needBits = !progressive ? 2 * blocks : isDC ? blocks : Math.ceil(blocks / MAX_EOB_RUN);
    if (s.bits < needBits) {
      throw fail(
        `image data is truncated: scan ${n + 1} has ${s.bits / 8} bytes for ${blocks} blocks of ` +
          `${frame.width}x${frame.height} pixels, which need at least ${Math.ceil(needBits / 8)}`,
      );
    }
    const intervals = s.restartInterval > 0 ? Math.ceil(units / s.restartInterval) : 1;
    if (s.restarts !== intervals - 1) {
      throw fail(`scan ${n + 1} has ${s.restarts} restart markers, its ${units} units need ${intervals - 1}`);
    }
    if (isDC && s.approxHigh === 0) for (const k of s.components) hasDC[k] = true;
  });
  const missing = frame.components.findIndex((_, k) => !hasDC[k]);
  if (missing >= 0) throw fail(`component ${frame.components[missing].id} has no DC scan (the image is incomplete)`);
  for (const c of frame.components) {
    if (!st.quantTables.has(c.quantTable)) {
      throw fail(`component ${c.id} uses quantization table ${c.quantTable}, which is not defined`);
    }
  }
}

/** What jpeg-js will count against maxMemoryUsageInMB for this frame (see requestMemoryAllocation there). */
function memoryBudgetMB(f: JpegFrame, l: Layout): number {
  let bytes = 1 << 20; // Huffman and quantization tables, with room to spare
  f.components.forEach((_, k) => {
    bytes += l.allocated[k] * 256; // one Int32Array(64) per block
    bytes += l.allocated[k] * 64; // the component's 8-bit output lines
  });
  bytes += f.width * f.height * (f.components.length + 3); // getData's buffer and the RGB result
  return Math.ceil(bytes / 2 ** 20) + 1;
}

/**
 * Decodes a JPEG into 8-bit pixels: 1 channel for a one-component file, else 3. `source` names the file in
 * errors; `options` overrides the thread's image limits.
 */
export function decodeJPEG(bytes: Uint8Array, source: string, options?: Partial<ImageLimits>): DecodedImage {
  const fail = (what: string): Error => formatError(source, `invalid JPEG: ${what}`);
  const limits = resolveLimits(options);
  const st = readJpegStructure(bytes, fail);
  const { frame } = st;
  checkDeclaredSize(source, "JPEG", frame.width, frame.height, limits);
  if (![1, 3, 4].includes(frame.components.length)) {
    throw fail(`${frame.components.length} colour components are not supported (only 1, 3 or 4)`);
  }
  const layout = layoutOf(frame);
  checkScans(st, layout, fail);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: true,
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: memoryBudgetMB(frame, layout),
    });
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
  const { width, height, data } = img;
  if (width !== frame.width || height !== frame.height || data.length !== width * height * 3) {
    throw fail(`decoder returned a ${width}x${height} image without matching pixel data`);
  }
  if (frame.components.length === 1) return dropChannels(width, height, data, 3, 1);
  return { width, height, channels: 3, data };
}
