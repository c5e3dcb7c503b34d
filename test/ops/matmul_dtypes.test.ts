/**
 * torch.matmul's dtype rules against PyTorch 1.13 (test/fixtures/matmul_dtypes.json, from
 * scripts/fixtures/gen_matmul_dtypes.py): every dtype pair over rank pairs 1-4, the pairs it refuses with
 * its message (dot / mv / mm / bmm), and the dtype, shape and value of what it returns, empty products
 * over mixed dtypes included.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

interface Case { a: number[]; b: number[]; da: torch.DType; db: torch.DType; dtype?: torch.DType; shape?: number[]; value?: number; error?: string }
const { cases } = JSON.parse(readFileSync(new URL("../fixtures/matmul_dtypes.json", import.meta.url), "utf8")) as { cases: Case[] };

test("the fixture covers refusals and empty mixed-dtype products", () => {
  assert.ok(cases.length >= 700);
  assert.ok(cases.some((c) => c.error?.startsWith("dot : expected both vectors")));
  assert.ok(cases.some((c) => c.error === `"bmm" not implemented for 'Bool'`));
  assert.ok(cases.some((c) => c.error === undefined && c.da !== c.db && c.dtype === c.db));
});

for (const name of torch.availableBackends()) {
  test(`matmul dtypes and errors as PyTorch's on ${name}`, () => {
    const before = torch.getBackend();
    torch.setBackend(name);
    try {
      for (const c of cases) {
        const at = `[${c.a}] ${c.da} @ [${c.b}] ${c.db}`;
        const run = () => torch.matmul(torch.ones(c.a, { dtype: c.da }), torch.ones(c.b, { dtype: c.db }));
        if (c.error !== undefined) {
          assert.throws(run, (e: Error) => e instanceof torch.DTypeError && e.message === c.error, at);
          continue;
        }
        const r = run();
        assert.equal(r.dtype, c.dtype, at);
        assert.deepEqual(r.shape, c.shape, at);
        if (r.numel() > 0) assert.equal(Number(r.reshape([-1]).toTypedArray()[0]), c.value, at);
      }
    } finally {
      torch.setBackend(before);
    }
  });
}
