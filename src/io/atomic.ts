/**
 * Atomic file replacement: readers see either the old file or the complete new one, never a torn
 * write, even if the process dies mid-save (a checkpoint that is half-written is worse than none).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { dirname, resolve } from "node:path";

function tempPathFor(path: string): string {
  // Same directory as the target: rename() is only atomic within one filesystem.
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable. Some platforms (Windows) and filesystems refuse to open or
  // sync a directory; the file data is already synced, so that is not worth failing the save over.
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, "r");
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close().catch(() => {});
  }
}

function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // best effort, as in fsyncDir
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing useful to do
      }
    }
  }
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(resolve(path));
  await fsp.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path);
  let fh: fsp.FileHandle | undefined;
  try {
    // "wx": never clobber a file that happens to share the random name.
    fh = await fsp.open(tmp, "wx");
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => {});
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  await fsyncDir(dir);
}

export function writeFileAtomicSync(path: string, data: Uint8Array | string): void {
  const dir = dirname(resolve(path));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx");
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // the original error matters more
      }
    }
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the original error matters more
    }
    throw e;
  }
  fsyncDirSync(dir);
}
