import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { saveBest } from "../../src/cli/checkpoint.ts";
import { buildModel } from "../../src/cli/models.ts";
import { encodeBMP } from "../../src/io/image/index.ts";
import { loadTrainingState } from "../../src/io/checkpoint.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { oneLineError, runCli, sinConfig, tempDir } from "./helpers.ts";

// The numerical guard: a diverged run stops, and nothing non-finite is saved or used as a model.

const diverging = { optimizer: { name: "sgd", lr: 1e6 }, scheduler: null, hashId: "00000001", mode: "train_and_test" };

test("sin with SGD at lr 1e6 stops in epoch 1 with one line, exit 1, and no checkpoint at all", () => {
  const dir = tempDir("nan");
  const cfg = sinConfig(dir, "nan", diverging);
  const r = runCli(["train", cfg, "--quiet"], dir);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    oneLineError(r.stderr),
    /^kindling: epoch 1, step [1-3]: the (training|validation) loss is (NaN|Infinity); the run diverged and was stopped \(nothing non-finite was saved\)\. Try a smaller learning rate \(optimizer\.lr; it was 1\.00e\+6 here\), or pass --allow-nonfinite to keep going$/,
  );
  const run = join(dir, "rec-nan", "00000001");
  assert.deepEqual(readdirSync(run).sort(), ["config.json", "train.log"]);
  assert.match(readFileSync(join(run, "train.log"), "utf8"), /stopped: epoch 1, step/);
});

test("--allow-nonfinite goes on but never saves a non-finite best; --resume then refuses the NaN state without the flag", async () => {
  const dir = tempDir("allow");
  const cfg = sinConfig(dir, "allow", { ...diverging, mode: "train" });
  const r = runCli(["train", cfg, "--quiet", "--allow-nonfinite"], dir);
  assert.equal(r.code, 0, r.stderr);
  const run = join(dir, "rec-allow", "00000001");
  assert.ok(!existsSync(join(run, "best.safetensors")), "no best model");
  const last = await loadTrainingState(join(run, "last.safetensors"));
  assert.equal(last.epoch, 2);
  assert.ok(Number.isNaN((last.model as Record<string, Tensor>)["0.weight"]!.toTypedArray()[0]));
  assert.match(readFileSync(join(run, "train.log"), "utf8"), /epoch 1: the model is not finite; not saved as best/);

  const resumed = runCli(["train", cfg, "--resume"], dir);
  assert.equal(resumed.code, 1);
  assert.match(oneLineError(resumed.stderr), /last\.safetensors: weight "0\.weight" holds 64 of 64 values that are NaN or infinite .*pass --allow-nonfinite to continue it, or delete it/);
});

test("predict refuses a checkpoint with NaN weights in one line", async () => {
  const dir = tempDir("nanpredict");
  const model = buildModel({ type: "mlp", hidden: [4] }, { input: [1, 4, 4], outputs: 2 });
  const w = model.parameters()[2]!;
  (w.storage as Float32Array)[5] = NaN;
  (w.storage as Float32Array)[6] = Infinity;
  const ckpt = join(dir, "best.safetensors");
  await saveBest(ckpt, model, { model: { type: "mlp", hidden: [4] }, task: "classification", classes: ["a", "b"], inputShape: [1, 4, 4] }, {});
  const image = join(dir, "x.bmp");
  writeFileSync(image, encodeBMP({ width: 4, height: 4, channels: 1, data: new Uint8Array(16).fill(90) }));
  const r = runCli(["predict", ckpt, image], dir);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.stdout, "");
  assert.equal(
    oneLineError(r.stderr),
    `kindling: ${ckpt}: weight "3.weight" holds 2 of 8 values that are NaN or infinite (e.g. NaN); this model comes from a diverged run (retrain with a smaller learning rate, or pass --allow-nonfinite to use it anyway)`,
  );
  const forced = runCli(["predict", ckpt, image, "--allow-nonfinite", "--top", "1"], dir);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /x\.bmp: (a|b) NaN%/);
});
