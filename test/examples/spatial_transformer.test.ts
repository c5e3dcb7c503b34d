import { test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/spatial_transformer.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("spatial_transformer_tutorial.py: STN training and test losses match PyTorch's (2 epochs of 10 batches, 320 test images)", async () => {
  const fx = loadFixture("spatial_transformer");
  const { train_samples: trainSamples, test_samples: testSamples, epochs, num_workers: numWorkers } = fx.args as {
    train_samples: number; test_samples: number; epochs: number; num_workers: number;
  };
  // Weights, both loaders' shuffles, F.dropout's masks and Dropout2d's channel masks are PyTorch's draws (the
  // original swaps F.dropout2d for the same arithmetic on uniforms, as the recorder does for F.dropout).
  const undo = installReplay(fx);
  // The example downloads into '.' as the original does: run it from a scratch folder.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-stn-"));
  const cwd = process.cwd();
  process.chdir(scratch);
  let lines: string[];
  try {
    lines = await captureOutput(() => main({ trainSamples, testSamples, epochs, numWorkers }));
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  // float32 through 20 SGD steps; losses printed to 6 and 4 decimals.
  compareLines(lines, fx.stdout, { rtol: 2e-4, atol: 2e-4 });
});
