import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { main } from "../../examples/regression.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("regression: after 300 batches the loss and the learned polynomial are PyTorch's", async () => {
  const fx = loadFixture("regression");
  const { max_batches: maxBatches } = fx.args as { max_batches: number };
  // W_target, b_target and every batch are PyTorch's randn draws; nn.Linear's initialisation its uniform ones.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main(maxBatches));
  } finally {
    undo();
  }
  // Exact: the printed figures (6 and 2 decimals) as PyTorch rounded them.
  compareLines(lines, fx.stdout, { rtol: 0, atol: 0 });
});

test("regression, unshortened: stops once a batch's loss is under 1e-3, near the actual polynomial", async () => {
  // kindling's own draws (past a few hundred batches no two float32 implementations follow the same path).
  torch.manualSeed(0);
  const lines = await captureOutput(() => main());
  assert.equal(lines.length, 3);
  const m = /^Loss: (0\.\d{6}) after (\d+) batches$/.exec(lines[0]!);
  assert.ok(m, lines[0]);
  assert.ok(Number(m[1]) < 1e-3 && Number(m[2]) > 1, lines[0]);
  const coefficients = (line: string) => [...line.matchAll(/[-+]\d+\.\d\d/g)].map((c) => Number(c[0]));
  const learned = coefficients(lines[1]!.replace("==> Learned function:\ty = ", ""));
  const actual = coefficients(lines[2]!.replace("==> Actual function:\ty = ", ""));
  assert.equal(learned.length, 5);
  learned.forEach((c, i) => assert.ok(Math.abs(c - actual[i]!) < 0.25, `coefficient ${i}: learned ${c}, actual ${actual[i]}`));
});
