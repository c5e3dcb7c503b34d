import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig, parseConfig } from "../../src/cli/config.ts";
import { ROOT, runCli, tempDir } from "./helpers.ts";

const base = () => JSON.parse(readFileSync(join(ROOT, "configs/sin.json"), "utf8")) as Record<string, unknown>;

test("shipped configs parse", () => {
  for (const f of ["sin.json", "mnist-mlp.json", "mnist-cnn.json"]) {
    const c = loadConfig(join(ROOT, "configs", f));
    assert.match(c.hashId, /^[0-9a-f]{8}$/);
  }
});

test("the seed's config is accepted unchanged, with a note about formats kindling does not write", () => {
  const dir = tempDir("seedcfg");
  const seed = JSON.parse(readFileSync(join(ROOT, "configs/seed-char.json"), "utf8"));
  seed.raw_data_path = dir;
  const c = parseConfig(seed, "seed-char.json");
  assert.equal(c.hashId, "7cb67d02");
  assert.equal(c.batchSize, 32);
  assert.equal(c.epochs, 80);
  assert.equal(c.optimizer.lr, 0.03);
  assert.deepEqual(c.model, { type: "mlp", hidden: [1024, 2048, 512], activation: "relu" });
  assert.ok(c.savePath.endsWith("save/char/best_model.safetensors"));
  assert.ok(c.notes.some((n) => n.includes("data.npz") && n.includes("safetensors")));
  assert.ok(c.notes.some((n) => n.includes("best_model.pkl")));
});

test("a typo in a key is named", () => {
  const cfg = { ...base(), batchsize: 32 };
  assert.throws(() => parseConfig(cfg, "c.json"), (e: unknown) => e instanceof ConfigError && (e as Error).message === "c.json: unknown key 'batchsize'");
});

test("a negative learning rate is named", () => {
  const cfg = { ...base(), optimizer: { name: "adam", lr: -0.1 } };
  assert.throws(() => parseConfig(cfg, "c.json"), { name: "ConfigError", message: /^c\.json: optimizer\.lr: learning rate must be > 0$/ });
  assert.throws(() => parseConfig({ ...JSON.parse(readFileSync(join(ROOT, "configs/seed-char.json"), "utf8")), learning_rate: -1 }, "s.json"), { message: /^s\.json: learning_rate: learning rate must be > 0$/ });
});

test("a wrong type and a missing key are named", () => {
  assert.throws(() => parseConfig({ ...base(), epochs: "ten" }, "c.json"), { name: "ConfigError", message: /^c\.json: epochs: / });
  const { batchSize: _b, ...rest } = base();
  assert.throws(() => parseConfig(rest, "c.json"), { name: "ConfigError", message: /^c\.json: (missing key 'batchSize'|batchSize: )/ });
});

test("a missing data folder fails before training with one line from the CLI", () => {
  const dir = tempDir("badcfg");
  const file = join(dir, "cfg.json");
  writeFileSync(file, JSON.stringify({ ...base(), task: "classification", model: { type: "mlp", hidden: [8] }, data: { source: "folder", path: "./nope" } }));
  const r = runCli(["train", file], dir);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /^kindling: .*cfg\.json: data\.path: folder .*nope does not exist$/m);
  const typo = join(dir, "typo.json");
  writeFileSync(typo, JSON.stringify({ ...base(), epoch: 3 }));
  const r2 = runCli(["train", typo], dir);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr.trim(), /^kindling: .*typo\.json: unknown key 'epoch'$/);
});

test("key combinations that cannot run together are named before anything runs", () => {
  const dir = tempDir("combos");
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...base(), task: "classification" }, /^c\.json: task: data\.source "sin" is a regression task; set task to "regression"$/],
    [{ ...base(), data: { source: "mnist" } }, /^c\.json: task: "regression" fits sin\(x\) only; use data\.source "sin"/],
    [{ ...base(), model: { type: "cnn" } }, /^c\.json: model\.type: a "cnn" needs image data/],
    [{ ...base(), task: "classification", data: { source: "folder", path: dir, size: [20000, 20000] } }, /^c\.json: data\.size: 20000x20000 is more than 100 megapixels per image/],
    [{ ...base(), raw_data_path: dir }, /^c\.json: mixes the seed report's keys \(raw_data_path\) with kindling's \(task, model, data, optimizer, scheduler, batchSize, epochs, seed\); use one of the two shapes/],
    [{ ...base(), recordPath: "rec\u0000x" }, /^c\.json: recordPath: a path cannot contain a NUL character$/],
    [{ ...base(), "bad\nkey": 1 }, /^c\.json: unknown key "bad\\nkey"$/],
  ];
  for (const [cfg, message] of cases) assert.throws(() => parseConfig(cfg, "c.json"), (e: Error) => e.name === "ConfigError" && message.test(e.message), String(message));
});
