import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";

// PyTorch 1.13: torch.arange(0, 5, dtype=torch.float) -> tensor([0., 1., 2., 3., 4.]) (float32, though the
// arguments are ints); torch.arange(1, 4, dtype=torch.float64).dtype -> torch.float64. PositionalEncoding
// (word_language_model) writes `torch.arange(0, max_len, dtype=torch.float)`.
test("arange(start, end, { dtype }): the options may follow end", () => {
  const a = torch.arange(0, 5, { dtype: "float32" });
  assert.equal(a.dtype, "float32");
  assert.deepEqual(a.tolist(), [0, 1, 2, 3, 4]);
  assert.equal(torch.arange(1, 4, { dtype: "float64" }).dtype, "float64");
  // Still the four-argument form and the one-argument form.
  assert.deepEqual(torch.arange(1, 2, 0.5, { dtype: "float64" }).tolist(), [1, 1.5]);
  assert.equal(torch.arange(3, { dtype: "float32" }).dtype, "float32");
  assert.equal(torch.arange(0, 3).dtype, "int64");
});

test("arange: an options object followed by more arguments is refused", () => {
  const arange = torch.arange as unknown as (...a: unknown[]) => unknown;
  assert.throws(() => arange(0, { dtype: "float32" }, 2), /options object must be the last argument/);
  assert.throws(() => arange(0, 4, { dtype: "float32" }, {}), /options object must be the last argument/);
});
