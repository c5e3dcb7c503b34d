import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/mnist_rnn.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("mnist_rnn/main.py: LSTM over image rows, Adadelta + StepLR losses and test accuracy match PyTorch's (2 epochs of 6 batches, 300 test images)", async () => {
  const fx = loadFixture("mnist_rnn");
  const { argv, train_samples: trainSamples, test_samples: testSamples } = fx.args as { argv: string[]; train_samples: number; test_samples: number };
  // LSTM/Linear weights, both Dropout2d masks and both loaders' shuffles are PyTorch's draws.
  const undo = installReplay(fx);
  // The example downloads into '../data' as the original does: run it from a scratch folder's subfolder.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-mnist-rnn-"));
  const cwd = process.cwd();
  mkdirSync(join(scratch, "run"));
  process.chdir(join(scratch, "run"));
  let lines: string[];
  try {
    lines = await captureOutput(() => main(argv, { trainSamples, testSamples }));
    assert.ok(existsSync(join(scratch, "data", "MNIST", "raw", "t10k-images-idx3-ubyte")), "download: true placed the files under ../data/MNIST/raw");
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  // Printed to 6 and 4 decimals: float32 differences in twelve Adadelta steps stay in the last digit or two.
  compareLines(lines, fx.stdout, { rtol: 2e-4, atol: 2e-4 });
});

test("mnist_rnn takes the original's flags and refuses bad values as argparse does", async () => {
  const exit = process.exit;
  const err = process.stderr.write;
  let message = "";
  process.exit = ((code: number) => {
    throw new Error(`exit ${code}`);
  }) as typeof process.exit;
  process.stderr.write = ((chunk: string) => ((message += chunk), true)) as typeof process.stderr.write;
  try {
    assert.throws(() => main(["--batch-size", "x"]), /exit 1/);
    assert.match(message, /--batch-size.*invalid int value: 'x'/);
  } finally {
    process.exit = exit;
    process.stderr.write = err;
  }
});
