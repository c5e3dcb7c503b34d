/**
 * Printing as PyTorch 1.13 prints (scripts/fixtures/gen_tensor_repr.py): rows wrapped at 80 columns,
 * summaries past 1000 elements, number formats chosen from the printed elements; torch.Size's text.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, fromJson } from "../helpers/fixture.ts";

const FX = JSON.parse(readFileSync(new URL("../fixtures/tensor_repr.json", import.meta.url), "utf8")) as {
  cases: Record<string, { tensor: TensJson; requiresGrad: boolean; repr: string }>;
  sizes: Record<string, string>;
};

for (const [name, c] of Object.entries(FX.cases)) {
  test(`${name} prints as PyTorch's repr`, () => {
    const t = fromJson(c.tensor, c.requiresGrad);
    assert.equal(String(t), c.repr);
  });
}

test("size() prints as torch.Size([...]) and is still an array", () => {
  for (const [shape, text] of Object.entries(FX.sizes)) {
    const dims = JSON.parse(shape) as number[];
    const size = torch.zeros(dims).size();
    assert.equal(String(size), text);
    assert.equal(`${size}`, text);
    assert.equal(inspect(size), text);
    assert.ok(Array.isArray(size));
    assert.deepEqual([...size], dims);
    assert.equal(size.length, dims.length);
  }
  const s = torch.zeros([2, 3]).size();
  assert.equal(s[1], 3);
  assert.deepEqual(s.map((d) => d * 2), [4, 6]);
  assert.equal(torch.zeros([2, 3]).size(-1), 3);
});
