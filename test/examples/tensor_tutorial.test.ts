import { test } from "node:test";
import assert from "node:assert/strict";
import { main } from "../../examples/tensor_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("tensor_tutorial prints what PyTorch prints (random tensors from PyTorch's draws)", async () => {
  const fx = loadFixture("tensor_tutorial");
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(() => main());
  } finally {
    undo();
  }
  compareLines(lines, fx.stdout, { rtol: 0, atol: 1e-4 });
});

test("the comparison fails on a changed figure or word", () => {
  const fx = loadFixture("tensor_tutorial");
  const bumped = fx.stdout.map((l) => l.replace("6., 5., 6., 6.", "6., 5., 6., 7."));
  assert.throws(() => compareLines(fx.stdout, bumped), /7 differs|6 differs/);
  const renamed = fx.stdout.map((l) => l.replace("Zeros Tensor", "Zero Tensor"));
  assert.throws(() => compareLines(fx.stdout, renamed), /text differs/);
  assert.throws(() => compareLines(fx.stdout.slice(0, -1), fx.stdout), /printed less/);
});
