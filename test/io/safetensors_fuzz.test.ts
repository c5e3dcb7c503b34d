/**
 * Seeded fuzzing of decodeSafetensors: every mutated file must either decode into something
 * self-consistent or throw a FormatError that names the source — never another error type.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { FormatError } from "../../src/errors.ts";
import { type RawTensor, decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.ts";
import { fileItemSize, storageMatches } from "../../src/tensor/dtype.ts";

/** xorshift32: tiny, deterministic, good enough to spread mutations around. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof rng>;

function bases(): Uint8Array[] {
  const all: Record<string, RawTensor> = {
    w: { dtype: "float32", shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-3, -7]) },
    d: { dtype: "float64", shape: [2], data: new Float64Array([Math.E, -0]) },
    i: { dtype: "int32", shape: [3], data: new Int32Array([1, -1, 99]) },
    "10": { dtype: "int64", shape: [2], data: new Float64Array([2 ** 53 - 1, -5]) },
    b: { dtype: "bool", shape: [2, 2], data: new Uint8Array([1, 0, 0, 1]) },
    s: { dtype: "float32", shape: [], data: new Float32Array([4]) },
    e: { dtype: "int64", shape: [0, 3], data: new Float64Array(0) },
  };
  return [
    encodeSafetensors(all, { format: "pt", "k\u00e9y": "v\u00e4lue" }),
    encodeSafetensors({ w: all.w! }),
    encodeSafetensors({ "10": all["10"]!, b: all.b! }, {}),
    encodeSafetensors({ e: all.e!, s: all.s! }),
    encodeSafetensors({}, { only: "metadata" }),
  ];
}

function headerLength(bytes: Uint8Array): number {
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
}

function withHeader(text: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const WEIRD_VALUES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 53, 1e300, "", "F32", "F16", "BF16", "U8", "BOOL", "I64", [], [0], [1, 2], [-1], [0, 0, 0], {}, { a: 1 }, "__proto__"];

/** Structural edits on the parsed header: these reach the semantic checks, not just the JSON parser. */
function jsonEdit(base: Uint8Array, r: Rng): Uint8Array {
  const n = headerLength(base);
  const header = JSON.parse(new TextDecoder().decode(base.subarray(8, 8 + n))) as Record<string, any>;
  const data = base.subarray(8 + n);
  const names = Object.keys(header).filter((k) => k !== "__metadata__");
  const name = names.length > 0 ? r.pick(names) : "w";
  const entry = (header[name] ??= { dtype: "F32", shape: [1], data_offsets: [0, 4] });
  switch (r.int(9)) {
    case 0: entry.dtype = r.pick(["F32", "F64", "I32", "I64", "BOOL", "F16", "BF16", "U8", "x", 3, null]); break;
    case 1: entry.shape = r.pick([[], [0], [1], [2], [3, 2], [2, 3], [6], [-1], [1.5], [2 ** 53], "2", null, [1, 1, 1, 1]]); break;
    case 2: entry.data_offsets = entry.data_offsets.map((o: number) => o + r.pick([-8, -4, -1, 0, 0, 1, 4, 8])); break;
    case 3: entry.data_offsets = r.pick([[0], [0, 0, 0], [5, 1], null, "0,4", [0.5, 4], [-4, 0]]); break;
    case 4: delete entry[r.pick(["dtype", "shape", "data_offsets"])]; break;
    case 5: header[name] = r.pick(WEIRD_VALUES); break;
    case 6: header.__metadata__ = r.pick(WEIRD_VALUES); break;
    case 7: header[`extra${r.int(3)}`] = { dtype: "BOOL", shape: [r.int(3)], data_offsets: [r.int(4), r.int(4)] }; break;
    case 8: {
      // Repeat a key in the text, which JSON.parse alone would silently accept.
      const text = JSON.stringify(header);
      const dupe = `${JSON.stringify(name)}:${JSON.stringify(entry)}`;
      return withHeader(`{${dupe},${text.slice(1)}`, data);
    }
  }
  return withHeader(JSON.stringify(header), data);
}

function mutate(base: Uint8Array, r: Rng): Uint8Array {
  const n = headerLength(base);
  const out = base.slice();
  switch (r.int(8)) {
    case 0: { // bit flips in the header (length field included)
      for (let k = 1 + r.int(3); k > 0; k--) out[r.int(8 + n)]! ^= 1 << r.int(8);
      return out;
    }
    case 1: { // byte changes in the data section (or the header when there is no data)
      const lo = out.length > 8 + n ? 8 + n : 0;
      for (let k = 1 + r.int(4); k > 0; k--) out[lo + r.int(out.length - lo)] = r.int(256);
      return out;
    }
    case 2: return out.subarray(0, r.int(out.length));
    case 3: {
      const v = r.pick([0n, 1n, 7n, BigInt(n - 1), BigInt(n + 1), BigInt(n + 8), BigInt(out.length), 100_000_001n, 2n ** 63n, 2n ** 64n - 1n, BigInt(r.int(2 ** 31))]);
      new DataView(out.buffer).setBigUint64(0, v < 0n ? 0n : v, true);
      return out;
    }
    case 4: return jsonEdit(base, r);
    case 5: { // trailing garbage
      const extra = new Uint8Array(1 + r.int(16)).map(() => r.int(256));
      const grown = new Uint8Array(out.length + extra.length);
      grown.set(out);
      grown.set(extra, out.length);
      return grown;
    }
    case 6: { // JSON-significant characters dropped into the header text
      const at = 8 + r.int(n);
      out[at] = r.pick([0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x2c, 0x3a, 0x30, 0x39, 0x2d, 0x5c, 0x20, 0xff, 0xc3]);
      return out;
    }
    default: { // delete or duplicate one byte anywhere, shifting everything after it
      const at = r.int(out.length);
      if (r.next() < 0.5) return new Uint8Array([...out.subarray(0, at), ...out.subarray(at + 1)]);
      return new Uint8Array([...out.subarray(0, at + 1), ...out.subarray(at)]);
    }
  }
}

function checkConsistent(decoded: ReturnType<typeof decodeSafetensors>): void {
  let dataBytes = 0;
  for (const [name, t] of decoded.tensors) {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    assert.equal(t.data.length, numel, name);
    assert.ok(storageMatches(t.dtype, t.data), name);
    dataBytes += numel * fileItemSize(t.dtype);
  }
  const again = encodeSafetensors(decoded.tensors, decoded.metadata);
  assert.equal(again.length, 8 + headerLength(again) + dataBytes);
  const back = decodeSafetensors(again, "re-encoded");
  assert.deepEqual(back.metadata, decoded.metadata);
  assert.deepEqual([...back.tensors.keys()], [...decoded.tensors.keys()]);
  for (const [name, t] of decoded.tensors) {
    const u = back.tensors.get(name)!;
    assert.equal(u.dtype, t.dtype);
    assert.deepEqual(u.shape, t.shape);
    assert.deepEqual(Array.from(u.data), Array.from(t.data));
  }
}

it("mutated safetensors files decode consistently or throw FormatError naming the source", () => {
  const r = rng(0x5afe7e45);
  const files = bases();
  let ok = 0;
  let rejected = 0;
  const CASES = 3000;
  for (let i = 0; i < CASES; i++) {
    const bytes = mutate(r.pick(files), r);
    const source = `fuzz/case-${i}.safetensors`;
    let decoded: ReturnType<typeof decodeSafetensors> | undefined;
    try {
      decoded = decodeSafetensors(bytes, source);
    } catch (e) {
      assert.ok(e instanceof FormatError, `case ${i}: expected FormatError, got ${String(e)}`);
      assert.ok(e.message.includes(source), `case ${i}: message lacks source: ${e.message}`);
      rejected++;
    }
    if (decoded) {
      checkConsistent(decoded);
      ok++;
    }
  }
  assert.equal(ok + rejected, CASES);
  assert.ok(CASES >= 1000);
  assert.ok(ok > 0, "no mutated file decoded");
  assert.ok(rejected > 0, "no mutated file was rejected");
  // Both outcomes should be common; a lopsided split means the mutators stopped doing their job.
  assert.ok(ok > CASES / 20 && rejected > CASES / 20, `ok=${ok} rejected=${rejected}`);
});

it("random byte strings never escape as anything but FormatError", () => {
  const r = rng(42);
  for (let i = 0; i < 500; i++) {
    const bytes = new Uint8Array(r.int(64)).map(() => r.int(256));
    // A plausible length field half the time, so the JSON stage is reached too.
    if (bytes.length >= 8 && r.next() < 0.5) new DataView(bytes.buffer).setBigUint64(0, BigInt(r.int(bytes.length - 7)), true);
    assert.throws(() => decodeSafetensors(bytes, `rand-${i}`), (e: unknown) => e instanceof FormatError && e.message.includes(`rand-${i}`));
  }
});
