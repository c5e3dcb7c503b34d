import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../examples/word_language_model.ts";
import { captureOutput, compareLines, installReplay, loadFixture } from "./harness.ts";

test("word_language_model/main.py: LSTM (tied), GRU, RNN_TANH (dry run) and Transformer losses match PyTorch's", async () => {
  const fx = loadFixture("word_language_model");
  const { runs, corpus } = fx.args as { runs: string[][]; corpus: Record<string, string> };
  // The corpus the fixture script made (wikitext-2 is not here), written where --data points.
  const dir = mkdtempSync(join(tmpdir(), "kindling-wlm-"));
  for (const [split, text] of Object.entries(corpus)) writeFileSync(join(dir, `${split}.txt`), text);
  // Weights (embedding normals, uniform inits, xavier) and every dropout mask are PyTorch's draws.
  const undo = installReplay(fx);
  let lines: string[];
  try {
    lines = await captureOutput(async () => {
      for (const argv of runs) await main([...argv, "--data", dir, "--save", join(dir, "model.pt")]);
    });
  } catch (e) {
    // The run's own error is the one to report, not the replay's count of draws left unmade.
    try {
      undo();
    } catch {}
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  undo();
  // Losses print to 2 decimals (a float32 difference may move the last digit); the unrounded test loss
  // of each run ends its lines. Wall-clock figures are not compared (the fixture's original prints 0).
  const normalize = (l: string) => l.replace(/ms\/batch\s+[\d.]+/, "ms/batch 0").replace(/time:\s+[\d.]+s/, "time: 0s");
  compareLines(lines, fx.stdout, { rtol: 1e-4, atol: 0.0100001, normalize });
  const unrounded = (ls: string[]) => ls.filter((l) => l.startsWith("test loss"));
  assert.equal(unrounded(fx.stdout).length, runs.length);
  compareLines(unrounded(lines), unrounded(fx.stdout), { rtol: 2e-5, atol: 0 });
});

test("word_language_model refuses an unknown --model and --tied with nhid != emsize, as model.py does", async () => {
  const fx = loadFixture("word_language_model");
  const { corpus } = fx.args as { corpus: Record<string, string> };
  const dir = mkdtempSync(join(tmpdir(), "kindling-wlm-"));
  for (const [split, text] of Object.entries(corpus)) writeFileSync(join(dir, `${split}.txt`), text);
  try {
    const run = (...argv: string[]) => main([...argv, "--data", dir, "--save", join(dir, "model.pt"), "--epochs", "1", "--dry-run"]);
    await assert.rejects(run("--model", "LSTMX"), /An invalid option for `--model` was supplied,\s+options are \['LSTM', 'GRU', 'RNN_TANH' or 'RNN_RELU'\]/);
    await assert.rejects(run("--model", "GRU", "--tied", "--emsize", "8", "--nhid", "12"), /When using the tied flag, nhid must be equal to emsize/);
    await assert.rejects(run("--onnx-export", "m.onnx"), /--onnx-export: exporting to ONNX is not supported/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
