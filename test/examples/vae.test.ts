import { test } from "node:test";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/vae.ts";
import { decodeImage } from "../../src/io/image/index.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("vae/main.py: training and test losses match PyTorch's (2 epochs of 8 batches of 32, 96 test images)", async () => {
  const fx = loadFixture("vae");
  const { argv, train_samples: trainSamples, test_samples: testSamples } = fx.args as { argv: string[]; train_samples: number; test_samples: number };
  // Weights, every reparameterization's randn_like, the samples' randn and both loaders' shuffles are PyTorch's draws.
  const undo = installReplay(fx);
  // The example reads '../data' as the original does (download: true copies the bundled files there).
  const scratch = mkdtempSync(join(tmpdir(), "kindling-vae-"));
  const cwd = process.cwd();
  // saveImage makes results/ (the original's save_image needs it made beforehand).
  mkdirSync(join(scratch, "run"));
  process.chdir(join(scratch, "run"));
  let lines: string[];
  try {
    lines = await captureOutput(() => main(argv, { trainSamples, testSamples }));
    // Not in the original (gen_examples prints the same from save_image's pixels): each PNG written, read back.
    for (const file of readdirSync("results").sort()) {
      const img = decodeImage(readFileSync(join("results", file)), file);
      const mean = img.data.reduce((a, b) => a + b, 0) / img.data.length;
      lines.push(`saved results/${file} ${img.height}x${img.width}x${img.channels} ${mean.toFixed(4)}`);
    }
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  // Losses are float32 sums of 25088 terms per batch, after up to 16 Adam steps; a pixel whose byte rounds
  // the other way moves a file's mean by 1/175692.
  compareLines(lines, fx.stdout, { rtol: 2e-5, atol: 1e-4 });
});
