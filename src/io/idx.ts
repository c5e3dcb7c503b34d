/**
 * Reader for the IDX format of the MNIST files: magic 0x00 0x00 <type code> <ndim>, then ndim big-endian
 * uint32 sizes, then the big-endian elements. Gzipped files (the .gz downloads) are inflated transparently.
 */
import { zlib } from "../platform/node.ts";
import { FormatError } from "../errors.ts";
import { type ReadFileOptions, readFileChecked } from "./file.ts";

export type IdxDType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  /** Row-major, native byte order, never sharing memory with the input bytes. */
  data: IdxData;
}

const TYPE_CODES: Record<number, { dtype: IdxDType; size: number }> = {
  0x08: { dtype: "uint8", size: 1 },
  0x09: { dtype: "int8", size: 1 },
  0x0b: { dtype: "int16", size: 2 },
  0x0c: { dtype: "int32", size: 4 },
  0x0d: { dtype: "float32", size: 4 },
  0x0e: { dtype: "float64", size: 8 },
};

/** An inflated IDX beyond this is no MNIST-like dataset; the cap keeps a gzip bomb from eating the heap. */
const MAX_INFLATED_BYTES = 2 ** 31 - 1;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Uint8Array, source: string): Uint8Array {
  try {
    const out = zlib.gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new FormatError(`${source}: corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
  }
}

/**
 * Reads an IDX file (plain or gzipped). A path that is not a regular file or is over `maxBytes` (default
 * 2 GiB - 1) is a FileError naming it, before anything is read; bad bytes are a FormatError naming it.
 */
export function readIdxFile(path: string, opts: ReadFileOptions = {}): IdxArray {
  return readIdx(readFileChecked(path, { what: "IDX file", ...opts }), path);
}

export function readIdx(bytes: Uint8Array, source: string): IdxArray {
  const raw = isGzip(bytes) ? gunzip(bytes, source) : bytes;
  const fail = (what: string): FormatError => new FormatError(`${source}: ${what}`);
  if (raw.length < 4) throw fail(`not an IDX file: only ${raw.length} bytes, the magic number needs 4`);
  if (raw[0] !== 0 || raw[1] !== 0) {
    const magic = Array.from(raw.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw fail(`not an IDX file: magic number ${magic} does not start with 00 00`);
  }
  const type = TYPE_CODES[raw[2]];
  if (type === undefined) throw fail(`unknown IDX type code 0x${raw[2].toString(16).padStart(2, "0")}`);
  const ndim = raw[3];
  if (ndim === 0) throw fail("IDX file declares 0 dimensions");
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes) {
    throw fail(`truncated IDX header: ${ndim} dimensions need ${headerBytes} bytes, the file has ${raw.length}`);
  }
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = dv.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  // Exact doubles up to 2^53, so the comparison below is trustworthy for any file that fits in memory.
  const expected = headerBytes + count * type.size;
  if (raw.length !== expected) {
    const what = raw.length < expected ? "truncated IDX data" : "IDX size mismatch";
    throw fail(
      `${what}: shape [${shape.join(", ")}] of ${type.dtype} needs ${expected} bytes, the file has ${raw.length}`,
    );
  }
  return { dtype: type.dtype, shape, data: decodeElements(dv, headerBytes, count, type.dtype) };
}

function decodeElements(dv: DataView, offset: number, n: number, dtype: IdxDType): IdxData {
  switch (dtype) {
    case "uint8":
      return new Uint8Array(dv.buffer.slice(dv.byteOffset + offset, dv.byteOffset + offset + n));
    case "int8":
      return new Int8Array(dv.buffer.slice(dv.byteOffset + offset, dv.byteOffset + offset + n));
    case "int16": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getInt16(offset + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getInt32(offset + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat32(offset + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}
