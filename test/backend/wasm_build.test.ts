/**
 * The committed module files (src/backend/wasm/*.wasm and gemm_assets.ts) are exactly what the
 * generator in wasm/ produces now, so a change to the kernels' source cannot ship stale WebAssembly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { staleFiles } from "../../wasm/build.ts";
import { readGemmWasm } from "../../src/backend/wasm/assets.ts";

test("the wasm assets are up to date with wasm/ (run `npm run build:wasm` if not)", () => {
  assert.deepEqual(staleFiles(), [], "stale generated files");
});

test("the plain-SIMD modules validate; the relaxed ones exactly when relaxed SIMD is enabled", () => {
  const WA = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  const magic = [0x00, 0x61, 0x73, 0x6d];
  assert.deepEqual([...readGemmWasm("simdPlain").subarray(0, 4)], magic, "a binary module, not text");
  assert.ok(WA.validate(readGemmWasm("simdShared")));
  assert.ok(WA.validate(readGemmWasm("simdPlain")));
  const relaxed = WA.validate(readGemmWasm("relaxedPlain"));
  assert.equal(WA.validate(readGemmWasm("relaxedShared")), relaxed);
  // The two differ only in the multiply-add: the relaxed one must not validate without the feature.
  assert.notDeepEqual(readGemmWasm("relaxedPlain"), readGemmWasm("simdPlain"));
});
