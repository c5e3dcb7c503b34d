/**
 * Every op against PyTorch with the wasm backend selected: the op fixture suites (test/ops) run again
 * in this process after KINDLING_BACKEND picks "wasm", so matmul, linear layers, convolutions and the
 * elementwise ops all go through the WASM kernels wherever they apply.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { registerBackend } from "../../src/backend/registry.ts";
import { loadWasmBackend } from "../../src/backend/wasm/index.ts";

registerBackend("wasm", loadWasmBackend);
process.env["KINDLING_BACKEND"] = "wasm";
const torch = await import("../../src/index.ts");

test("the wasm backend is the active one for the suites below", () => {
  assert.equal(torch.getBackend(), "wasm");
});

await import("../ops/fixtures.test.ts");
await import("../ops/cnn_fixtures.test.ts");
