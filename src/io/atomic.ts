/**
 * Atomic file replacement: readers see either the old file or the complete new one, never a torn
 * write, even if the process dies mid-save (a checkpoint that is half-written is worse than none).
 */
import { fs, fsp, path, randomBytes } from "../platform/node.ts";
const { basename, dirname, resolve } = path;

/**
 * Names of the temp files this process is writing now (the random part makes a name unique). A temp named with our own pid but not listed
 * here was left by an earlier process that had the same pid, as every run has in a container (pid 1).
 */
const inFlight = new Set<string>();

function tempPathFor(path: string): string {
  // Same directory as the target: rename() is only atomic within one filesystem.
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  inFlight.add(basename(tmp));
  return tmp;
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
  } finally {
    inFlight.delete(basename(tmp));
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
  } finally {
    inFlight.delete(basename(tmp));
  }
  fsyncDirSync(dir);
}

const TEMP_NAME = /\.tmp-(\d+)-[0-9a-f]{12}$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temp files that killed atomic writes left in `dir` (not recursive): files named like
 * `tempPathFor`'s output whose writing process is gone, or that carry this process's pid without being
 * one of its writes in flight. Returns the names removed. A file of another live process is left alone,
 * since its write may still be in flight.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m === null) continue;
    const p = resolve(dir, name);
    const pid = Number(m[1]);
    if (pid === process.pid ? inFlight.has(name) : processAlive(pid)) continue;
    try {
      if (!fs.lstatSync(p).isFile()) continue;
      fs.rmSync(p, { force: true });
      removed.push(name);
    } catch {
      // a file that vanished or cannot be removed is not worth failing a run over
    }
  }
  return removed;
}
