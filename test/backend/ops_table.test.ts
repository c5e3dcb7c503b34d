/**
 * The op tables (src/ops/op_table_unary.ts, op_table_binary.ts) and what is generated from them agree:
 * the committed generated files are current, every public op is a function (and a method where the table
 * says so), and the native addon and the WASM module have kernels for exactly the ops the table says.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { staleFiles } from "../../scripts/gen_ops.ts";
import { NATIVE_BINARY_OPS, NATIVE_UNARY_OPS, WASM_BINARY_OPS, WASM_UNARY_OPS } from "../../src/backend/elementwise_ops.ts";
import { GEMM_WASM } from "../../src/backend/wasm/gemm_bytes.ts";
import { hasKernels, loadNative } from "../../src/backend/native/loader.ts";
import { BINARY } from "../../src/ops/op_table_binary.ts";
import { UNARY } from "../../src/ops/op_table_unary.ts";
import type { Api } from "../../src/ops/op_spec.ts";

const rows: [string, { api: Api; grad: unknown; saves: readonly string[] }][] = [...Object.entries(UNARY), ...Object.entries(BINARY)];

test("generated op files are up to date (run `npm run gen:ops` if not)", () => {
  assert.deepEqual(staleFiles(), []);
});

test("every public op is a torch function, and a Tensor method where the table says so", () => {
  const t = torch as unknown as Record<string, unknown>;
  const F = torch.nn.F as unknown as Record<string, unknown>;
  const proto = torch.Tensor.prototype as unknown as Record<string, unknown>;
  for (const [name, row] of rows) {
    if (row.api === "internal") continue;
    const where = row.api === "F" ? F : t;
    assert.equal(typeof where[name], "function", `${name}: no ${row.api === "F" ? "nn.functional" : "torch"} function`);
    if (row.api === "torch+method") assert.equal(typeof proto[name], "function", `${name}: no Tensor method`);
  }
});

test("an op whose gradient reads nothing saves nothing, and the saved sets name real tensors", () => {
  for (const [name, row] of rows) {
    if (row.grad === null || row.grad === "zero") assert.deepEqual(row.saves, [], name);
    for (const s of row.saves) assert.ok(["input", "output", "a", "b"].includes(s), `${name}: saves ${s}`);
  }
});

test("extra positional arguments to a table op are an ArgumentError, not ignored", () => {
  const x = torch.tensor([1, 2]);
  const exp = torch.exp as unknown as (...a: unknown[]) => unknown;
  const mul = torch.mul as unknown as (...a: unknown[]) => unknown;
  assert.throws(() => exp(x, 2), { name: "ArgumentError", message: "exp(): takes at most 1 argument but 2 were given" });
  assert.throws(() => mul(x, 2, 3), { name: "ArgumentError", message: "mul(): takes at most 2 arguments but 3 were given" });
  assert.throws(() => (x as unknown as { exp(a: number): unknown }).exp(1), { name: "ArgumentError", message: "exp(): takes no arguments but 1 was given" });
  assert.throws(() => mul(x, "2"), { name: "ArgumentError" });
});

test("the native addon has kernels for exactly the table's native ops", (t) => {
  const addon = loadNative();
  if (!addon || !hasKernels(addon)) {
    t.skip("native addon not built");
    return;
  }
  const names = addon.opNames();
  assert.deepEqual([...names.unary].sort(), [...NATIVE_UNARY_OPS].sort(), "unary (rebuild the addon if only this fails)");
  assert.deepEqual([...names.binary].sort(), [...NATIVE_BINARY_OPS].sort(), "binary");
});

test("the WASM module exports a kernel for every table op marked wasm, and no other", () => {
  const WA = (globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; exports(m: object): { name: string }[] } } }).WebAssembly;
  const mod = new WA.Module(new Uint8Array(Buffer.from(GEMM_WASM.simdPlain, "base64")));
  const exported = WA.Module.exports(mod).map((e) => e.name);
  const unary = exported.filter((n) => n.startsWith("u_")).map((n) => n.slice(2));
  const binary = [...new Set(exported.filter((n) => n.startsWith("b_")).map((n) => n.slice(2).replace(/_(vv|vs|sv)$/, "")))];
  assert.deepEqual(unary.sort(), [...WASM_UNARY_OPS].sort());
  assert.deepEqual(binary.sort(), [...WASM_BINARY_OPS].sort());
});
