/**
 * Listing an image folder (root/<class>/[sub-folders/]<image>) without trusting its links.
 *
 * A symbolic link to a file is followed (it is read like the file); a symbolic link to a directory never
 * is, as with os.walk's default: `a -> .` and `b -> .` in one folder would make the walk exponential, and
 * `up -> ..` would relabel another class's images as this one's. Directories are also remembered by
 * device and inode, so a bind-mount loop is walked once. FIFOs, devices, sockets, broken links and link
 * loops are never opened. Whatever is left out is reported in `skipped`, so that nothing vanishes silently.
 */
import type { Dirent, Stats } from "node:fs";
import { fs, path } from "../platform/node.ts";
import { ArgumentError } from "../errors.ts";
import { describeFsError } from "../io/file.ts";
const { lstatSync, readdirSync, statSync } = fs;
const { join } = path;

/** An entry of the folder that was left out of the listing, and why. */
export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface ImageFolderListing {
  classes: string[];
  /** [absolute path, class index], in torchvision's order. */
  samples: [string, number][];
  skipped: SkippedEntry[];
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

type EntryKind = "dir" | "file" | "skip";

/**
 * What an entry is, looking through a link only to a file. `skipped` receives a reason when the entry is
 * left out and `report` says it is worth mentioning (an image name, or any link to a directory).
 */
function classify(path: string, ent: Dirent, report: boolean, skipped: SkippedEntry[]): EntryKind {
  const skip = (reason: string, always = false): EntryKind => {
    if (report || always) skipped.push({ path, reason });
    return "skip";
  };
  let direct: { dir: boolean; file: boolean; link: boolean };
  if (ent.isDirectory() || ent.isFile() || ent.isSymbolicLink()) {
    direct = { dir: ent.isDirectory(), file: ent.isFile(), link: ent.isSymbolicLink() };
  } else {
    // Some file systems do not report the type in the listing (DT_UNKNOWN): ask once.
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch (e) {
      return skip(describeFsError(path, e).message);
    }
    if (!st.isDirectory() && !st.isFile() && !st.isSymbolicLink()) return skip(`is ${kindOf(st)}, not a regular file`);
    direct = { dir: st.isDirectory(), file: st.isFile(), link: st.isSymbolicLink() };
  }
  if (direct.dir) return "dir";
  if (direct.file) return "file";
  if (!direct.link) return skip("not a regular file");
  let target: Stats;
  try {
    target = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return skip("symbolic link loop");
    if (code === "ENOENT") return skip("broken symbolic link");
    return skip(describeFsError(path, e).message);
  }
  if (target.isDirectory()) return skip("symbolic link to a directory (not followed: link the files, or move the folder in)", true);
  if (target.isFile()) return "file";
  return skip(`symbolic link to ${kindOf(target)}, not a regular file`);
}

function readDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw describeFsError(dir, e, "image folder");
  }
}

/** Class folders: the directories directly in root (links to directories are skipped), sorted. */
export function findClassFolders(root: string, skipped: SkippedEntry[] = []): string[] {
  const classes: string[] = [];
  for (const ent of readDir(root)) {
    if (classify(join(root, ent.name), ent, false, skipped) === "dir") classes.push(ent.name);
  }
  classes.sort();
  if (classes.length === 0) {
    const links = skipped.length > 0 ? ` (skipped: ${skipped.map((s) => `${s.path}: ${s.reason}`).join("; ")})` : "";
    throw new ArgumentError(`Couldn't find any class folder in ${root}.${links}`);
  }
  return classes;
}

/** Image files under dir, ordered as torchvision's sorted(os.walk(dir)) then sorted(files). */
function walk(dir: string, isImage: (name: string) => boolean, skipped: SkippedEntry[], seen: Set<string>): string[] {
  const groups: [string, string[]][] = [];
  // An explicit stack: a deep real tree must not overflow the call stack either.
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let id: string;
    try {
      const st = lstatSync(d);
      id = `${st.dev}:${st.ino}`;
    } catch (e) {
      skipped.push({ path: d, reason: describeFsError(d, e, "folder").message });
      continue;
    }
    if (seen.has(id)) {
      skipped.push({ path: d, reason: "folder already listed (a bind-mount loop?)" });
      continue;
    }
    seen.add(id);
    const files: string[] = [];
    for (const ent of readDir(d)) {
      const p = join(d, ent.name);
      const kind = classify(p, ent, isImage(ent.name), skipped);
      if (kind === "dir") stack.push(p);
      else if (kind === "file" && isImage(ent.name)) files.push(ent.name);
    }
    groups.push([d, files.sort()]);
  }
  groups.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return groups.flatMap(([d, files]) => files.map((f) => join(d, f)));
}

/** Classes, samples and what was skipped; throws an ArgumentError when a class has no image. */
export function listFolder(root: string, extensions: readonly string[]): ImageFolderListing {
  const skipped: SkippedEntry[] = [];
  const classes = findClassFolders(root, skipped);
  const exts = extensions.map((e) => e.toLowerCase());
  const isImage = (name: string) => {
    const lower = name.toLowerCase();
    return exts.some((e) => lower.endsWith(e));
  };
  const samples: [string, number][] = [];
  const empty: string[] = [];
  classes.forEach((cls, idx) => {
    // Per class: a folder mounted into two classes stays in both, as the user laid it out.
    const files = walk(join(root, cls), isImage, skipped, new Set());
    if (files.length === 0) empty.push(cls);
    for (const f of files) samples.push([f, idx]);
  });
  if (empty.length > 0) {
    throw new ArgumentError(`Found no valid file for the classes ${empty.join(", ")}. Supported extensions are: ${extensions.join(", ")}`);
  }
  return { classes, samples, skipped };
}

/** One line for a warning: how many entries were skipped, and the first few. */
export function describeSkipped(where: string, skipped: readonly SkippedEntry[]): string {
  const shown = skipped.slice(0, 3).map((s) => `${s.path} (${s.reason})`).join("; ");
  const more = skipped.length > 3 ? `; and ${skipped.length - 3} more` : "";
  return `${where}: skipped ${skipped.length} entr${skipped.length === 1 ? "y" : "ies"}: ${shown}${more}`;
}
