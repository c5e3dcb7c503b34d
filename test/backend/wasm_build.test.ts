/**
 * The committed module bytes (src/backend/wasm/gemm_bytes.ts) are exactly what the generator in wasm/
 * produces now, so a change to the kernels' source cannot ship stale WebAssembly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { GENERATED_PATH, generatedSource } from "../../wasm/build.ts";
import { GEMM_WASM } from "../../src/backend/wasm/gemm_bytes.ts";

test("gemm_bytes.ts is up to date with wasm/ (run `npm run build:wasm` if not)", () => {
  assert.ok(readFileSync(GENERATED_PATH, "utf8") === generatedSource(), "src/backend/wasm/gemm_bytes.ts is stale");
});

test("the plain-SIMD modules validate; the relaxed ones exactly when relaxed SIMD is enabled", () => {
  const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, "base64"));
  const WA = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(WA.validate(bytes(GEMM_WASM.simdShared)));
  assert.ok(WA.validate(bytes(GEMM_WASM.simdPlain)));
  const relaxed = WA.validate(bytes(GEMM_WASM.relaxedPlain));
  assert.equal(WA.validate(bytes(GEMM_WASM.relaxedShared)), relaxed);
  // The two differ only in the multiply-add: the relaxed one must not validate without the feature.
  assert.notEqual(GEMM_WASM.relaxedPlain, GEMM_WASM.simdPlain);
});
