/**
 * F.dropout2d's warnings for inputs that are not [N, C, H, W] or [C, H, W], against PyTorch 1.13
 * (scripts/fixtures/gen_dropout2d_warnings.py, recorded with every warning shown). kindling shows each
 * message once per process, as Python's default warnings filter does for one call site, so a case expects
 * only the fixture's messages not seen in an earlier case.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as torch from "../../src/index.ts";

const F = torch.nn.functional;
const cases = JSON.parse(readFileSync(fileURLToPath(new URL("../fixtures/dropout2d_warnings.json", import.meta.url)), "utf8")) as {
  shape: number[];
  training: boolean;
  out_shape: number[];
  warnings: string[];
}[];

test("F.dropout2d warns as PyTorch 1.13 does for 2-D, 3-D and 5-D inputs, once per message", () => {
  const seen = new Set<string>();
  const warn = console.warn;
  for (const c of cases) {
    const got: string[] = [];
    console.warn = (...args: unknown[]) => void got.push(args.map(String).join(" "));
    let out: torch.Tensor;
    try {
      out = F.dropout2d(torch.ones(c.shape), 0.5, c.training);
    } finally {
      console.warn = warn;
    }
    assert.deepEqual([...out.shape], c.out_shape, `shape ${c.shape}`);
    const want = c.warnings.filter((m) => !seen.has(m));
    for (const m of c.warnings) seen.add(m);
    assert.deepEqual(got, want, `warnings for shape [${c.shape}]`);
  }
  // Already shown: nn.Dropout2d over the same 2-D input (mnist_rnn's [N, 64]) warns no more.
  const got: string[] = [];
  console.warn = (...args: unknown[]) => void got.push(args.map(String).join(" "));
  try {
    new torch.nn.Dropout2d(0.25).forward(torch.ones([4, 6]));
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(got, []);
});
