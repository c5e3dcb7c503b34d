/**
 * Reading a file that a user named: only regular files, and only up to a size limit known before reading.
 * A FIFO would block forever, `/dev/zero` never ends, a directory reads as EISDIR, and a 3 GB file is more
 * than a typed array holds; each of these becomes one FileError naming the path and what to do.
 *
 * The check is made on the opened descriptor (fstat after open), not on the path beforehand, so a file
 * swapped between the check and the read cannot slip through. Opening uses O_NONBLOCK so that opening a
 * FIFO with no writer returns at once instead of hanging inside open().
 */
import { fs, fsp } from "../platform/node.ts";
import { ArgumentError, FileError } from "../errors.ts";

/** The largest file read whole by default: far above any checkpoint or image this library makes. */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31 - 1;

export interface ReadFileOptions {
  /** Refuse files larger than this many bytes (default 2 GiB - 1, the limit of one Node Buffer read). */
  maxBytes?: number;
  /** What the file is for, used in messages: "checkpoint", "image", "config". Default "file". */
  what?: string;
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** Turns an fs error code into one line a user can act on. */
export function describeFsError(path: string, e: unknown, what = "file"): FileError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const err = describeCode(path, code, e, what);
  return code === undefined ? err : new FileError(err.message, code);
}

/** True when `e` says the file is not there (as opposed to there but unusable): "no checkpoint yet". */
export function isMissingFile(e: unknown): boolean {
  return e instanceof FileError && e.code === "ENOENT";
}

function describeCode(path: string, code: string | undefined, e: unknown, what: string): FileError {
  switch (code) {
    case "ENOENT":
      return new FileError(`${path}: no such ${what} (check the path)`);
    case "EACCES":
    case "EPERM":
      return new FileError(`${path}: permission denied (check the ${what}'s permissions)`);
    case "EISDIR":
      return new FileError(`${path}: is a directory, expected a ${what}`);
    case "ENOTDIR":
      return new FileError(`${path}: a part of the path is not a directory`);
    case "ELOOP":
      return new FileError(`${path}: too many levels of symbolic links (a link cycle?)`);
    case "ENAMETOOLONG":
      return new FileError(`${path}: path is too long`);
    case "ENOSPC":
      return new FileError(`${path}: no space left on the device (free some disk space and rerun)`);
    case "EDQUOT":
      return new FileError(`${path}: disk quota exceeded (free some space and rerun)`);
    case "EROFS":
      return new FileError(`${path}: the file system is read-only (choose a writable folder)`);
    case "EMFILE":
    case "ENFILE":
      return new FileError(`${path}: too many open files (raise the limit with ulimit -n)`);
    case "EIO":
      return new FileError(`${path}: input/output error from the device`);
    case "ENXIO":
    case "ENODEV":
      return new FileError(`${path}: is a socket or device, expected a regular ${what}`);
    default: {
      const msg = e instanceof Error ? e.message : String(e);
      return new FileError(`${path}: cannot use this ${what}: ${msg}`);
    }
  }
}

function checkStat(path: string, st: fs.Stats, maxBytes: number, what: string): void {
  if (!st.isFile()) throw new FileError(`${path}: is ${kindOf(st)}, expected a regular ${what}`, st.isDirectory() ? "EISDIR" : undefined);
  if (st.size > maxBytes) {
    throw new FileError(
      `${path}: ${what} is ${formatBytes(st.size)}, larger than the limit of ${formatBytes(maxBytes)}`,
      "EFBIG",
    );
  }
}

function checkOptions(path: string, opts: ReadFileOptions): { maxBytes: number; what: string } {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) throw new ArgumentError(`maxBytes must be a non-negative number, got ${String(maxBytes)}`);
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
    throw new FileError(`${JSON.stringify(String(path))}: not a valid path`);
  }
  return { maxBytes, what: opts.what ?? "file" };
}

/** One read call never asks for more than this: fs.read's length is a 32-bit int on some platforms. */
const READ_CHUNK = 2 ** 30;

const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Reads a whole regular file synchronously, or throws a FileError naming the path. */
export function readFileChecked(path: string, opts: ReadFileOptions = {}): Uint8Array {
  const { maxBytes, what } = checkOptions(path, opts);
  let fd: number;
  try {
    fd = fs.openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw describeFsError(path, e, what);
  }
  try {
    const st = fs.fstatSync(fd);
    checkStat(path, st, maxBytes, what);
    const out = new Uint8Array(st.size);
    let off = 0;
    while (off < out.length) {
      const n = fs.readSync(fd, out, off, Math.min(READ_CHUNK, out.length - off), off);
      if (n === 0) break;
      off += n;
    }
    // A file that shrank while being read is reported rather than padded with zeros.
    if (off !== out.length) throw new FileError(`${path}: ${what} changed size while being read`);
    return out;
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw describeFsError(path, e, what);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a whole regular file asynchronously, or rejects with a FileError naming the path. */
export async function readFileCheckedAsync(path: string, opts: ReadFileOptions = {}): Promise<Uint8Array> {
  const { maxBytes, what } = checkOptions(path, opts);
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, OPEN_FLAGS);
  } catch (e) {
    throw describeFsError(path, e, what);
  }
  try {
    const st = await fh.stat();
    checkStat(path, st, maxBytes, what);
    const out = new Uint8Array(st.size);
    let off = 0;
    while (off < out.length) {
      const { bytesRead } = await fh.read(out, off, Math.min(READ_CHUNK, out.length - off), off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    if (off !== out.length) throw new FileError(`${path}: ${what} changed size while being read`);
    return out;
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw describeFsError(path, e, what);
  } finally {
    await fh.close();
  }
}

/** Reads a regular text file (UTF-8) with the same checks. */
export function readTextFileChecked(path: string, opts: ReadFileOptions = {}): string {
  return new TextDecoder().decode(readFileChecked(path, opts));
}
