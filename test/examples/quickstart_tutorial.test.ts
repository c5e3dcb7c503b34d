import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/quickstart_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("basics/quickstart_tutorial.py: SGD losses, test accuracy and the reloaded model's prediction match PyTorch's", async () => {
  const fx = loadFixture("quickstart_tutorial");
  const { train_samples: trainSamples, test_samples: testSamples, epochs } = fx.args as { train_samples: number; test_samples: number; epochs: number };
  // The three Linear layers' weights are PyTorch's draws; the loaders do not shuffle.
  const undo = installReplay(fx);
  // The example reads 'data' and writes model.pth in the working folder, as the original does.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-quickstart-"));
  const cwd = process.cwd();
  process.chdir(scratch);
  let lines: string[];
  try {
    lines = await captureOutput(() => main({ trainSamples, testSamples, epochs }));
    assert.ok(existsSync(join(scratch, "model.pth")));
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  compareLines(lines, fx.stdout, { rtol: 1e-5, atol: 2e-6 });
});
