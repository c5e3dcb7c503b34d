/**
 * Where torch.save writes and torch.load reads, beyond file paths: PyTorch's `f` may be a path or a
 * file-like object, and so here. A checkpoint can be bytes (Uint8Array, ArrayBuffer), a Blob/File (a
 * file input or drag and drop), a fetch Response, or, for saving, any writable with write(bytes) (a
 * WritableStreamDefaultWriter, a FileSystemWritableFileStream, a Node stream); with no target at all
 * torch.save returns the bytes. File paths are Node-only.
 */
import { ArgumentError, FileError } from "../errors.ts";
import { isNode } from "../platform/node.ts";
import { DEFAULT_MAX_FILE_BYTES, readFileCheckedAsync } from "./file.ts";
import { writeFileAtomic } from "./atomic.ts";

/** A Blob or File (structurally: browsers' and Node's both fit). */
export interface BlobLike {
  readonly size: number;
  readonly name?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A fetch Response (structurally). */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Anything with write(bytes): the bytes are written once and the writable is left open (its owner closes it). */
export interface WritableLike {
  write(chunk: Uint8Array): unknown;
}

export type CheckpointSource = string | Uint8Array | ArrayBuffer | BlobLike | ResponseLike;
export type CheckpointTarget = string | WritableLike;

function isResponse(v: object): v is ResponseLike {
  return "ok" in v && "status" in v && "headers" in v && typeof (v as ResponseLike).arrayBuffer === "function";
}

function isBlob(v: object): v is BlobLike {
  return typeof (v as BlobLike).size === "number" && typeof (v as BlobLike).arrayBuffer === "function";
}

function nodeOnlyPath(where: string, verb: "save to" | "load from"): ArgumentError {
  const alt = verb === "save to"
    ? "call it without a path for the bytes (a Uint8Array), or pass a writable"
    : "pass the bytes (Uint8Array/ArrayBuffer), a Blob/File or a fetch Response";
  return new ArgumentError(`${where}: ${verb} a file path is Node-only; in the browser ${alt}`);
}

function checkSize(name: string, size: number, maxBytes: number): void {
  if (size > maxBytes) throw new FileError(`${name}: ${size} bytes, over the limit of ${maxBytes} (raise maxBytes if it is genuine)`);
}

/** The bytes of a checkpoint source and a name for messages (the path, file name or URL). */
export async function readCheckpoint(src: unknown, where: string, maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof src === "string") {
    if (!isNode) throw nodeOnlyPath(where, "load from");
    return { bytes: await readFileCheckedAsync(src, { maxBytes, what: "safetensors file" }), name: src };
  }
  if (src instanceof Uint8Array) {
    checkSize("<bytes>", src.byteLength, maxBytes);
    return { bytes: src, name: "<bytes>" };
  }
  if (src instanceof ArrayBuffer) {
    checkSize("<bytes>", src.byteLength, maxBytes);
    return { bytes: new Uint8Array(src), name: "<bytes>" };
  }
  if (src !== null && typeof src === "object") {
    if (isResponse(src)) {
      const name = src.url || "<response>";
      if (!src.ok) throw new FileError(`${name}: HTTP ${src.status}, not a checkpoint`);
      const declared = Number(src.headers.get("content-length"));
      if (Number.isFinite(declared) && declared > 0) checkSize(name, declared, maxBytes);
      const bytes = new Uint8Array(await src.arrayBuffer());
      checkSize(name, bytes.byteLength, maxBytes);
      return { bytes, name };
    }
    if (isBlob(src)) {
      const name = src.name || "<blob>";
      checkSize(name, src.size, maxBytes);
      return { bytes: new Uint8Array(await src.arrayBuffer()), name };
    }
  }
  throw new ArgumentError(`${where}: expected a path, bytes (Uint8Array/ArrayBuffer), a Blob/File or a Response, got ${src === null ? "null" : typeof src}`);
}

/** Writes a checkpoint's bytes to a path (atomically) or a writable; checks the target before encoding. */
export function checkTarget(target: unknown, where: string): asserts target is CheckpointTarget {
  if (typeof target === "string") {
    if (!isNode) throw nodeOnlyPath(where, "save to");
    return;
  }
  if (target !== null && typeof target === "object" && typeof (target as WritableLike).write === "function") return;
  throw new ArgumentError(`${where}: expected a path or a writable with write(bytes) (or nothing, for the bytes), got ${target === null ? "null" : typeof target}`);
}

export async function writeCheckpoint(target: CheckpointTarget, bytes: Uint8Array): Promise<void> {
  if (typeof target === "string") await writeFileAtomic(target, bytes);
  else await target.write(bytes);
}
