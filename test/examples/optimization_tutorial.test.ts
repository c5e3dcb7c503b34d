import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/optimization_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("basics/optimization_tutorial.py: train/test loop losses and accuracy match PyTorch's (2 epochs of 10 batches of 64, 192 test images)", async () => {
  const fx = loadFixture("optimization_tutorial");
  const { train_samples: trainSamples, test_samples: testSamples, epochs } = fx.args as { train_samples: number; test_samples: number; epochs: number };
  // The three Linear layers' weights are PyTorch's draws; the loaders do not shuffle.
  const undo = installReplay(fx);
  // The example reads 'data' in the working folder, as the original does.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-optimization-"));
  const cwd = process.cwd();
  process.chdir(scratch);
  let lines: string[];
  try {
    lines = await captureOutput(() => main({ trainSamples, testSamples, epochs }));
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  compareLines(lines, fx.stdout, { rtol: 1e-5, atol: 2e-6 });
});
