import * as fs from "node:fs";
import { dirname, parse, resolve } from "node:path";
import { FileError } from "../errors.ts";
import { describeFsError } from "../io/file.ts";

/**
 * The folders and files a run writes, made and checked before any work starts, so that a config
 * pointing them at a file, a FIFO or a place nothing can be created fails at once with the config key.
 *
 * Folders are created one level at a time: `mkdirSync(p, { recursive: true })` loops forever on paths
 * where mkdir answers ENOENT under an existing parent (`/proc/self/x`).
 */

function kindOf(st: fs.Stats): string {
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  if (st.isDirectory()) return "a folder";
  return "a file";
}

function statOrNull(p: string, key: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ENOTDIR") throw new FileError(`${key}: ${p}: a part of the path is a file, not a folder (choose another ${key})`);
    throw new FileError(`${key}: ${describeFsError(p, e, "folder").message}`);
  }
}

/** Makes sure `dir` is a folder, creating it and its missing parents; errors name the config key. */
export function ensureFolder(dir: string, key: string): void {
  if (dir.includes("\0")) throw new FileError(`${key}: ${JSON.stringify(dir)}: a path cannot contain a NUL character`);
  const abs = resolve(dir);
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    const st = statOrNull(p, key);
    if (st) {
      if (!st.isDirectory()) throw new FileError(`${key}: ${p} is ${kindOf(st)}, not a folder (choose another ${key})`);
      break;
    }
    missing.unshift(p);
    const up = dirname(p);
    if (up === p || p === parse(p).root) break;
    p = up;
  }
  for (const m of missing) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" && fs.statSync(m).isDirectory()) continue;
      if (code === "ENOENT" || code === "EEXIST" || code === "ENOTDIR") {
        throw new FileError(`${key}: cannot create the folder ${m} (${code}); choose a writable folder for ${key}`);
      }
      throw new FileError(`${key}: ${describeFsError(m, e, "folder").message}`);
    }
  }
  try {
    fs.accessSync(abs, fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    throw new FileError(`${key}: ${abs}: permission denied (choose a folder you can write to)`);
  }
}

/** A file a run will (re)write: its folder must be usable and the path itself absent or a regular file. */
export function ensureOutputFile(path: string, key: string): void {
  if (path.includes("\0")) throw new FileError(`${key}: ${JSON.stringify(path)}: a path cannot contain a NUL character`);
  ensureFolder(dirname(resolve(path)), key);
  const st = statOrNull(path, key);
  if (st && !st.isFile()) throw new FileError(`${key}: ${path} is ${kindOf(st)}, not a file (choose another ${key})`);
}
