/**
 * The safetensors file format (https://github.com/huggingface/safetensors), at the level of raw typed
 * arrays so that it does not depend on the Tensor class. Layout: u64 LE header length N, N bytes of
 * UTF-8 JSON, then one data buffer that the header's byte ranges must cover exactly.
 *
 * Decoding treats the bytes as hostile: every fault becomes a FormatError naming the source, and no
 * allocation is made that the file's own size does not justify.
 */
import { ArgumentError, DTypeError, FormatError } from "../errors.ts";
import { type DType, type Storage, fileItemSize, storageMatches } from "../tensor/dtype.ts";
import { headerKeys, maxDepth } from "./safetensors_json.ts";
import { writeFileAtomic } from "./atomic.ts";
import { readFileCheckedAsync } from "./file.ts";

export interface RawTensor {
  dtype: DType;
  shape: number[];
  /** Contiguous, row-major, length = product(shape). */
  data: Storage;
}

export interface DecodedSafetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

const TO_FILE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", int64: "I64", bool: "BOOL" };
// A Map, not an object literal: a dtype string like "constructor" must not find Object.prototype.
const FROM_FILE = new Map<string, DType>([["F32", "float32"], ["F64", "float64"], ["I32", "int32"], ["I64", "int64"], ["BOOL", "bool"]]);
/** Valid safetensors dtypes that kindling has no storage for; named so the error can say why. */
const UNSUPPORTED = new Set([
  "F16", "BF16", "U8", "I8", "I16", "U16", "U32", "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64",
]);

/** The reference implementation's limit; a larger header is a corrupt length field, not a model. */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";
const MAX_HEADER_DEPTH = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Typed arrays use host byte order; the file is little-endian. No-op on every common host. */
function swapToFromLE(bytes: Uint8Array, itemSize: number): void {
  if (LITTLE_ENDIAN || itemSize === 1) return;
  for (let i = 0; i < bytes.length; i += itemSize) bytes.subarray(i, i + itemSize).reverse();
}

/** Number of elements, or -1 when the product is not a safe integer. */
function numelOf(shape: readonly number[]): number {
  if (shape.includes(0)) return 0; // checked first so that [huge, huge, 0] does not look like overflow
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (!Number.isSafeInteger(n)) return -1;
  }
  return n;
}

function isShape(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0);
}

// ---------------------------------------------------------------------------------------------
// Encoding

export function encodeSafetensors(
  tensors: Record<string, RawTensor> | Map<string, RawTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const parts: string[] = [];
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
      throw new ArgumentError("safetensors metadata must be an object of string values");
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new ArgumentError(`safetensors metadata value for "${k}" must be a string, got ${typeof v}`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  const layout: { t: RawTensor; begin: number; size: number }[] = [];
  for (const [name, t] of entries) {
    if (name === METADATA_KEY) throw new ArgumentError(`"${METADATA_KEY}" is reserved and cannot name a tensor`);
    if (t === null || typeof t !== "object") throw new ArgumentError(`tensor "${name}" must be a RawTensor object`);
    const fileDType = Object.hasOwn(TO_FILE, t.dtype) ? TO_FILE[t.dtype] : undefined;
    if (fileDType === undefined) throw new DTypeError(`tensor "${name}": unknown dtype ${String(t.dtype)}`);
    if (!isShape(t.shape)) throw new ArgumentError(`tensor "${name}": shape must be an array of non-negative integers`);
    if (!storageMatches(t.dtype, t.data)) throw new DTypeError(`tensor "${name}": storage does not match dtype ${t.dtype}`);
    const n = numelOf(t.shape);
    if (n !== t.data.length) {
      throw new ArgumentError(`tensor "${name}": shape [${t.shape.join(", ")}] needs ${n} elements, data has ${t.data.length}`);
    }
    checkValues(name, t);
    const size = n * fileItemSize(t.dtype);
    layout.push({ t, begin: offset, size });
    // Key order in the header is written by hand: JSON.stringify of an object would move
    // integer-like names ("0", "1") to the front and break the key-order contract.
    parts.push(`${JSON.stringify(name)}:{"dtype":"${fileDType}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + size}]}`);
    offset += size;
  }
  const header = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = Math.ceil(header.length / 8) * 8; // so the data section starts 8-byte aligned
  if (padded > MAX_HEADER_BYTES) throw new ArgumentError(`safetensors header would be ${padded} bytes, over the ${MAX_HEADER_BYTES}-byte limit readers enforce`);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + padded);
  const dataStart = 8 + padded;
  for (const { t, begin, size } of layout) writeData(out.subarray(dataStart + begin, dataStart + begin + size), t);
  return out;
}

function checkValues(name: string, t: RawTensor): void {
  if (t.dtype === "int64") {
    for (const v of t.data) {
      if (!Number.isSafeInteger(v)) throw new ArgumentError(`tensor "${name}": int64 value ${v} is not an integer within ±(2^53-1)`);
    }
  } else if (t.dtype === "bool") {
    for (const v of t.data) {
      if (v !== 0 && v !== 1) throw new ArgumentError(`tensor "${name}": bool value ${v} is not 0 or 1`);
    }
  }
}

function writeData(dst: Uint8Array, t: RawTensor): void {
  if (t.dtype === "int64") {
    const ints = new BigInt64Array(t.data.length);
    for (let i = 0; i < ints.length; i++) ints[i] = BigInt(t.data[i]!);
    dst.set(new Uint8Array(ints.buffer));
  } else {
    dst.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  swapToFromLE(dst, fileItemSize(t.dtype));
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

export function decodeSafetensors(bytes: Uint8Array, source = "<buffer>"): DecodedSafetensors {
  try {
    return decodeUnchecked(bytes, source);
  } catch (e) {
    if (e instanceof FormatError) throw e;
    // Any other failure (an allocation, an engine limit) is still a bad file to the caller.
    // The cause is kept so that the fuzz script can count these: each one is a check the decoder lacks.
    const err = new FormatError(`${source}: invalid safetensors file (${e instanceof Error ? e.message : String(e)})`);
    throw Object.assign(err, { cause: e });
  }
}

function decodeUnchecked(bytes: Uint8Array, source: string): DecodedSafetensors {
  const fail = (msg: string): never => {
    throw new FormatError(`${source}: invalid safetensors file: ${msg}`);
  };
  if (!(bytes instanceof Uint8Array)) fail("input is not a byte array");
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the ${bytes.length}-byte file`);

  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail("header is not valid UTF-8");
  }
  // The format nests 3 deep (header, entry, shape); the limit leaves room for the extra fields the
  // reference ignores, and refusing deeper text before parsing keeps a megabyte of brackets from
  // costing a second of parsing.
  if (maxDepth(text, MAX_HEADER_DEPTH) > MAX_HEADER_DEPTH) fail(`header nests deeper than ${MAX_HEADER_DEPTH} levels`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) fail("header JSON is not an object");
  const keys = headerKeys(text);
  if (keys.duplicate !== undefined) fail(`header repeats the key ${JSON.stringify(keys.duplicate)}`);
  const obj = header as Record<string, unknown>;

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  // Text order rather than Object.keys order: JS objects move integer-like keys to the front.
  for (const name of keys.topLevel) {
    const value = obj[name];
    if (name === METADATA_KEY) metadata = parseMetadata(value, fail);
    else entries.push(parseEntry(name, value, fail));
  }

  // The spec requires the byte ranges to tile the data buffer exactly: no holes, no overlap, no
  // trailing bytes. Sorting by (begin, end) keeps empty tensors before a non-empty one at the same offset.
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin !== cursor) {
      fail(e.begin < cursor ? `tensor "${e.name}" overlaps the previous tensor's data` : `data buffer has a hole before tensor "${e.name}" (offsets ${cursor}..${e.begin} unused)`);
    }
    cursor = e.end;
  }
  if (cursor > dataLen) fail(`data section is ${dataLen} bytes but the header needs ${cursor} (file truncated?)`);
  if (cursor < dataLen) fail(`data section is ${dataLen} bytes but the header covers only ${cursor} (trailing bytes)`);

  const tensors = new Map<string, RawTensor>();
  for (const e of entries) {
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data: readData(bytes.subarray(dataStart + e.begin, dataStart + e.end), e, fail) });
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown, fail: (msg: string) => never): Record<string, string> {
  // The reference implementation reads it as Option<HashMap<String, String>>, so null is "absent".
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) fail(`"${METADATA_KEY}" is not an object`);
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value as object)) {
    if (typeof v !== "string") fail(`"${METADATA_KEY}" value for ${JSON.stringify(k)} is not a string`);
    out.push([k, v as string]);
  }
  // fromEntries defines own properties, so a "__proto__" key cannot reach the prototype.
  return Object.fromEntries(out);
}

function parseEntry(name: string, value: unknown, fail: (msg: string) => never): Entry {
  const where = `tensor ${JSON.stringify(name)}`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) fail(`${where} is not an object`);
  const v = value as Record<string, unknown>;
  for (const field of ["dtype", "shape", "data_offsets"]) {
    if (!Object.hasOwn(v, field)) fail(`${where} has no "${field}"`);
  }
  const fileDType = v.dtype;
  if (typeof fileDType !== "string") fail(`${where} has a non-string dtype`);
  const dtype = FROM_FILE.get(fileDType as string);
  if (dtype === undefined) {
    if (UNSUPPORTED.has(fileDType as string)) {
      fail(`${where} has dtype ${fileDType}, which kindling does not support (supported: F32, F64, I32, I64, BOOL)`);
    }
    fail(`${where} has unknown dtype ${JSON.stringify(fileDType)}`);
  }
  if (!isShape(v.shape)) fail(`${where} has a shape that is not an array of non-negative integers`);
  const shape = [...(v.shape as number[])];
  const offs = v.data_offsets;
  if (
    !Array.isArray(offs) || offs.length !== 2 ||
    !offs.every((o) => typeof o === "number" && Number.isSafeInteger(o) && o >= 0)
  ) {
    fail(`${where} has data_offsets that are not two non-negative integers`);
  }
  const [begin, end] = offs as [number, number];
  if (begin > end) fail(`${where} has data_offsets [${begin}, ${end}] with begin > end`);
  const numel = numelOf(shape);
  const expected = numel * fileItemSize(dtype!);
  if (numel < 0 || !Number.isSafeInteger(expected) || expected !== end - begin) {
    fail(`${where} has ${end - begin} data bytes but shape [${shape.join(", ")}] of ${fileDType} needs ${numel < 0 ? "too many" : expected}`);
  }
  return { name, dtype: dtype!, shape, begin, end };
}

function readData(src: Uint8Array, e: Entry, fail: (msg: string) => never): Storage {
  // A copy into a fresh ArrayBuffer at offset 0, so the typed-array views below are aligned whatever
  // the data's position in the source. Not src.slice(): on a Node Buffer that is a view, not a copy.
  const raw = new Uint8Array(src.length);
  raw.set(src);
  swapToFromLE(raw, fileItemSize(e.dtype));
  switch (e.dtype) {
    case "float32":
      return new Float32Array(raw.buffer);
    case "float64":
      return new Float64Array(raw.buffer);
    case "int32":
      return new Int32Array(raw.buffer);
    case "bool":
      for (let i = 0; i < raw.length; i++) {
        if (raw[i]! > 1) fail(`tensor ${JSON.stringify(e.name)} has bool byte ${raw[i]} at element ${i} (must be 0 or 1)`);
      }
      return raw;
    case "int64": {
      const ints = new BigInt64Array(raw.buffer);
      const out = new Float64Array(ints.length);
      const lim = BigInt(Number.MAX_SAFE_INTEGER);
      for (let i = 0; i < ints.length; i++) {
        const x = ints[i]!;
        if (x > lim || x < -lim) fail(`tensor ${JSON.stringify(e.name)} has int64 value ${x} at element ${i}, beyond ±(2^53-1) which kindling stores exactly`);
        out[i] = Number(x);
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Files

export async function saveSafetensorsFile(
  path: string,
  tensors: Record<string, RawTensor> | Map<string, RawTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export interface LoadFileOptions {
  /** Refuse files larger than this many bytes, before reading (default: 2 GiB - 1, one Node read). */
  maxBytes?: number;
}

/**
 * Reads and decodes a safetensors file. A path that is missing, a directory, a FIFO, a device or larger
 * than `maxBytes` is a FileError naming it (code "ENOENT" when missing: see isMissingFile); bad bytes
 * are a FormatError naming it.
 */
export async function loadSafetensorsFile(path: string, opts: LoadFileOptions = {}): Promise<DecodedSafetensors> {
  const bytes = await readFileCheckedAsync(path, { maxBytes: opts.maxBytes, what: "safetensors file" });
  return decodeSafetensors(bytes, path);
}
