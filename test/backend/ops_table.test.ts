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
import { readGemmWasm } from "../../src/backend/wasm/assets.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import { BINARY } from "../../src/ops/op_table_binary.ts";
import { UNARY } from "../../src/ops/op_table_unary.ts";
import type { Api, BinaryRow, UnaryRow } from "../../src/ops/op_spec.ts";

const rows: [string, { api: Api }][] = [...Object.entries(UNARY), ...Object.entries(BINARY)];

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
  for (const [name, row] of Object.entries(UNARY) as [string, UnaryRow][]) {
    if (row.grad === null || row.grad === "zero") assert.deepEqual(row.saves, [], name);
  }
  for (const [name, row] of Object.entries(BINARY) as [string, BinaryRow][]) {
    if (row.grad === null || row.grad === "zero") assert.deepEqual(row.saves, { a: [], b: [] }, name);
  }
});

test("per-dtype kernels name internal rows of the same table", () => {
  for (const [table, all] of [[UNARY, Object.keys(UNARY)], [BINARY, Object.keys(BINARY)]] as const) {
    for (const [name, row] of Object.entries(table) as [string, { kernels?: Record<string, string> }][]) {
      for (const k of Object.values(row.kernels ?? {})) {
        assert.ok(all.includes(k), `${name}: kernel ${k} is not a row`);
        assert.equal((table as Record<string, { api: Api }>)[k]!.api === "internal" || k === "logicalOr" || k === "logicalAnd", true, `${name}: ${k}`);
      }
    }
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
  if (!addon) {
    t.skip("native addon not built");
    return;
  }
  const names = addon.opNames();
  assert.deepEqual([...names.unary].sort(), [...NATIVE_UNARY_OPS].sort(), "unary (rebuild the addon if only this fails)");
  assert.deepEqual([...names.binary].sort(), [...NATIVE_BINARY_OPS].sort(), "binary");
});

test("the WASM module exports a kernel for every table op marked wasm, and no other", () => {
  const WA = (globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; exports(m: object): { name: string }[] } } }).WebAssembly;
  const mod = new WA.Module(readGemmWasm("simdPlain"));
  const exported = WA.Module.exports(mod).map((e) => e.name);
  const unary = exported.filter((n) => n.startsWith("u_")).map((n) => n.slice(2));
  const binary = [...new Set(exported.filter((n) => n.startsWith("b_")).map((n) => n.slice(2).replace(/_(vv|vs|sv)$/, "")))];
  assert.deepEqual(unary.sort(), [...WASM_UNARY_OPS].sort());
  assert.deepEqual(binary.sort(), [...WASM_BINARY_OPS].sort());
});

test("the table's saved sets are PyTorch's: an in-place write to a tensor the backward reads fails it, to any other does not", () => {
  // Each row was run in PyTorch 1.13: true where its backward raises "modified by an inplace operation".
  const X = () => torch.ones([3], { requiresGrad: true }).mul(1);
  const W = () => torch.ones([3]).mul(2);
  const cases: [string, () => void, boolean][] = [
    ["mul: x * w, then x changes (w needs no grad, so x is not saved)", () => { const x = X(), y = x.mul(W()); x.add_(1); y.sum().backward(); }, false],
    ["mul: w * x, then w changes", () => { const x = X(), w = W(), y = w.mul(x); w.add_(1); y.sum().backward(); }, true],
    ["mul: x * 2, then x changes", () => { const x = X(), y = x.mul(2); x.add_(1); y.sum().backward(); }, false],
    ["div: x / w, then x changes", () => { const x = X(), y = x.div(W()); x.add_(1); y.sum().backward(); }, false],
    ["div: x / w, then w changes", () => { const x = X(), w = W(), y = x.div(w); w.add_(1); y.sum().backward(); }, true],
    ["pow: x ** 2, then x changes", () => { const x = X(), y = x.pow(2); x.add_(1); y.sum().backward(); }, true],
    ["pow: x ** w, then the output changes", () => { const x = X(), y = x.pow(W()); y.add_(1); y.sum().backward(); }, true],
    ["maximum(x, w), then w changes", () => { const x = X(), w = W(), y = torch.maximum(x, w); w.add_(1); y.sum().backward(); }, true],
    ["add: x + w, then both change", () => { const x = X(), w = W(), y = x.add(w); x.add_(1); w.add_(1); y.sum().backward(); }, false],
    ["exp, then the output changes", () => { const y = X().exp(); y.add_(1); y.sum().backward(); }, true],
    ["relu, then the output changes", () => { const y = X().relu(); y.add_(1); y.sum().backward(); }, true],
    ["neg, then the output changes", () => { const y = X().neg(); y.add_(1); y.sum().backward(); }, false],
    ["sin, then the input changes", () => { const x = X(), y = x.sin(); x.add_(1); y.sum().backward(); }, true],
  ];
  for (const [name, run, raises] of cases) {
    if (raises) assert.throws(run, /modified by an inplace operation/, name);
    else assert.doesNotThrow(run, name);
  }
});
