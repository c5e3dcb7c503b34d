import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../../src/index.ts";
import { main } from "../../examples/saveloadrun_tutorial.ts";
import { captureOutput, compareLines, loadFixture } from "./harness.ts";

test("basics/saveloadrun_tutorial.py: a state dict saved and reloaded into a fresh model has PyTorch's keys and shapes, in eval mode", async () => {
  const fx = loadFixture("saveloadrun_tutorial");
  // No printed figure depends on the weights: no draws are replayed (the fixture logs none).
  const scratch = mkdtempSync(join(tmpdir(), "kindling-saveloadrun-"));
  const cwd = process.cwd();
  process.chdir(scratch);
  let lines: string[];
  try {
    let model: torch.models.ResNet | undefined;
    lines = await captureOutput(async () => {
      model = await main();
    });
    // The reloaded weights are the saved ones, tensor for tensor.
    const saved = await torch.load("model_weights.pth");
    const sd = model!.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(saved));
    for (const [k, v] of Object.entries(saved)) assert.ok(torch.equal(sd[k]!, v), k);
  } finally {
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  compareLines(lines, fx.stdout);
});
