/**
 * Folders dragged onto a page, as files with their paths: the drop event's DataTransfer holds
 * directory entries (webkitGetAsEntry, in every current browser), walked here into { path, file }
 * pairs that ImageFolder.fromFiles reads like a folder pick.
 */
import { ArgumentError, FileError } from "../errors.ts";
import type { FileLike, PathedFile } from "./image_folder_browser.ts";

/** The File and Directory Entries API, structurally. */
interface Entry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
  readonly fullPath: string;
  file?(ok: (f: FileLike) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: Entry[]) => void, fail: (e: unknown) => void): void };
}

export interface DataTransferLike {
  readonly items: ArrayLike<{ kind: string; webkitGetAsEntry(): Entry | null }>;
}

function failure(path: string, e: unknown): FileError {
  return new FileError(`${path}: cannot be read from the drop (${e instanceof Error ? e.message : String(e)})`);
}

async function walk(entry: Entry, out: PathedFile[]): Promise<void> {
  const path = entry.fullPath.replace(/^\/+/, "") || entry.name;
  if (entry.isFile && entry.file) {
    const file = await new Promise<FileLike>((ok, fail) => entry.file!(ok, (e) => fail(failure(path, e))));
    out.push({ path, file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries hands out a folder in batches (100 in Chromium) until it returns an empty one.
    for (;;) {
      const batch = await new Promise<Entry[]>((ok, fail) => reader.readEntries(ok, (e) => fail(failure(path, e))));
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, out);
    }
  }
}

/**
 * Every file under the folders (and files) of a drop, with its path below the drop ("cat/001.png").
 * Call it inside the drop handler, before any await: the browser empties the DataTransfer afterwards.
 */
export async function filesFromDataTransfer(dataTransfer: DataTransferLike): Promise<PathedFile[]> {
  if (dataTransfer === null || typeof dataTransfer !== "object" || !dataTransfer.items) {
    throw new ArgumentError("datasets.filesFromDataTransfer(): expected a drop event's dataTransfer");
  }
  // Taken synchronously, while the event is being dispatched.
  const entries = Array.from(dataTransfer.items).filter((it) => it.kind === "file").map((it) => it.webkitGetAsEntry());
  const out: PathedFile[] = [];
  for (const e of entries) if (e) await walk(e, out);
  return out;
}
