import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

const MAX = Number.MAX_SAFE_INTEGER; // 2^53 - 1

function throwsArg(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof torch.ArgumentError, `expected ArgumentError, got ${String(err)}`);
    for (const p of parts) assert.ok(err.message.includes(p), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

test("arange beyond 2^53 raises instead of repeating values", () => {
  throwsArg(() => torch.arange(2 ** 53, 2 ** 53 + 8), "arange()", "9007199254740992", "int64", "±(2^53-1)");
  throwsArg(() => torch.arange(-(2 ** 53), 0, 2 ** 50), "-9007199254740992");
  // Up to the edge every value is exact and distinct.
  assert.deepEqual(torch.arange(MAX - 3, MAX + 1).tolist(), [MAX - 3, MAX - 2, MAX - 1, MAX]);
  assert.deepEqual(torch.arange(-MAX, -MAX + 3).tolist(), [-MAX, -MAX + 1, -MAX + 2]);
  // start + i*step would round here (i*step passes 2^53); the values must still be exact.
  const step = 2 ** 52 + 1;
  const exact = [0n, 1n, 2n, 3n].map((i) => Number(-BigInt(MAX) + i * BigInt(step)));
  assert.deepEqual(exact, [-MAX, -4503599627370494, 3, 4503599627370500]);
  assert.deepEqual(torch.arange(-MAX, MAX, step).tolist(), exact);
});

test("tensor(), full() and randint refuse int64 values outside ±(2^53-1)", () => {
  throwsArg(() => torch.tensor([2 ** 60], { dtype: "int64" }), "tensor()", "1152921504606846976");
  throwsArg(() => torch.tensor([1, -(2 ** 53)], { dtype: "int64" }), "-9007199254740992");
  throwsArg(() => torch.tensor(new BigInt64Array([2n ** 60n])), "1152921504606846976");
  throwsArg(() => torch.tensor(new Float64Array([NaN]), { dtype: "int64" }), "cannot convert NaN to int64");
  throwsArg(() => torch.full([2], 2 ** 54, { dtype: "int64" }), "full()", "18014398509481984");
  throwsArg(() => torch.full([2], Infinity, { dtype: "int64" }), "cannot convert Infinity to int64");
  throwsArg(() => torch.randint(0, 2 ** 60, [2]), "randint(): high - 1");
  throwsArg(() => torch.randint(-(2 ** 54), 0, [2]), "randint(): low");
  assert.deepEqual(torch.tensor([MAX, -MAX], { dtype: "int64" }).tolist(), [MAX, -MAX]);
  assert.deepEqual(torch.full([1], MAX, { dtype: "int64" }).tolist(), [MAX]);
  const r = torch.randint(-MAX, MAX + 1, [64], { generator: new torch.Generator(3) }).tolist() as number[];
  assert.ok(r.every((v) => Number.isSafeInteger(v)));
});

test("integers past 2^53 in plain data mean float, as a JS number past 2^53 is no longer exact", () => {
  assert.equal(torch.tensor([2 ** 60]).dtype, "float32");
  assert.equal(torch.tensor([1e20, 3]).dtype, "float32");
  assert.equal(torch.tensor([MAX]).dtype, "int64");
});

test("int32 refuses what would wrap, as PyTorch does", () => {
  throwsArg(() => torch.tensor([2 ** 31], { dtype: "int32" }), "2147483648", "int32", "without overflow");
  throwsArg(() => torch.full([1], -(2 ** 31) - 1, { dtype: "int32" }), "-2147483649");
  throwsArg(() => torch.randint(0, 2 ** 31 + 1, [1], { dtype: "int32" }), "randint(): high - 1");
  throwsArg(() => torch.randperm(2 ** 31 + 2, { dtype: "int32" }), "randperm(): n - 1");
  assert.deepEqual(torch.tensor([2 ** 31 - 1, -(2 ** 31)], { dtype: "int32" }).tolist(), [2 ** 31 - 1, -(2 ** 31)]);
});

test("to(int64) truncates toward zero and refuses values it cannot hold", () => {
  assert.deepEqual(torch.tensor([1.5, -2.7, -0.5], { dtype: "float64" }).to("int64").tolist(), [1, -2, 0]);
  assert.deepEqual(torch.tensor([2.9]).long().tolist(), [2]);
  throwsArg(() => torch.tensor([1, 1e20]).to("int64"), "to(int64) (element 1)", "100000002004087734272");
  throwsArg(() => torch.tensor([NaN], { dtype: "float64" }).long(), "cannot convert NaN to int64");
});

test("integer linspace and arange hold integers", () => {
  assert.deepEqual(torch.linspace(0, 1, 3, { dtype: "int64" }).tolist(), [0, 0, 1]);
  assert.deepEqual(torch.arange(0.5, 3, 1, { dtype: "int64" }).tolist(), [0, 1, 2]);
  throwsArg(() => torch.linspace(0, 2 ** 60, 3, { dtype: "int64" }), "linspace()");
});
