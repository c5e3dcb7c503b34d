/**
 * IDX data from bytes, a Blob/File, a fetch Response or a URL, gunzipped through the platform's
 * DecompressionStream: the browser's way to MNIST (no file paths, no synchronous zlib there). The
 * result is readIdx's, with the same checks and messages naming the source.
 */
import { ArgumentError, FileError, FormatError } from "../errors.ts";
import { type BlobLike, type ResponseLike, readCheckpoint } from "./checkpoint_bytes.ts";
import { type IdxArray, readIdx } from "./idx.ts";

/** An inflated IDX beyond this is no MNIST-like dataset: the cap keeps a gzip bomb from eating memory. */
const MAX_INFLATED_BYTES = 2 ** 31 - 1;

export type IdxSource = Uint8Array | ArrayBuffer | BlobLike | ResponseLike;

interface Streams {
  DecompressionStream?: new (format: "gzip") => { readable: unknown; writable: unknown };
  Blob: new (parts: Uint8Array[]) => { stream(): { pipeThrough(t: unknown): { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } } } };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips with DecompressionStream, refusing output past MAX_INFLATED_BYTES; a FormatError naming `source` on bad data. */
export async function gunzipStream(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  const g = globalThis as unknown as Streams;
  if (!g.DecompressionStream) throw new ArgumentError(`${source}: gzip data needs DecompressionStream, which this runtime lacks (pass the data uncompressed)`);
  const reader = new g.Blob([bytes]).stream().pipeThrough(new g.DecompressionStream("gzip")).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value!.byteLength;
      if (total > MAX_INFLATED_BYTES) {
        await reader.cancel();
        throw new FormatError(`${source}: gzip data inflates past ${MAX_INFLATED_BYTES} bytes`);
      }
      parts.push(value!);
    }
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`${source}: corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Reads IDX data (plain or gzipped) from bytes, a Blob/File or a Response; `name` is used in messages. */
export async function readIdxFrom(src: IdxSource, name?: string): Promise<IdxArray> {
  const { bytes, name: found } = await readCheckpoint(src, "readIdx()");
  const source = name ?? found;
  return readIdx(isGzip(bytes) ? await gunzipStream(bytes, source) : bytes, source);
}

/** Fetches IDX data from a URL (relative URLs against the page), trying `url` as given. */
export async function fetchIdx(url: string): Promise<IdxArray> {
  const fetchFn = (globalThis as { fetch?: (u: string) => Promise<ResponseLike> }).fetch;
  if (!fetchFn) throw new ArgumentError("fetching a URL needs fetch(), which this runtime lacks");
  let res: ResponseLike;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new FileError(`${url}: could not be fetched (${e instanceof Error ? e.message : String(e)})`);
  }
  return readIdxFrom(res, url);
}
