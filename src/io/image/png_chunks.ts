/**
 * PNG container: signature, chunks with their CRCs, IHDR fields and chunk order, read by hand so that every
 * byte the pixel decoder sees has been checked. Critical-chunk faults are errors; faults in the ancillary
 * tRNS chunk make it ignored, as libpng does ("benign errors"), because they cannot corrupt pixels.
 */

/** Colour types (PNG spec 11.2.2) and the bit depths each allows. */
export const GRAY = 0;
export const RGB = 2;
export const PALETTE = 3;
export const GRAY_ALPHA = 4;
export const RGBA = 6;
const DEPTHS: Record<number, number[]> = {
  [GRAY]: [1, 2, 4, 8, 16],
  [RGB]: [8, 16],
  [PALETTE]: [1, 2, 4, 8],
  [GRAY_ALPHA]: [8, 16],
  [RGBA]: [8, 16],
};
export const SAMPLES_PER_PIXEL: Record<number, number> = { [GRAY]: 1, [RGB]: 3, [PALETTE]: 1, [GRAY_ALPHA]: 2, [RGBA]: 4 };

export interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

export interface PngChunks {
  header: PngHeader;
  /** RGB triples, 1 to 256 entries; null when the file has none. */
  palette: Uint8Array | null;
  /** Colour type 3: alpha per palette entry (may be shorter than the palette). Types 0/2: the sample values
   * (1 or 3) of the single transparent colour. Null when absent or ignored. */
  transparency: Uint8Array | Uint16Array | null;
  /** The concatenated IDAT payloads: one zlib stream. */
  idat: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_CHUNK_LENGTH = 2 ** 31 - 1;

let crcTable: Uint32Array | null = null;

/** CRC-32 as PNG defines it (ISO 3309, reflected polynomial 0xEDB88320) over `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function isLetter(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

function parseHeader(d: Uint8Array, dv: DataView, fail: (w: string) => Error): PngHeader {
  if (d.length !== 13) throw fail(`IHDR chunk has ${d.length} bytes, expected 13`);
  const width = dv.getUint32(0);
  const height = dv.getUint32(4);
  const [depth, colorType, compression, filter, interlace] = d.subarray(8, 13);
  if (width === 0 || height === 0 || width > MAX_CHUNK_LENGTH || height > MAX_CHUNK_LENGTH) {
    throw fail(`IHDR declares an impossible size ${width}x${height}`);
  }
  const depths = DEPTHS[colorType];
  if (depths === undefined) throw fail(`unknown colour type ${colorType}`);
  if (!depths.includes(depth)) throw fail(`bit depth ${depth} is not allowed with colour type ${colorType}`);
  if (compression !== 0) throw fail(`unknown compression method ${compression}`);
  if (filter !== 0) throw fail(`unknown filter method ${filter}`);
  if (interlace > 1) throw fail(`unknown interlace method ${interlace}`);
  return { width, height, depth, colorType, interlaced: interlace === 1 };
}

/** The transparency chunk's meaning for this header, or null when libpng would ignore it. */
function parseTransparency(
  d: Uint8Array,
  h: PngHeader,
  palette: Uint8Array | null,
): Uint8Array | Uint16Array | null {
  if (h.colorType === PALETTE) {
    const entries = palette === null ? 0 : palette.length / 3;
    return d.length >= 1 && d.length <= entries ? d.slice() : null;
  }
  const n = h.colorType === GRAY ? 1 : h.colorType === RGB ? 3 : 0;
  if (n === 0 || d.length !== 2 * n) return null;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = (d[2 * i] << 8) | d[2 * i + 1];
  return out;
}

/**
 * Splits a PNG file into its checked parts. `fail` turns a description into the caller's FormatError.
 * Checked: signature; each chunk's length, type letters and CRC; IHDR first and valid; at most one PLTE,
 * before the image data, and present for colour type 3; IDAT chunks consecutive; IEND present; no unknown
 * critical chunk. Bytes after IEND are ignored. `onHeader` sees IHDR's fields as soon as they are read.
 */
export function readPngChunks(
  bytes: Uint8Array,
  fail: (what: string) => Error,
  onHeader: (h: PngHeader) => void,
): PngChunks {
  for (let i = 0; i < SIGNATURE.length; i++) {
    if (bytes[i] !== SIGNATURE[i]) {
      throw fail(i >= bytes.length ? `file is truncated (${bytes.length} bytes)` : "bad PNG signature");
    }
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngHeader | null = null;
  let palette: Uint8Array | null = null;
  let trnsData: Uint8Array | null = null;
  const idatParts: Uint8Array[] = [];
  let idatEnded = false;
  let pos = 8;
  for (;;) {
    if (pos + 8 > bytes.length) throw fail(`file is truncated at byte ${bytes.length} (no IEND chunk)`);
    const length = dv.getUint32(pos);
    const typeBytes = bytes.subarray(pos + 4, pos + 8);
    const type = String.fromCharCode(...typeBytes);
    if (!typeBytes.every(isLetter)) throw fail(`corrupt chunk type at byte ${pos + 4}`);
    if (length > MAX_CHUNK_LENGTH) throw fail(`${type} chunk declares an impossible length ${length}`);
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) {
      throw fail(`file is truncated inside the ${type} chunk at byte ${pos} (${length} bytes declared)`);
    }
    const data = bytes.subarray(dataStart, dataEnd);
    const crcOk = crc32(bytes, pos + 4, dataEnd) === dv.getUint32(dataEnd);
    const where = `the ${type} chunk at byte ${pos}`;
    pos = dataEnd + 4;
    if (header === null) {
      if (type !== "IHDR") throw fail(`first chunk is ${type}, expected IHDR`);
      // Size before CRC, so a header corrupted into a huge size is reported as such.
      header = parseHeader(data, new DataView(data.buffer, data.byteOffset, data.byteLength), fail);
      onHeader(header);
      if (!crcOk) throw fail(`CRC mismatch in ${where} (the file is corrupt)`);
      continue;
    }
    if (!crcOk) throw fail(`CRC mismatch in ${where} (the file is corrupt)`);
    if (idatParts.length > 0 && type !== "IDAT") idatEnded = true;
    switch (type) {
      case "IHDR":
        throw fail("more than one IHDR chunk");
      case "PLTE":
        if (palette !== null) throw fail("more than one PLTE chunk");
        if (idatParts.length > 0) throw fail("PLTE chunk after the image data");
        if (length === 0 || length % 3 !== 0 || length > 768) {
          throw fail(`PLTE chunk has ${length} bytes, expected 3 to 768 in steps of 3`);
        }
        palette = data.slice();
        break;
      case "tRNS":
        // Ancillary: repeated, after the image data, or before the palette it refers to, libpng ignores it.
        if (trnsData === null && idatParts.length === 0 && (header.colorType !== PALETTE || palette !== null)) {
          trnsData = data;
        }
        break;
      case "IDAT":
        if (idatEnded) throw fail("IDAT chunks are not consecutive");
        idatParts.push(data);
        break;
      case "IEND": {
        if (idatParts.length === 0) throw fail("no IDAT chunk (the file holds no image data)");
        if (header.colorType === PALETTE && palette === null) throw fail("colour type 3 without a PLTE chunk");
        const transparency = trnsData === null ? null : parseTransparency(trnsData, header, palette);
        return { header, palette, transparency, idat: concat(idatParts) };
      }
      default:
        // Bit 5 of the first letter clear = critical: a decoder that does not know it must refuse the file.
        if ((typeBytes[0] & 0x20) === 0) throw fail(`unknown critical chunk ${type}`);
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
