/**
 * Ops allocate some outputs without zeroing them (allocUninitialized), so every backend kernel that
 * writes such an output must overwrite all of it: here the outputs start as NaN and must come back
 * equal to the results computed into zeroed arrays.
 */
import { test } from "node:test";
import assert from "node:assert/strict";

import "../../src/index.ts";
import { availableBackends, backend, getBackend, setBackend } from "../../src/backend/registry.ts";
import { allocUninitialized } from "../../src/tensor/dtype.ts";
import { loadNative, ALLOCATOR } from "../../src/backend/native/loader.ts";

const seq = (n: number, f: (i: number) => number): Float32Array => Float32Array.from({ length: n }, (_, i) => f(i));

for (const name of availableBackends()) {
  test(`${name}: gemm with beta = 0 overwrites a NaN-filled C, every transpose`, () => {
    const prev = getBackend();
    setBackend(name);
    try {
      const k = backend();
      for (const [M, N, K] of [[1, 1, 1], [3, 17, 33], [33, 70, 129], [32, 2048, 1]]) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const A = seq(M! * K!, (i) => ((i * 7) % 13) / 13 - 0.5);
            const B = seq(K! * N!, (i) => ((i * 5) % 11) / 11 - 0.5);
            const want = new Float32Array(M! * N!);
            const got = new Float32Array(M! * N!).fill(NaN);
            const lda = ta ? M! : K!, ldb = tb ? K! : N!;
            k.gemm(ta, tb, M!, N!, K!, 1, A, 0, lda, B, 0, ldb, 0, want, 0, N!);
            k.gemm(ta, tb, M!, N!, K!, 1, A, 0, lda, B, 0, ldb, 0, got, 0, N!);
            assert.ok(got.every((v) => Number.isFinite(v)), `${M}x${N}x${K} ${ta ? "T" : "N"}${tb ? "T" : "N"} left NaN`);
            assert.deepEqual(got, want);
          }
        }
      }
    } finally {
      setBackend(prev);
    }
  });

  test(`${name}: unary, binary and binaryScalar write every output element`, () => {
    const prev = getBackend();
    setBackend(name);
    try {
      const k = backend();
      for (const n of [1, 3, 17, 33, 1023, 70_000]) {
        const x = seq(n, (i) => Math.sin(i));
        for (const run of [
          (out: Float32Array) => k.unary("relu", x, out, n),
          (out: Float32Array) => k.unary("exp", x, out, n),
          (out: Float32Array) => k.binaryScalar("mul", x, 3, out, n, false),
          (out: Float32Array) => k.binary("add", { data: x, offset: 0, strides: [1] }, { data: x, offset: 0, strides: [1] }, out, [n]),
        ]) {
          const want = new Float32Array(n);
          const got = new Float32Array(n).fill(NaN);
          run(want);
          run(got);
          assert.deepEqual(got, want);
        }
      }
    } finally {
      setBackend(prev);
    }
  });
}

test("allocUninitialized: right class and length for every dtype, small and large", () => {
  const cases = [["float32", Float32Array], ["float64", Float64Array], ["int64", Float64Array], ["int32", Int32Array], ["bool", Uint8Array]] as const;
  for (const [dtype, ctor] of cases) {
    for (const n of [0, 1, 5, 1 << 20]) {
      const s = allocUninitialized(dtype, n);
      assert.ok(s instanceof ctor, `${dtype} x ${n}`);
      assert.equal(s.length, n);
      // Its own buffer, so typed-array views of it (checkpoints, worker transfer) see only this tensor.
      assert.equal(s.byteOffset, 0);
      assert.equal(s.buffer.byteLength, s.byteLength);
    }
  }
});

test("native tuneAllocator: validates its arguments and reports whether glibc took the settings", (t) => {
  const addon = loadNative();
  if (!addon?.tuneAllocator) return t.skip("native addon not built");
  assert.equal(typeof addon.tuneAllocator(ALLOCATOR.mmapThreshold, ALLOCATOR.trimThreshold), "boolean");
  assert.throws(() => addon.tuneAllocator!(-1, 0), { name: "RangeError", message: /thresholds must be byte counts/ });
  assert.throws(() => addon.tuneAllocator!(2 ** 40, 0), RangeError);
  assert.throws(() => (addon.tuneAllocator as unknown as (a: number) => boolean)(1), { name: "TypeError", message: /expected 2 arguments/ });
});
