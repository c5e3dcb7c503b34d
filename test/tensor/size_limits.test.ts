import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { allocationFailed } from "../../src/tensor/limits.ts";

const HUGE = [2 ** 31, 2 ** 31];
const HUGE_TEXT = "[2147483648, 2147483648]";

/** An ArgumentError (never a bare RangeError) on one line whose message contains every part. */
function throwsArg(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof torch.ArgumentError, `expected ArgumentError, got ${String(err)}`);
    assert.ok(!err.message.includes("\n"), "one-line message");
    for (const p of parts) assert.ok(err.message.includes(p), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

test("creation past the typed-array limit is an ArgumentError naming shape and dtype", () => {
  throwsArg(() => torch.zeros(HUGE), HUGE_TEXT, "float32", "4611686018427387904 elements");
  throwsArg(() => torch.zeros(2 ** 31, 2 ** 31), HUGE_TEXT);
  throwsArg(() => torch.ones(HUGE, { dtype: "float64" }), HUGE_TEXT, "float64");
  throwsArg(() => torch.empty(HUGE, { dtype: "int32" }), HUGE_TEXT, "an int32 tensor");
  throwsArg(() => torch.full(HUGE, 7, { dtype: "bool" }), HUGE_TEXT, "bool");
  throwsArg(() => torch.rand(HUGE), HUGE_TEXT);
  throwsArg(() => torch.randn(HUGE, { dtype: "float64" }), HUGE_TEXT, "float64");
  throwsArg(() => torch.randint(0, 10, HUGE), HUGE_TEXT, "int64");
  throwsArg(() => torch.eye(2 ** 31), HUGE_TEXT);
  throwsArg(() => torch.randperm(2 ** 52), "[4503599627370496]", "int64");
  throwsArg(() => torch.arange(0, 2 ** 52, 1, { dtype: "float64" }), "[4503599627370496]", "float64");
  throwsArg(() => torch.linspace(0, 1, 2 ** 52), "[4503599627370496]");
  // At the edge sizes still work: a zero-size dim makes any other dim free.
  assert.deepEqual(torch.zeros([0, 2 ** 40]).shape, [0, 2 ** 40]);
  assert.deepEqual(torch.randperm(0).shape, [0]);
  assert.deepEqual(torch.full([2], 0, { dtype: "float64" }).tolist(), [0, 0]);
  assert.ok(Object.is(torch.full([1], -0, { dtype: "float64" }).item(), -0));
});

test("an op whose output cannot be allocated says so instead of a RangeError", () => {
  const big = torch.ones([1, 1]).expand(HUGE);
  assert.deepEqual(big.shape, HUGE); // a view costs nothing
  throwsArg(() => big.contiguous(), HUGE_TEXT, "float32");
  throwsArg(() => big.add(1), HUGE_TEXT);
});

test("nn.Linear too large to allocate names the layer and its weight shape", () => {
  throwsArg(() => new torch.nn.Linear(2 ** 31, 2 ** 31), "Linear(2147483648, 2147483648)", HUGE_TEXT, "float32");
  throwsArg(() => new torch.nn.Linear(2 ** 31, 2 ** 31, { dtype: "float64" }), "float64");
});

test("negative, fractional, NaN and infinite sizes are rejected with PyTorch's wording", () => {
  throwsArg(() => torch.zeros([-1, 2]), "Trying to create tensor with negative dimension -1: [-1, 2]");
  throwsArg(() => torch.ones(3, -4), "negative dimension -4: [3, -4]");
  throwsArg(() => torch.zeros([1.5, 2]), "found 1.5 at position 0 of [1.5, 2]");
  throwsArg(() => torch.rand([2, NaN]), "found NaN at position 1");
  throwsArg(() => torch.full([Infinity], 0), "found Infinity at position 0");
  throwsArg(() => torch.zeros([2 ** 53]), "found 9007199254740992");
  throwsArg(() => torch.zeros(2, "3" as unknown as number), "zeros(): expected integer sizes", "string 3");
  throwsArg(() => torch.randperm(-1), "randperm(): n must be a non-negative integer", "-1");
  throwsArg(() => torch.randperm(2.5), "2.5");
  throwsArg(() => torch.linspace(0, 1, NaN), "NaN");
});

test("arange with an infinite or NaN bound is an unsupported range, not an empty tensor", () => {
  throwsArg(() => torch.arange(0, Infinity), "unsupported range: 0 -> Infinity");
  throwsArg(() => torch.arange(NaN), "unsupported range");
  throwsArg(() => torch.arange(0, 10, NaN), "unsupported range");
});

test("the engine refusing memory inside the limit becomes an ArgumentError with the byte count", () => {
  const err = allocationFailed(new RangeError("Array buffer allocation failed"), "float64", [2 ** 32], 8);
  assert.ok(err instanceof torch.ArgumentError);
  assert.equal(
    err.message,
    "cannot allocate a float64 tensor of shape [4294967296] (4294967296 elements, 32 GiB): out of memory (Array buffer allocation failed); use a smaller size or free memory",
  );
  const other = new TypeError("x");
  assert.equal(allocationFailed(other, "float32", [1], 4), other);
});
