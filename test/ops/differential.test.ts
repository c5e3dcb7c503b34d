/**
 * Replays the committed sample of random 1-6 op programs (test/fixtures/differential.json, PyTorch 1.13's
 * outcomes, from scripts/differential/gen_programs.py) on the current backend: at least 99% must match
 * PyTorch and none may end in a plain (untyped) error. scripts/run-tests.mjs reruns it on every backend.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type ProgramJson, runGuarded } from "../../scripts/differential/program.ts";

const { programs } = JSON.parse(readFileSync(new URL("../fixtures/differential.json", import.meta.url), "utf8")) as {
  programs: ProgramJson[];
};

test("random programs match PyTorch 1.13 (>= 99%, no untyped errors)", () => {
  const failures: string[] = [];
  let untyped = 0;
  for (const p of programs) {
    const r = runGuarded(p);
    if (r.verdict === "pass" || r.verdict === "tolerated") continue;
    if (r.verdict === "untyped error") untyped++;
    failures.push(`#${p.id} ${p.ops.map((s) => s.op).join(" > ")}: ${r.verdict}: ${r.detail}`);
  }
  const rate = 1 - failures.length / programs.length;
  const report = failures.slice(0, 20).join("\n");
  assert.equal(untyped, 0, `untyped errors:\n${failures.filter((f) => f.includes("untyped")).slice(0, 20).join("\n")}`);
  assert.ok(rate >= 0.99, `${(100 * rate).toFixed(2)}% of ${programs.length} programs match PyTorch:\n${report}`);
});
