import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadTrainingState } from "../../src/io/checkpoint.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { ROOT, makeCharFolder, runCli, spawn, tempDir } from "./helpers.ts";

test("the seed's config, verbatim, trains and tests end to end on a folder of BMPs", { timeout: 600_000 }, () => {
  const cwd = tempDir("seed");
  // The seed's relative raw_data_path, made here: 12 classes like the seed's 12 characters.
  makeCharFolder(join(cwd, "data/char/train_raw"), 12, 4);
  mkdirSync(join(cwd, "configs"));
  copyFileSync(join(ROOT, "configs/seed-char.json"), join(cwd, "configs/seed-char.json"));
  const r = runCli(["train", "configs/seed-char.json", "--quiet"], cwd);
  assert.equal(r.code, 0, r.stderr);
  const m = /test accuracy ([\d.]+)% on (\d+) valid/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const run = join(cwd, "record/char/7cb67d02");
  for (const f of ["config.json", "metrics.jsonl", "train.log", "loss.svg", "accuracy.svg", "confusion.svg", "last.safetensors"]) {
    assert.ok(existsSync(join(run, f)), `${f} written`);
  }
  assert.ok(existsSync(join(cwd, "save/char/best_model.safetensors")));
  const metrics = readFileSync(join(run, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(metrics.length, 80);
  assert.ok(metrics[79].trainLoss < metrics[0].trainLoss);
  assert.match(readFileSync(join(run, "train.log"), "utf8"), /kindling writes safetensors instead/);
});

function smallConfig(dir: string, recordPath: string): string {
  const file = join(dir, `${recordPath.replace(/\W/g, "_")}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      task: "classification",
      model: { type: "mlp", hidden: [512, 256], dropout: 0.1 },
      data: { source: "folder", path: join(dir, "data") },
      optimizer: { name: "adam", lr: 0.001 },
      scheduler: { name: "step", stepSize: 2, gamma: 0.5 },
      batchSize: 8,
      epochs: 4,
      seed: 3,
      recordPath,
      mode: "train",
    }),
  );
  return file;
}

async function finalWeights(run: string): Promise<Map<string, Uint8Array>> {
  const s = await loadTrainingState(join(run, "last.safetensors"));
  const model = s.model as Record<string, Tensor>;
  return new Map(Object.entries(model).map(([k, t]) => [k, new Uint8Array(t.toTypedArray().buffer.slice(0))]));
}

test("a run killed with SIGKILL during epoch 2 resumes to the same final weights bit for bit", { timeout: 600_000 }, async () => {
  const dir = tempDir("resume");
  // Enough data that an epoch lasts well over the moment it takes to deliver the kill.
  makeCharFolder(join(dir, "data"), 5, 400, 7);
  const straight = smallConfig(dir, "rec_straight");
  const r = runCli(["train", straight, "--quiet"], dir);
  assert.equal(r.code, 0, r.stderr);

  const killed = smallConfig(dir, "rec_killed");
  // Kill as soon as epoch 1 has been reported: the child is then inside epoch 2.
  const child = spawn(process.execPath, [join(ROOT, "bin/kindling.mjs"), "train", killed, "--json"], { cwd: dir });
  let out = "";
  const killedAtEpoch = await new Promise<number>((resolveKill, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const epochs = out.split("\n").filter((l) => l.includes('"event":"epoch"')).length;
      if (epochs >= 1 && !child.killed) {
        child.kill("SIGKILL");
        resolveKill(epochs);
      }
    });
    child.on("exit", () => reject(new Error(`child exited before epoch 1: ${out}`)));
  });
  await new Promise((res) => child.on("exit", res));
  assert.equal(killedAtEpoch, 1);
  // The record folder holds the run (named by its 8-hex hash_id) beside the image cache.
  const runOf = (rec: string) => join(dir, rec, readdirSync(join(dir, rec)).find((d) => /^[0-9a-f]{8}$/.test(d))!);
  const before = readFileSync(join(runOf("rec_killed"), "metrics.jsonl"), "utf8").trim().split("\n");
  assert.equal(before.length, 1, "only epoch 1 finished before the kill");

  const resumed = runCli(["train", killed, "--resume", "--quiet"], dir);
  assert.equal(resumed.code, 0, resumed.stderr);
  const a = await finalWeights(runOf("rec_straight"));
  const b = await finalWeights(runOf("rec_killed"));
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, bytes] of a) assert.deepEqual(b.get(k), bytes, `${k} differs`);
  assert.equal(readFileSync(join(runOf("rec_killed"), "metrics.jsonl"), "utf8").trim().split("\n").length, 4);
});

test("predict prints the right class with its probability", { timeout: 600_000 }, () => {
  const dir = tempDir("predict");
  makeCharFolder(join(dir, "train"), 4, 30, 11);
  const testFiles = makeCharFolder(join(dir, "test"), 4, 2, 99);
  const cfg = join(dir, "cfg.json");
  writeFileSync(cfg, JSON.stringify({
    task: "classification",
    model: { type: "mlp", hidden: [64] },
    data: { source: "folder", path: join(dir, "train"), testPath: join(dir, "test") },
    optimizer: { name: "adam", lr: 0.003 },
    batchSize: 16,
    epochs: 5,
    seed: 1,
    recordPath: join(dir, "rec"),
    savePath: join(dir, "best.safetensors"),
  }));
  const r = runCli(["train", cfg, "--quiet"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /test accuracy 100\.00% on 8 test samples/);
  const image = testFiles.find((f) => f.includes("class_02"))!;
  const p = runCli(["predict", join(dir, "best.safetensors"), image], dir);
  assert.equal(p.code, 0, p.stderr);
  const m = new RegExp(`^${image.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: class_02 ([\\d.]+)%`).exec(p.stdout);
  assert.ok(m, p.stdout);
  assert.ok(Number(m[1]) > 50);
});
