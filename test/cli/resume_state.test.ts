import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadLast } from "../../src/cli/checkpoint.ts";
import { loadConfig } from "../../src/cli/config.ts";
import { buildModel } from "../../src/cli/models.ts";
import { buildOptimizer, buildScheduler } from "../../src/cli/setup.ts";
import { loadTrainingState, saveTrainingState, type TrainingState } from "../../src/io/checkpoint.ts";
import { Generator } from "../../src/tensor/random.ts";
import { oneLineError, runCli, sinConfig, tempDir } from "./helpers.ts";

// --resume trusts nothing in last.safetensors that the config can check, and a run clears the temp
// files that killed writes left behind.

const HASH = "0000abcd";

test("a run removes temp files of killed writes (record, cache and savePath folders) but not a live writer's", () => {
  const dir = tempDir("stale");
  const rec = join(dir, "rec");
  const run = join(rec, HASH);
  const save = join(dir, "save");
  for (const d of [run, join(rec, "cache"), save]) mkdirSync(d, { recursive: true });
  const dead = spawnSync("true").pid!;
  const stale = [
    join(run, `last.safetensors.tmp-${dead}-0123456789ab`),
    join(run, `metrics.jsonl.tmp-${dead}-a1b2c3d4e5f6`),
    join(rec, "cache", `train-1234.cache.tmp-${dead}-00ff00ff00ff`),
    join(save, `best.safetensors.tmp-${dead}-ffffffffffff`),
  ];
  const live = join(run, `loss.svg.tmp-${process.pid}-abcdefabcdef`);
  for (const f of [...stale, live]) writeFileSync(f, "half a write");
  const cfg = sinConfig(dir, "c", { hashId: HASH, recordPath: rec, savePath: join(save, "best.safetensors"), mode: "train", epochs: 1 });
  const r = runCli(["train", cfg, "--quiet"], dir);
  assert.equal(r.code, 0, r.stderr);
  for (const f of stale) assert.ok(!existsSync(f), `${f} removed`);
  assert.ok(existsSync(live), "a temp file of a running process is left alone");
  assert.ok(existsSync(join(save, "best.safetensors")));
});

async function rewriteLast(path: string, change: (s: TrainingState) => void): Promise<void> {
  const s = await loadTrainingState(path);
  change(s);
  await saveTrainingState(path, s);
}

test("--resume refuses an epoch that is not a whole number within the config's epochs (it used to exit 0 untrained)", async () => {
  const dir = tempDir("badepoch");
  const cfg = sinConfig(dir, "c", { hashId: HASH, mode: "train" });
  assert.equal(runCli(["train", cfg, "--quiet"], dir).code, 0);
  const last = join(dir, "rec-c", HASH, "last.safetensors");
  for (const [epoch, shown] of [["x", '"x"'], [1e9, "1000000000"]] as const) {
    await rewriteLast(last, (s) => {
      s.epoch = epoch;
    });
    const r = runCli(["train", cfg, "--resume"], dir);
    assert.equal(r.code, 1, `epoch ${shown}: ${r.stdout}`);
    assert.equal(
      oneLineError(r.stderr),
      `kindling: ${last}: cannot resume: epoch is ${shown}, expected a whole number from 0 to 2 (the config's epochs) (a damaged checkpoint or one from another run; delete it to start over)`,
    );
  }
});

test("loadLast refuses a state without rng, a bad bestMetric, or a scheduler the config does not have", async () => {
  const dir = tempDir("badstate");
  const cfgFile = sinConfig(dir, "c", { hashId: HASH, mode: "train" });
  const config = loadConfig(cfgFile);
  const parts = () => {
    const model = buildModel(config.model, { input: [1], outputs: 1 });
    const optimizer = buildOptimizer(config.optimizer, model.parameters());
    const { scheduler } = buildScheduler(config.scheduler, optimizer, config.epochs, 3);
    return { model, optimizer, scheduler, dataGen: new Generator(1) };
  };
  const p = parts();
  const good: TrainingState = {
    model: p.model.stateDict() as TrainingState,
    optimizer: p.optimizer.stateDict() as unknown as TrainingState,
    scheduler: p.scheduler!.stateDict() as TrainingState,
    rng: { default: [1, 2, 3, 4, 5], data: [6, 7, 8, 9, 10] },
    epoch: 1,
    bestMetric: 0.5,
  };
  const path = join(dir, "last.safetensors");
  await saveTrainingState(path, good);
  assert.deepEqual(await loadLast(path, config, parts()), { epoch: 1, bestMetric: 0.5 });
  const cases: [Partial<TrainingState>, RegExp][] = [
    [{ rng: undefined }, /cannot resume: rng is missing or malformed/],
    [{ rng: { default: [1, 2, 3], data: [6, 7, 8, 9, 10] } }, /cannot resume: rng is missing or malformed/],
    [{ bestMetric: "best" }, /cannot resume: bestMetric is "best", expected a finite number or null/],
    [{ scheduler: null }, /cannot resume: the config has a "cosine" scheduler but the checkpoint holds no scheduler state/],
    [{ model: { "0.weight": 3 } }, /cannot resume: model is missing or is not a state dict of tensors/],
    [{ epoch: -1 }, /cannot resume: epoch is -1, expected a whole number from 0 to 2/],
  ];
  for (const [change, message] of cases) {
    // An undefined value is not written at all (rng: undefined saves a state without rng).
    await saveTrainingState(path, { ...good, ...change } as TrainingState);
    await assert.rejects(loadLast(path, config, parts()), (e: Error) => e.name === "FormatError" && message.test(e.message), String(message));
  }
});
