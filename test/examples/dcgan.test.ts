import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as torch from "../../src/index.ts";
import { main } from "../../examples/dcgan.ts";
import { decodeImage } from "../../src/io/image/index.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("dcgan/main.py (mnist): the networks' printout, every iteration's losses and D outputs, and the checkpoints' BatchNorm statistics match PyTorch's", async () => {
  const fx = loadFixture("dcgan");
  const { argv, train_samples: trainSamples } = fx.args as { argv: string[]; train_samples: number };
  // Both networks' default and weights_init draws, the fixed and per-iteration noise, and the shuffles are PyTorch's.
  const undo = installReplay(fx);
  // Run from a scratch folder: '../data' receives MNIST, '.' (--outf) the checkpoints.
  const scratch = mkdtempSync(join(tmpdir(), "kindling-dcgan-"));
  const cwd = process.cwd();
  mkdirSync(join(scratch, "run"));
  process.chdir(join(scratch, "run"));
  let lines: string[];
  try {
    lines = await captureOutput(() => main(argv, { trainSamples }));
    // Not in the original (gen_examples prints the same from PyTorch's files): the last checkpoints, read back.
    const niter = Number(argv[argv.indexOf("--niter") + 1]);
    for (const [name, key] of [["netD", "main.3.running_mean"], ["netD", "main.3.running_var"], ["netG", "main.1.running_mean"]] as const) {
      const sd = await torch.load(`./${name}_epoch_${niter - 1}.pth`);
      assert.ok(sd[key], `${name}_epoch_${niter - 1}.pth holds ${key}`);
      lines.push(`${name} ${key} ${(sd[key]!.tolist() as number[]).map((v) => v.toFixed(6)).join(" ")}`);
    }
    // And each PNG save_image wrote.
    for (const file of readdirSync(".").filter((f) => f.endsWith(".png")).sort()) {
      const img = decodeImage(readFileSync(file), file);
      const mean = img.data.reduce((a, b) => a + b, 0) / img.data.length;
      lines.push(`saved ./${file} ${img.height}x${img.width}x${img.channels} ${mean.toFixed(4)}`);
    }
  } finally {
    undo();
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  // argparse spells the --dry-run flag's attribute dry_run, commander dryRun.
  const normalize = (l: string) => l.replace("dry_run=", "dryRun=");
  // The losses, D outputs and the files' mean bytes are printed to 4 decimals (one unit of the last may
  // differ by rounding); the three BatchNorm rows to 6, after 4 iterations of float32 arithmetic.
  const stats = (ls: string[]) => ls.filter((l) => /^net[DG] main/.test(l));
  const others = (ls: string[]) => ls.filter((l) => !/^net[DG] main/.test(l));
  assert.equal(stats(lines).length, 3);
  compareLines(others(lines), others(fx.stdout), { rtol: 0, atol: 1.5e-4, normalize });
  compareLines(stats(lines), stats(fx.stdout), { rtol: 1e-4, atol: 3e-6 });
});

test("dcgan --dataset fake --dry-run: one iteration on datasets.FakeData (kindling's own draws), then the checkpoints", async () => {
  const scratch = mkdtempSync(join(tmpdir(), "kindling-dcgan-fake-"));
  const cwd = process.cwd();
  process.chdir(scratch);
  let lines: string[];
  try {
    const argv = ["--dataset", "fake", "--dry-run", "--workers", "0", "--batchSize", "2", "--nz", "4", "--ngf", "2", "--ndf", "2", "--manualSeed", "3"];
    lines = await captureOutput(() => main(argv));
    assert.deepEqual(readdirSync(".").sort(), ["fake_samples_epoch_000.png", "netD_epoch_0.pth", "netG_epoch_0.pth", "real_samples.png"]);
  } finally {
    process.chdir(cwd);
    rmSync(scratch, { recursive: true, force: true });
  }
  const iterations = lines.filter((l) => l.startsWith("["));
  assert.equal(iterations.length, 1);
  // FakeData's 1000 samples in batches of 2; a BCE loss of two sigmoid outputs is finite and positive.
  const m = /^\[0\/1\]\[0\/500\] Loss_D: (\d+\.\d{4}) Loss_G: (\d+\.\d{4}) D\(x\): (0\.\d{4}) D\(G\(z\)\): (0\.\d{4}) \/ (0\.\d{4})$/.exec(iterations[0]!);
  assert.ok(m, iterations[0]);
  assert.ok(Number(m[1]) > 0 && Number(m[2]) > 0);
});
