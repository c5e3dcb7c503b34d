import assert from "node:assert/strict";
import * as fs from "node:fs";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ArgumentError, DTypeError, FormatError } from "../../src/errors.ts";
import {
  type RawTensor,
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensorsFile,
  saveSafetensorsFile,
} from "../../src/io/safetensors.ts";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/io/atomic.ts";
import type { DType } from "../../src/tensor/dtype.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/safetensors/", import.meta.url));
const FILE_DTYPE: Record<string, DType> = { F32: "float32", F64: "float64", I32: "int32", I64: "int64", BOOL: "bool" };

function sample(): Record<string, RawTensor> {
  return {
    "embed.weight": { dtype: "float32", shape: [3, 2], data: new Float32Array([0.5, -1.25, Math.fround(3 + 1e-7), Math.fround(1e-8), -7, 0]) },
    // An integer-like name: JS objects would move it to the front; the file must keep key order.
    "1": { dtype: "int32", shape: [2], data: new Int32Array([-5, 2147483647]) },
    step: { dtype: "int64", shape: [], data: new Float64Array([2 ** 53 - 1]) },
    history: { dtype: "float64", shape: [4], data: new Float64Array([Math.PI, -1e-300, 2 ** -1074, 1e308]) },
    flags: { dtype: "bool", shape: [3], data: new Uint8Array([1, 0, 1]) },
    ids: { dtype: "int64", shape: [2, 2], data: new Float64Array([-(2 ** 53 - 1), -1, 0, 123456789012]) },
    nothing: { dtype: "float64", shape: [0], data: new Float64Array(0) },
    "empty.matrix": { dtype: "int32", shape: [4, 0, 2], data: new Int32Array(0) },
  };
}
const SAMPLE_META = { format: "pt", framework: "kindling" };

/** A file from a header value (or raw header text) and data bytes, with a correct length field. */
function build(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(typeof header === "string" ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function assertFormatError(bytes: Uint8Array, fragment: string | RegExp): void {
  assert.throws(
    () => decodeSafetensors(bytes, "bad/file.safetensors"),
    (e: unknown) => {
      assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
      assert.match(e.message, /bad\/file\.safetensors/);
      if (typeof fragment === "string") assert.ok(e.message.includes(fragment), `"${e.message}" lacks "${fragment}"`);
      else assert.match(e.message, fragment);
      return true;
    },
  );
}

function assertSameTensors(actual: Map<string, RawTensor>, expected: Record<string, RawTensor>): void {
  assert.deepEqual([...actual.keys()], Object.keys(expected));
  for (const [name, t] of Object.entries(expected)) {
    const got = actual.get(name)!;
    assert.equal(got.dtype, t.dtype, name);
    assert.deepEqual(got.shape, t.shape, name);
    assert.equal(got.data.constructor, t.data.constructor, name);
    assert.deepEqual(Array.from(got.data), Array.from(t.data), name);
  }
}

interface ExpectedJson {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
}

function toExpectedJson(tensors: Record<string, RawTensor>, metadata: Record<string, string>): ExpectedJson {
  const byDType = Object.fromEntries(Object.entries(FILE_DTYPE).map(([k, v]) => [v, k]));
  const out: ExpectedJson = { metadata, tensors: {} };
  for (const [name, t] of Object.entries(tensors)) out.tensors[name] = { dtype: byDType[t.dtype]!, shape: t.shape, values: Array.from(t.data) };
  return out;
}

describe("safetensors encode/decode", () => {
  it("round-trips every dtype, 0-d and empty tensors, metadata and key order", () => {
    const bytes = encodeSafetensors(sample(), SAMPLE_META);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal((8 + n) % 8, 0, "data section must start 8-byte aligned");
    const { tensors, metadata } = decodeSafetensors(bytes);
    assertSameTensors(tensors, sample());
    assert.deepEqual(metadata, SAMPLE_META);
    // Map input, no metadata
    const again = decodeSafetensors(encodeSafetensors(tensors));
    assertSameTensors(again.tensors, sample());
    assert.deepEqual(again.metadata, {});
    assert.equal(decodeSafetensors(encodeSafetensors({})).tensors.size, 0);
  });

  it("writes int64 as real little-endian int64", () => {
    const bytes = encodeSafetensors({ x: { dtype: "int64", shape: [2], data: new Float64Array([-2, 2 ** 40 + 3]) } });
    const view = new DataView(bytes.buffer, bytes.length - 16);
    assert.equal(view.getBigInt64(0, true), -2n);
    assert.equal(view.getBigInt64(8, true), 2n ** 40n + 3n);
  });

  it("decodes from an unaligned position in a larger buffer", () => {
    const bytes = encodeSafetensors(sample());
    const host = new Uint8Array(bytes.length + 3);
    host.set(bytes, 1);
    assertSameTensors(decodeSafetensors(host.subarray(1, 1 + bytes.length)).tensors, sample());
  });

  it("rejects invalid tensors when encoding", () => {
    const enc = (t: RawTensor) => () => encodeSafetensors({ t });
    assert.throws(enc({ dtype: "int64", shape: [1], data: new Float64Array([1.5]) }), ArgumentError);
    assert.throws(enc({ dtype: "int64", shape: [1], data: new Float64Array([2 ** 53]) }), ArgumentError);
    assert.throws(enc({ dtype: "int64", shape: [1], data: new Float64Array([NaN]) }), ArgumentError);
    assert.throws(enc({ dtype: "bool", shape: [1], data: new Uint8Array([2]) }), ArgumentError);
    assert.throws(enc({ dtype: "float32", shape: [2, 2], data: new Float32Array(3) }), ArgumentError);
    assert.throws(enc({ dtype: "float32", shape: [-1], data: new Float32Array(0) }), ArgumentError);
    assert.throws(enc({ dtype: "float32", shape: [2], data: new Float64Array(2) }), DTypeError);
    assert.throws(enc({ dtype: "float16" as DType, shape: [2], data: new Float64Array(2) }), DTypeError);
    assert.throws(() => encodeSafetensors({ __metadata__: sample().step! }), ArgumentError);
    assert.throws(() => encodeSafetensors({}, { a: 1 as unknown as string }), ArgumentError);
  });

  it("rejects malformed files with a FormatError naming the file and the fault", () => {
    const f32 = (offs: number[], shape = [2]) => ({ dtype: "F32", shape, data_offsets: offs });
    const d8 = new Uint8Array(8);
    assertFormatError(new Uint8Array(5), "shorter than");
    const huge = build({});
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    assertFormatError(huge, "limit");
    const past = build({});
    new DataView(past.buffer).setBigUint64(0, 1000n, true);
    assertFormatError(past, "past the end");
    assertFormatError(build("{\xff}"), "JSON");
    const badUtf8 = build("{}  ");
    badUtf8[9] = 0xc3;
    assertFormatError(badUtf8, "UTF-8");
    assertFormatError(build("{"), "not valid JSON");
    assertFormatError(build("[]"), "not an object");
    assertFormatError(build("null"), "not an object");
    assertFormatError(build({ a: 3 }), '"a" is not an object');
    assertFormatError(build({ a: { shape: [2], data_offsets: [0, 8] } }, d8), 'no "dtype"');
    assertFormatError(build({ a: { dtype: "F32", data_offsets: [0, 8] } }, d8), 'no "shape"');
    assertFormatError(build({ a: { dtype: "F32", shape: [2] } }, d8), 'no "data_offsets"');
    assertFormatError(build({ a: { ...f32([0, 4], [2]), dtype: "F16" } }, new Uint8Array(4)), /F16.*not support/);
    assertFormatError(build({ a: { ...f32([0, 8]), dtype: "constructor" } }, d8), "unknown dtype");
    assertFormatError(build({ a: f32([0, 8], [-2]) }, d8), "shape");
    assertFormatError(build({ a: f32([0, 8], [2.5]) }, d8), "shape");
    assertFormatError(build({ a: f32([0, 8], "2" as unknown as number[]) }, d8), "shape");
    assertFormatError(build({ a: f32([0]) }, d8), "data_offsets");
    assertFormatError(build({ a: f32([0, 8.5]) }, d8), "data_offsets");
    assertFormatError(build({ a: f32([8, 0]) }, d8), "begin > end");
    assertFormatError(build({ a: f32([0, 12], [2]) }, new Uint8Array(12)), "needs 8");
    assertFormatError(build({ a: f32([0, 8]), b: f32([4, 12]) }, new Uint8Array(12)), "overlaps");
    assertFormatError(build({ a: f32([0, 8]), b: f32([12, 20]) }, new Uint8Array(20)), "hole");
    assertFormatError(build({ a: f32([0, 8]) }, new Uint8Array(9)), "trailing");
    assertFormatError(build({ a: f32([0, 8]) }, new Uint8Array(7)), "truncated");
    assertFormatError(build({ __metadata__: { a: 1 } }), "not a string");
    assertFormatError(build({ __metadata__: [] }), "not an object");
    assertFormatError(build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', d8), "repeats");
    assertFormatError(build({ a: { dtype: "BOOL", shape: [2], data_offsets: [0, 2] } }, new Uint8Array([1, 2])), "bool byte 2");
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 53n, true);
    assertFormatError(build({ a: { dtype: "I64", shape: [], data_offsets: [0, 8] } }, big), "2^53");
    assertFormatError(build({ a: f32([0, 8], [2 ** 52, 2 ** 52]) }, d8), "too many");
    // Arbitrary nesting must not overflow the stack.
    assertFormatError(build(`{"__metadata__":${"[".repeat(100000)}${"]".repeat(100000)}}`), "nests deeper than 64 levels");
    assertFormatError(build(`{"a":${'{"b":'.repeat(64)}1${"}".repeat(64)}}`), "nests deeper than 64 levels");
    assertFormatError(build(`{"a":${'{"b":'.repeat(63)}1${"}".repeat(63)}}`), 'tensor "a" has no "dtype"');
  });

  it("accepts what the reference accepts: null metadata, zero-size tensors anywhere, extra fields", () => {
    const h = {
      __metadata__: null,
      z: { dtype: "F64", shape: [0], data_offsets: [0, 0] },
      a: { dtype: "I32", shape: [1], data_offsets: [0, 4], extra: true },
      e: { dtype: "BOOL", shape: [0, 3], data_offsets: [4, 4] },
    };
    const { tensors, metadata } = decodeSafetensors(build(h, new Uint8Array([1, 0, 0, 0])));
    assert.deepEqual(metadata, {});
    assert.deepEqual([...tensors.keys()], ["z", "a", "e"]);
    assert.deepEqual(Array.from(tensors.get("a")!.data), [1]);
  });
});

describe("safetensors fixtures shared with PyTorch", () => {
  function checkAgainst(path: string, jsonPath: string): void {
    const expected = JSON.parse(readFileSync(jsonPath, "utf8")) as ExpectedJson;
    const { tensors, metadata } = decodeSafetensors(readFileSync(path), path);
    assert.deepEqual(metadata, expected.metadata);
    assert.deepEqual([...tensors.keys()].sort(), Object.keys(expected.tensors).sort());
    for (const [name, spec] of Object.entries(expected.tensors)) {
      const t = tensors.get(name)!;
      assert.equal(t.dtype, FILE_DTYPE[spec.dtype], name);
      assert.deepEqual(t.shape, spec.shape, name);
      assert.deepEqual(Array.from(t.data), spec.values, name); // exact, -0 included
    }
  }

  it("loads the file PyTorch's side wrote", () => {
    checkAgainst(join(FIXTURES, "torch_written.safetensors"), join(FIXTURES, "torch_written.json"));
  });

  it("writes the committed kindling fixture byte for byte (KINDLING_REGEN_FIXTURES=1 rewrites it)", () => {
    const path = join(FIXTURES, "kindling_written.safetensors");
    const jsonPath = join(FIXTURES, "kindling_written.json");
    const bytes = encodeSafetensors(sample(), SAMPLE_META);
    if (process.env.KINDLING_REGEN_FIXTURES === "1") {
      writeFileSync(path, bytes);
      writeFileSync(jsonPath, JSON.stringify(toExpectedJson(sample(), SAMPLE_META), null, 1) + "\n");
    }
    assert.deepEqual(new Uint8Array(readFileSync(path)), bytes);
    checkAgainst(path, jsonPath);
  });
});

describe("safetensors files and atomic writes", () => {
  const dir = mkdtempSync(join(tmpdir(), "kindling-st-"));
  const leftovers = (d: string) => readdirSync(d).filter((f) => f.includes(".tmp-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("saves and loads a file, creating parent directories", async () => {
    const path = join(dir, "a", "b", "model.safetensors");
    await saveSafetensorsFile(path, sample(), SAMPLE_META);
    const { tensors, metadata } = await loadSafetensorsFile(path);
    assertSameTensors(tensors, sample());
    assert.deepEqual(metadata, SAMPLE_META);
    assert.deepEqual(leftovers(join(dir, "a", "b")), []);
  });

  it("names the path of a missing or corrupt file", async () => {
    const missing = join(dir, "nope.safetensors");
    await assert.rejects(loadSafetensorsFile(missing), (e: Error & { code?: string }) => {
      assert.ok(e.message.includes(missing));
      assert.equal(e.code, "ENOENT");
      return true;
    });
    const corrupt = join(dir, "corrupt.safetensors");
    writeFileSync(corrupt, encodeSafetensors(sample()).subarray(0, 50));
    await assert.rejects(loadSafetensorsFile(corrupt), (e: Error) => e instanceof FormatError && e.message.includes(corrupt));
  });

  it("replaces the target and leaves no temp files (async and sync)", async () => {
    const path = join(dir, "x.txt");
    await writeFileAtomic(path, "one");
    await writeFileAtomic(path, new Uint8Array([116, 119, 111]));
    assert.equal(readFileSync(path, "utf8"), "two");
    writeFileAtomicSync(path, "three");
    assert.equal(readFileSync(path, "utf8"), "three");
    writeFileAtomicSync(join(dir, "s", "t.txt"), "nested");
    assert.equal(readFileSync(join(dir, "s", "t.txt"), "utf8"), "nested");
    assert.deepEqual(leftovers(dir), []);
  });

  it("a write that fails mid-way keeps the old file and removes its temp file", async () => {
    const path = join(dir, "keep.txt");
    writeFileSync(path, "old");
    // The temp file is created, then writing the bogus data throws.
    const bogus = 42 as unknown as string;
    await assert.rejects(writeFileAtomic(path, bogus));
    assert.throws(() => writeFileAtomicSync(path, bogus));
    assert.equal(readFileSync(path, "utf8"), "old");
    // The data is written and synced, then the rename fails: the target is a non-empty directory.
    const target = join(dir, "occupied");
    fs.mkdirSync(target);
    writeFileSync(join(target, "inner"), "x");
    await assert.rejects(writeFileAtomic(target, "data"));
    assert.throws(() => writeFileAtomicSync(target, "data"));
    assert.equal(readFileSync(join(target, "inner"), "utf8"), "x");
    assert.deepEqual(leftovers(dir), []);
  });

  it("fails cleanly in a directory it cannot write", { skip: process.getuid?.() === 0 ? "root ignores permissions" : false }, async () => {
    const ro = join(dir, "ro");
    fs.mkdirSync(ro);
    writeFileSync(join(ro, "f"), "old");
    fs.chmodSync(ro, 0o555);
    try {
      await assert.rejects(writeFileAtomic(join(ro, "f"), "new"));
      assert.equal(readFileSync(join(ro, "f"), "utf8"), "old");
      assert.deepEqual(leftovers(ro), []);
    } finally {
      fs.chmodSync(ro, 0o755);
    }
  });
});
