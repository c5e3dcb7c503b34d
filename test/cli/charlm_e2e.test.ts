import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { oneLineError, runCli, tempDir } from "./helpers.ts";

/** A small repetitive text: a model learns it within a few dozen steps. */
function corpus(dir: string): string {
  const words = "the cat sat on a mat and the dog ran to the park with a ball".split(" ");
  let s = 1;
  const out: string[] = [];
  for (let i = 0; i < 2500; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(words[Math.floor(s / 65536) % words.length]!);
  }
  const path = join(dir, "corpus.txt");
  writeFileSync(path, out.join(" "));
  return path;
}

const MODELS = {
  lstm: { type: "lstm", embeddingDim: 16, hidden: 48, numLayers: 2, dropout: 0.1 },
  transformer: { type: "transformer", dModel: 32, nhead: 4, numLayers: 2, dimFeedforward: 64, dropout: 0.1 },
};

for (const [kind, model] of Object.entries(MODELS)) {
  test(`charlm ${kind}: train, bits per character fall, the best model generates and tests`, { timeout: 300_000 }, () => {
    const dir = tempDir(`charlm-${kind}`);
    const config = join(dir, "c.json");
    writeFileSync(config, JSON.stringify({
      task: "charlm", model, data: { source: "text", path: corpus(dir), seqLen: 24 },
      optimizer: { name: "adamw", lr: 0.01, weightDecay: 0.01 }, scheduler: { name: "warmupCosine", warmupSteps: 5 },
      gradClip: 1, batchSize: 16, epochs: 3, stepsPerEpoch: 25, seed: 3, recordPath: join(dir, "rec"),
    }));
    const r = runCli(["train", config], dir);
    assert.equal(r.code, 0, r.stderr);
    const [run] = readFileSync(join(dir, "rec", (r.stdout.match(/run (\w{8})/) ?? [])[1] ?? "x", "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l)).slice(-1);
    const m = /best valid ([\d.]+) bits per character on (\d+) validation characters/.exec(r.stdout);
    assert.ok(m, r.stdout);
    // Uniform over the 19 characters is log2(19) = 4.2 bits; the text is far more predictable than that.
    assert.ok(Number(m[1]) < 3, r.stdout);
    assert.equal(run.epoch, 3);
    assert.ok(Math.abs(run.validBpc - run.validLoss / Math.LN2) < 1e-12);
    assert.match(r.stdout, /sample: "/);
    const hash = /run (\w{8})/.exec(r.stdout)![1]!;
    const best = join(dir, "rec", hash, "best.safetensors");
    for (const f of ["bpc.svg", "loss.svg", "last.safetensors", "config.json"]) assert.ok(existsSync(join(dir, "rec", hash, f)), f);

    const g = runCli(["generate", best, "--prompt", "the ", "--tokens", "60", "--temperature", "0.5", "--top-k", "5", "--seed", "1"], dir);
    assert.equal(g.code, 0, g.stderr);
    const text = g.stdout.replace(/\n$/, "");
    assert.equal(text.length, 64);
    assert.ok(text.startsWith("the "));
    const again = runCli(["generate", best, "--prompt", "the ", "--tokens", "60", "--temperature", "0.5", "--top-k", "5", "--seed", "1"], dir);
    assert.equal(again.stdout, g.stdout, "the same seed gives the same sample");
    const greedy = runCli(["generate", best, "--prompt", "the ", "--tokens", "20", "--temperature", "0"], dir);
    assert.equal(greedy.code, 0, greedy.stderr);

    assert.match(oneLineError(runCli(["generate", best, "--prompt", "THE"], dir).stderr), /--prompt: character "T" \(position 0\) is not in the model's vocabulary of 19 characters/);
    assert.match(oneLineError(runCli(["generate", best, "--temperature", "hot"], dir).stderr), /--temperature "hot": expected a number >= 0/);

    const t = runCli(["test", config], dir);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, new RegExp(`valid ${m[1]} bits per character`));
  });
}

test("generate refuses an image classifier's checkpoint in one line", () => {
  const dir = tempDir("charlm-kind");
  const r = runCli(["generate", join(dir, "missing.safetensors")], dir);
  assert.notEqual(r.code, 0);
  oneLineError(r.stderr);
});

test("charlm refuses a savePath that is a device before writing anything (an atomic rename would replace it)", () => {
  const dir = tempDir("charlm-dev");
  const config = join(dir, "c.json");
  writeFileSync(config, JSON.stringify({
    task: "charlm", model: MODELS.lstm, data: { source: "text", path: corpus(dir), seqLen: 24 },
    optimizer: { name: "adam", lr: 0.01 }, batchSize: 4, epochs: 1, stepsPerEpoch: 1, recordPath: join(dir, "rec"), savePath: "/dev/null",
  }));
  const r = runCli(["train", config], dir);
  assert.match(oneLineError(r.stderr), /savePath: \/dev\/null is a device, not a file/);
});
