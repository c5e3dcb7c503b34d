/**
 * The image cache file: everything a folder of images decodes to, in one file that loads with one read.
 *
 *   "KDLIMGS\0"            8 bytes of magic
 *   header length          uint32 little-endian
 *   header                 UTF-8 JSON (CacheHeader)
 *   pixels                 count * height * width * channels bytes, image after image, each HWC
 *   labels                 count * int32 little-endian
 *
 * The header records the payload's length and SHA-256, so a truncated or damaged file is recognised
 * instead of silently training on garbage.
 */
import { createHash } from "../platform/node.ts";
import * as z from "zod/mini";
import { en } from "zod/locales";
import { FormatError } from "../errors.ts";

// A plain Uint8Array (Buffer.equals/concat take one), so importing this module needs no Node Buffer.
const MAGIC = new TextEncoder().encode("KDLIMGS\0");
export const CACHE_VERSION = 1;

export interface CacheHeader {
  version: number;
  /** Hash of the folder listing and options the cache was built from. */
  key: string;
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  classes: string[];
  /** [path relative to the root, class index] of each cached image. */
  samples: [string, number][];
  payloadBytes: number;
  sha256: string;
}

export interface CacheContents {
  header: CacheHeader;
  pixels: Uint8Array;
  labels: Int32Array;
}

// zod/mini (with zod's English messages, as full zod gives them) built on first use: a bundle carries
// only the few validators used here, and a page that never reads a cache none at all.
let headerSchema: ReturnType<typeof buildHeaderSchema> | undefined;

function buildHeaderSchema() {
  if (z.config().localeError === undefined) z.config(en());
  const count = z.number().check(z.int(), z.nonnegative());
  return z.object({
    version: z.literal(CACHE_VERSION),
    key: z.string(),
    count,
    height: count,
    width: count,
    channels: z.union([z.literal(1), z.literal(3)]),
    classes: z.array(z.string()),
    samples: z.array(z.tuple([z.string(), count])),
    payloadBytes: count,
    sha256: z.string(),
  });
}

function sha256(...parts: Uint8Array[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest("hex");
}

export function encodeCache(header: Omit<CacheHeader, "version" | "payloadBytes" | "sha256">, pixels: Uint8Array, labels: Int32Array): Uint8Array {
  const labelBytes = Buffer.alloc(labels.length * 4);
  labels.forEach((v, i) => labelBytes.writeInt32LE(v, i * 4));
  const full: CacheHeader = { version: CACHE_VERSION, ...header, payloadBytes: pixels.length + labelBytes.length, sha256: sha256(pixels, labelBytes) };
  const json = Buffer.from(JSON.stringify(full), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  return Buffer.concat([MAGIC, len, json, pixels, labelBytes]);
}

/** Parses and verifies a cache file; any inconsistency is a FormatError saying what is wrong. */
export function decodeCache(bytes: Uint8Array, source: string): CacheContents {
  const fail = (what: string) => new FormatError(`${source}: ${what}`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw fail("not a kindling image cache (bad magic)");
  const headerLen = buf.readUInt32LE(8);
  if (12 + headerLen > buf.length) throw fail(`truncated header: ${headerLen} bytes announced, ${buf.length - 12} present`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.subarray(12, 12 + headerLen).toString("utf8"));
  } catch {
    throw fail("corrupt header JSON");
  }
  const version = (parsed as { version?: unknown } | null)?.version;
  if (version !== CACHE_VERSION) throw fail(`cache format version ${String(version)}, expected ${CACHE_VERSION}`);
  const checked = (headerSchema ??= buildHeaderSchema()).safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw fail(`invalid header: ${issue ? `${issue.path.map(String).join(".") || "header"}: ${issue.message}` : "does not match the format"}`);
  }
  const header: CacheHeader = checked.data;
  const { count, height, width, channels } = header;
  const pixelBytes = count * height * width * channels;
  if (header.payloadBytes !== pixelBytes + count * 4) throw fail("header payload size disagrees with its image geometry");
  const payload = buf.subarray(12 + headerLen);
  if (payload.length !== header.payloadBytes) throw fail(`payload is ${payload.length} bytes, header says ${header.payloadBytes} (truncated or padded file)`);
  if (sha256(payload) !== header.sha256) throw fail("checksum mismatch: the cached data is damaged");
  if (!Array.isArray(header.samples) || header.samples.length !== count) throw fail("sample list does not match the image count");
  const pixels = new Uint8Array(payload.subarray(0, pixelBytes));
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = payload.readInt32LE(pixelBytes + 4 * i);
    if (labels[i]! < 0 || labels[i]! >= header.classes.length) throw fail(`label ${labels[i]} of image ${i} is not one of the ${header.classes.length} classes`);
  }
  return { header, pixels, labels };
}
