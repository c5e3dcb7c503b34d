import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/fgsm_tutorial.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("fgsm_tutorial.py: FGSM accuracies per epsilon and the adversarial examples match PyTorch's (a LeNet pretrained 40 steps, 100 test images)", async () => {
  const fx = loadFixture("fgsm_tutorial");
  const { train_samples: trainSamples, train_steps: trainSteps, lr, test_samples: testSamples } = fx.args as {
    train_samples: number; train_steps: number; lr: number; test_samples: number;
  };
  // Both Nets' weights, the pretraining's F.dropout and Dropout2d masks (the original swaps F.dropout2d for the
  // same arithmetic on uniforms) and every loader pass's shuffle are PyTorch's draws.
  const undo = installReplay(fx);
  // The example saves data/lenet_mnist_model.pth and downloads into '../data' as the original does: run it
  // from a scratch folder's subfolder.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-fgsm-"));
  const cwd = process.cwd();
  mkdirSync(join(scratch, "run"));
  process.chdir(join(scratch, "run"));
  let lines: string[];
  try {
    lines = await captureOutput(() => main({ trainSamples, trainSteps, lr, testSamples }));
    assert.ok(existsSync(join(scratch, "run", "data", "lenet_mnist_model.pth")), "the pretrained state dict was saved where the tutorial loads it");
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  // Counts must agree exactly: each sign(grad) step flips a prediction or not. Losses to 6 decimals after
  // 40 float32 SGD steps; adversarial pixel sums to 2.
  compareLines(lines, fx.stdout, { rtol: 2e-4, atol: 2e-4 });
});
