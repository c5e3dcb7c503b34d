/**
 * torch.load / loadTrainingState on hostile paths and hostile states: a FileError or FormatError naming
 * the file, fast and without reading what is not a regular file; never a hang, a stack overflow or a
 * TypeError.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import * as torch from "../../src/index.ts";
import { ArgumentError, FileError, FormatError } from "../../src/errors.ts";
import {
  MAX_STATE_DEPTH, type TrainingState, load, tensorSchema, loadTrainingState, loadWithMetadata, save, saveTrainingState,
} from "../../src/io/checkpoint.ts";
import { isMissingFile } from "../../src/io/file.ts";

const posix = process.platform !== "win32";
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "kindling-ckpt-files-"));
  mkdirSync(join(dir, "folder.safetensors"));
  if (posix) {
    execFileSync("mkfifo", [join(dir, "fifo.safetensors")]);
    symlinkSync("b.safetensors", join(dir, "a.safetensors"));
    symlinkSync("a.safetensors", join(dir, "b.safetensors"));
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function rejectsWith(p: Promise<unknown>, cls: typeof FileError | typeof FormatError | typeof ArgumentError, path: string, fragment: RegExp): Promise<Error> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof cls, `expected ${cls.name}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  assert.ok(err.message.includes(path), `"${err.message}" does not name ${path}`);
  assert.match(err.message, fragment);
  return err;
}

describe("torch.load on paths that are not checkpoint files", () => {
  const cases: [string, () => string, RegExp, boolean][] = [
    ["a directory", () => join(dir, "folder.safetensors"), /is a directory/, true],
    ["a FIFO", () => join(dir, "fifo.safetensors"), /FIFO/, posix],
    ["/dev/zero", () => "/dev/zero", /character device/, existsSync("/dev/zero")],
    ["a symlink loop", () => join(dir, "a.safetensors"), /symbolic links/, posix],
  ];
  for (const [what, path, fragment, runs] of cases) {
    it(`refuses ${what} with a FileError within 1 s and 100 MB`, { skip: !runs, timeout: 5000 }, async () => {
      const rss0 = process.memoryUsage().rss;
      const t0 = performance.now();
      for (const fn of [load, loadWithMetadata, loadTrainingState, torch.load]) {
        await rejectsWith(fn(path()), FileError, path(), fragment);
      }
      assert.ok(performance.now() - t0 < 1000, "within 1 s");
      assert.ok(process.memoryUsage().rss - rss0 < 100 * 2 ** 20, "within 100 MB");
    });
  }

  it("keeps a missing file distinguishable: FileError with code ENOENT", async () => {
    const missing = join(dir, "none-yet.safetensors");
    const e = await rejectsWith(loadTrainingState(missing), FileError, missing, /no such safetensors file/);
    assert.equal((e as FileError).code, "ENOENT");
    assert.ok(isMissingFile(e));
    assert.ok(!isMissingFile(await rejectsWith(load(join(dir, "folder.safetensors")), FileError, "folder", /directory/)));
  });

  it("refuses a file over maxBytes before reading it", async () => {
    const p = join(dir, "big.safetensors");
    await save({ w: torch.zeros([64]) }, p);
    await rejectsWith(load(p, { maxBytes: 100 }), FileError, p, /larger than the limit of 100 bytes/);
    await rejectsWith(loadTrainingState(p, { maxBytes: 100 }), FileError, p, /larger than the limit/);
    assert.equal((await load(p, { maxBytes: 10_000 })).w!.numel(), 64);
  });
});

describe("loadTrainingState validates the stored state", () => {
  /** A checkpoint whose state JSON is `text`, with the given tensors. */
  async function withState(name: string, text: string, tensors: Record<string, torch.Tensor> = {}): Promise<string> {
    const p = join(dir, name);
    await save(tensors, p, { metadata: { "kindling.state": text } });
    return p;
  }

  it("refuses a 20,000-deep state with a FormatError instead of overflowing the stack", async () => {
    const p = await withState("deep.safetensors", `{"a":${"[".repeat(20_000)}${"]".repeat(20_000)}}`);
    await rejectsWith(loadTrainingState(p), FormatError, p, new RegExp(`nested deeper than ${MAX_STATE_DEPTH} levels`));
    const q = await withState("deep2.safetensors", `{"a":${'{"b":'.repeat(20_000)}1${"}".repeat(20_000)}}`);
    await rejectsWith(loadTrainingState(q), FormatError, q, /nested deeper/);
  });

  it("accepts nesting up to the limit and refuses to save deeper (or cyclic) states", async () => {
    let v: unknown = 1;
    for (let i = 0; i < MAX_STATE_DEPTH - 1; i++) v = [v];
    const p = join(dir, "limit.safetensors");
    await saveTrainingState(p, { v: v as never });
    let back = (await loadTrainingState(p)).v;
    for (let i = 0; i < MAX_STATE_DEPTH - 1; i++) back = (back as unknown[])[0] as never;
    assert.equal(back, 1);
    await rejectsWith(saveTrainingState(p, { v: [v] as never }), ArgumentError, "v.0", /nested deeper than 100/);
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = { d: deep };
    await rejectsWith(saveTrainingState(p, { deep: deep as never }), ArgumentError, "deep.d.d", /nested deeper/);
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    await rejectsWith(saveTrainingState(p, { c: cyclic as never }), ArgumentError, "c.self", /a cycle\?/);
  });

  it("refuses tags of the wrong type or shape, naming the field", async () => {
    const w = { w: torch.ones([2]) };
    const cases: [string, Record<string, torch.Tensor>, RegExp][] = [
      ['{"m":{"$map":[["a",1]],"x":2}}', {}, /"m": an object mixes the tag \$map with other keys/],
      ['{"a":{"$tensor":"w"},"b":{"$tensor":"w"}}', w, /"b": references the tensor "w" a second time/],
      ['{"a":{"$tensor":5}}', {}, /"a": \$tensor holds a number, expected a tensor name/],
      ['{"n":{"$number":7}}', {}, /"n": bad \$number a number/],
      ['{"o":{"$object":"x"}}', {}, /"o": \$object holds a string/],
      ['{"o":{"$map":[["k",1],["k",2]]}}', {}, /repeats the key "k"/],
      ['{"o":{"$map":[[1,2]]}}', {}, /not a \[string, value\] pair/],
      ['{"q":{"$what":1}}', {}, /"q": unknown tag "\$what"/],
      ['{"a":1,"a":2}', {}, /repeats the key "a"/],
      ["[1,2]", {}, /not an object/],
      ['{"$number":"NaN"}', {}, /not an object/],
    ];
    for (const [i, [text, tensors, fragment]] of cases.entries()) {
      const p = await withState(`tag${i}.safetensors`, text, tensors);
      await rejectsWith(loadTrainingState(p), FormatError, p, fragment);
    }
  });

  it("checks the fields a caller needs with a zod schema: a missing or wrong-typed field is a FormatError naming it", async () => {
    const schema = z.object({
      model: z.record(z.string(), tensorSchema),
      rng: z.object({ default: z.array(z.number().int()) }),
      epoch: z.number().int().nonnegative().max(1_000_000),
    });
    const p = join(dir, "resume.safetensors");
    const good: TrainingState = { model: { w: torch.ones([3]) }, rng: { default: [1, 2, 3] }, epoch: 4, extra: "kept?" };
    await saveTrainingState(p, good);
    const back = await loadTrainingState(p, { schema });
    assert.equal(back.epoch, 4);
    assert.deepEqual(back.model.w!.tolist(), [1, 1, 1]);
    const bad: [TrainingState, RegExp][] = [
      [{ model: { w: torch.ones([3]) }, epoch: 4 }, /field "rng": .*expected object/],
      [{ model: { w: torch.ones([3]) }, rng: { default: [1] }, epoch: "x" }, /field "epoch": .*expected number/],
      [{ model: { w: torch.ones([3]) }, rng: { default: [1] }, epoch: 1e9 }, /field "epoch": .*<=1000000/],
      [{ model: { w: 3 }, rng: { default: [1] }, epoch: 1 }, /field "model.w": expected a Tensor/],
      [{ model: {}, rng: { default: [1.5] }, epoch: 1 }, /field "rng.default.0": .*int/],
    ];
    for (const [state, fragment] of bad) {
      await saveTrainingState(p, state);
      await rejectsWith(loadTrainingState(p, { schema }), FormatError, p, fragment);
    }
  });

  it("bounds the stored state's JSON size", async () => {
    const p = join(dir, "wide.safetensors");
    await saveTrainingState(p, { list: Array.from({ length: 1000 }, (_, i) => i) });
    await rejectsWith(loadTrainingState(p, { maxJsonBytes: 1000 }), FormatError, p, /over the limit of 1000/);
    assert.equal(((await loadTrainingState(p)).list as number[]).length, 1000);
  });
});
