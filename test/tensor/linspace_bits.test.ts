/**
 * torch.linspace in float32 and float64 equals PyTorch 1.13's values bit for bit (test/fixtures/linspace_bits.json,
 * scripts/fixtures/gen_linspace.py): its fused multiply-adds and its per-vector steps included.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const fx = JSON.parse(readFileSync(new URL("../fixtures/linspace_bits.json", import.meta.url), "utf8")) as {
  cases: { dtype: "float32" | "float64"; start: number; end: number; steps: number; values: number[] }[];
};

for (const dtype of ["float32", "float64"] as const) {
  test(`linspace ${dtype}: ${fx.cases.filter((c) => c.dtype === dtype).length} cases bit for bit`, () => {
    for (const c of fx.cases.filter((k) => k.dtype === dtype)) {
      const got = [...torch.linspace(c.start, c.end, c.steps, { dtype }).toTypedArray()];
      assert.deepEqual(got, c.values, `linspace(${c.start}, ${c.end}, ${c.steps}, ${dtype})`);
    }
  });
}
