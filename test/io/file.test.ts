/**
 * readFileChecked / readFileCheckedAsync: only regular files are read, sizes are checked before reading,
 * and every refusal is one FileError naming the path, within a second and without reading the file.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FileError } from "../../src/errors.ts";
import { removeStaleTemps, writeFileAtomic } from "../../src/io/atomic.ts";
import { isMissingFile, readFileChecked, readFileCheckedAsync, readTextFileChecked } from "../../src/io/file.ts";

const posix = process.platform !== "win32";
let dir: string;
let fifo: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "kindling-file-"));
  writeFileSync(join(dir, "ok.bin"), Uint8Array.from([1, 2, 3, 4, 5]));
  mkdirSync(join(dir, "sub"));
  fifo = join(dir, "pipe");
  if (posix) {
    execFileSync("mkfifo", [fifo]);
    symlinkSync("loop-b", join(dir, "loop-a"));
    symlinkSync("loop-a", join(dir, "loop-b"));
    symlinkSync("ok.bin", join(dir, "link.bin"));
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs fn, checks it throws a FileError naming path and matching `fragment`, fast; returns the error. */
async function refused(fn: () => unknown, path: string, fragment: RegExp): Promise<FileError> {
  const t0 = performance.now();
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - t0;
  assert.ok(err instanceof FileError, `expected a FileError, got ${String(err)}`);
  assert.ok(err.message.includes(path), `"${err.message}" does not name ${path}`);
  assert.match(err.message, fragment);
  assert.ok(!err.message.includes("\n"), "one line");
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  return err;
}

describe("readFileChecked", () => {
  it("reads a regular file, and a symlink to one, whole", async () => {
    assert.deepEqual([...readFileChecked(join(dir, "ok.bin"))], [1, 2, 3, 4, 5]);
    assert.deepEqual([...(await readFileCheckedAsync(join(dir, "ok.bin")))], [1, 2, 3, 4, 5]);
    if (posix) assert.deepEqual([...readFileChecked(join(dir, "link.bin"))], [1, 2, 3, 4, 5]);
    writeFileSync(join(dir, "t.txt"), "h\u00e9llo");
    assert.equal(readTextFileChecked(join(dir, "t.txt")), "h\u00e9llo");
  });

  it("says a missing file is missing, with code ENOENT (\"no checkpoint yet\" stays distinguishable)", async () => {
    const missing = join(dir, "nope.safetensors");
    const e = await refused(() => readFileChecked(missing, { what: "checkpoint" }), missing, /no such checkpoint/);
    assert.equal(e.code, "ENOENT");
    assert.ok(isMissingFile(e));
    const a = await refused(() => readFileCheckedAsync(missing), missing, /no such file/);
    assert.equal(a.code, "ENOENT");
    assert.ok(!isMissingFile(new FileError("x")));
    assert.ok(!isMissingFile(Object.assign(new Error("x"), { code: "ENOENT" })));
  });

  it("refuses a directory, sync and async", async () => {
    const sub = join(dir, "sub");
    assert.equal((await refused(() => readFileChecked(sub), sub, /is a directory/)).code, "EISDIR");
    assert.equal((await refused(() => readFileCheckedAsync(sub), sub, /is a directory/)).code, "EISDIR");
    assert.ok(!isMissingFile(await refused(() => readFileChecked(sub), sub, /directory/)));
  });

  it("refuses a FIFO with no writer at once instead of blocking", { skip: !posix }, async () => {
    await refused(() => readFileChecked(fifo), fifo, /FIFO/);
    await refused(() => readFileCheckedAsync(fifo, { what: "image" }), fifo, /FIFO.*expected a regular image/);
  });

  it("refuses /dev/zero without reading it", { skip: !existsSync("/dev/zero") }, async () => {
    const rss0 = process.memoryUsage().rss;
    await refused(() => readFileChecked("/dev/zero"), "/dev/zero", /character device/);
    await refused(() => readFileCheckedAsync("/dev/zero"), "/dev/zero", /character device/);
    assert.ok(process.memoryUsage().rss - rss0 < 100 * 2 ** 20);
  });

  it("refuses a symlink loop", { skip: !posix }, async () => {
    const a = join(dir, "loop-a");
    await refused(() => readFileChecked(a), a, /symbolic links/);
    await refused(() => readFileCheckedAsync(a), a, /symbolic links/);
  });

  it("refuses a file over maxBytes before reading it, and accepts one at the limit", async () => {
    const p = join(dir, "ok.bin");
    const e = await refused(() => readFileChecked(p, { maxBytes: 4, what: "checkpoint" }), p, /checkpoint is 5 bytes, larger than the limit of 4 bytes/);
    assert.equal(e.code, "EFBIG");
    await refused(() => readFileCheckedAsync(p, { maxBytes: 4 }), p, /larger than the limit/);
    assert.equal(readFileChecked(p, { maxBytes: 5 }).length, 5);
  });

  it("refuses paths that cannot name a file", async () => {
    await refused(() => readFileChecked(""), '""', /not a valid path/);
    await refused(() => readFileChecked("a\0b"), "a\\u0000b", /not a valid path/);
    await refused(() => readFileChecked(join(dir, "ok.bin", "x")), join(dir, "ok.bin", "x"), /not a directory/);
  });
});

describe("removeStaleTemps", () => {
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
  };

  it("removes temps of dead processes and of an earlier process with our pid, keeps live writers' and other files", async () => {
    const d = join(dir, "record");
    mkdirSync(d);
    let dead = 4_000_000;
    while (alive(dead)) dead--;
    const names = {
      dead: `last.safetensors.tmp-${dead}-0123456789ab`,
      // In a container every run is pid 1: a temp with our pid that we are not writing is stale.
      ours: `best.safetensors.tmp-${process.pid}-aaaaaaaaaaaa`,
      live: `log.jsonl.tmp-${process.ppid}-bbbbbbbbbbbb`,
      other: "notes.tmp-12-xyz",
      plain: "last.safetensors",
    };
    for (const n of Object.values(names)) writeFileSync(join(d, n), "x");
    mkdirSync(join(d, `dir.tmp-${dead}-cccccccccccc`));
    assert.deepEqual(removeStaleTemps(d).sort(), [names.ours, names.dead].sort());
    assert.deepEqual(readdirSync(d).sort(), [`dir.tmp-${dead}-cccccccccccc`, names.live, names.other, names.plain].sort());
    // Our own writes still complete, and leave nothing behind.
    await Promise.all([writeFileAtomic(join(d, "a.bin"), "1"), writeFileAtomic(join(d, "b.bin"), "2")]);
    assert.deepEqual(removeStaleTemps(d), []);
    assert.deepEqual(removeStaleTemps(join(dir, "no-such-folder")), []);
  });
});
