import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../src/cli/config.ts";
import { buildOptimizer, buildScheduler, currentLr } from "../../src/cli/setup.ts";
import { brownFileText, detokenize, loadBrown } from "../../src/cli/text/corpus.ts";
import { loadTextData, randomBatch, sequentialBatches } from "../../src/cli/text/text_data.ts";
import { CharVocab } from "../../src/cli/text/vocab.ts";
import { Generator } from "../../src/tensor/random.ts";
import { tensor } from "../../src/tensor/creation.ts";
import { tempDir } from "./helpers.ts";

test("Brown tokens become running text: tags dropped, quotes and punctuation attached", () => {
  const raw = "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc it's/pps+bez (/( 1/2/cd )/) done/vbn ./.\n";
  assert.equal(brownFileText(raw), 'The jury said "no evidence", and it\'s (1/2) done.');
  assert.equal(detokenize(["$/$", "5/cd", "or/cc", "10/cd", "%/nn"]), "$5 or 10%");
});

test("the Brown corpus loads as the same ~6M characters in file order", () => {
  const press = loadBrown(["a"]);
  assert.ok(press.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced \"no evidence\""), press.slice(0, 120));
  assert.equal(press.split("\n").length, 44); // 44 press-reportage files, one line each
  assert.ok(!/\/[a-z]/.test(press.slice(0, 5000)), "no tags left");
});

test("CharVocab sorts by code point, round-trips and names an unknown character", () => {
  const v = CharVocab.fromText("hello, world\n");
  assert.deepEqual(v.chars, ["\n", " ", ",", "d", "e", "h", "l", "o", "r", "w"]);
  assert.equal(v.decode(v.encode("hold")), "hold");
  assert.throws(() => v.encode("hat", "--prompt"), /--prompt: character "a" \(position 1\) is not in the model's vocabulary of 10 characters/);
  assert.throws(() => new CharVocab(["a", "a"]), /twice/);
});

function textConfig(dir: string, text: string, extra: Record<string, unknown> = {}) {
  const path = join(dir, "corpus.txt");
  writeFileSync(path, text);
  return parseConfig({
    task: "charlm", model: { type: "lstm", embeddingDim: 8, hidden: 16, numLayers: 1 },
    data: { source: "text", path, seqLen: 4, validChars: 9 }, optimizer: { name: "adam", lr: 0.01 },
    batchSize: 2, epochs: 1, stepsPerEpoch: 3, recordPath: join(dir, "rec"), ...extra,
  }, "c.json");
}

test("text data: 9:1 split by position, windows shifted by one, a validation prefix in order", () => {
  const dir = tempDir("charlm");
  const text = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!?".repeat(2); // 128 chars
  const data = loadTextData(textConfig(dir, text));
  assert.equal(data.train.length, 115);
  assert.equal(data.valid.length, 13);
  assert.equal(data.vocab.decode(data.valid), text.slice(115));
  assert.equal(data.validChars, 9);
  const g = new Generator(3);
  const [x, y] = randomBatch(data.train, 2, 4, g);
  assert.deepEqual(x.shape, [2, 4]);
  assert.equal(x.dtype, "int64");
  const xs = x.tolist() as number[][];
  const ys = y.tolist() as number[][];
  for (let b = 0; b < 2; b++) {
    assert.deepEqual(ys[b]!.slice(0, 3), xs[b]!.slice(1));
    const s = data.vocab.decode(xs[b]!);
    assert.ok(text.slice(0, 115).includes(s + data.vocab.decode([ys[b]![3]!])));
  }
  // 9 characters give 2 windows of 4 (each needs its next character).
  const batches = [...sequentialBatches(data.valid, data.validChars, 32, 4)];
  assert.equal(batches.length, 1);
  assert.equal(data.vocab.decode(batches[0]![0].reshape(-1).tolist() as number[]), text.slice(115, 123));
  assert.equal(data.vocab.decode(batches[0]![1].reshape(-1).tolist() as number[]), text.slice(116, 124));
});

test("text configs: the task, model and data must agree; seqLen must fit the split", () => {
  const dir = tempDir("charlm-cfg");
  assert.throws(() => textConfig(dir, "abc", { task: "classification" }), /task: data.source "text" is text; set task to "charlm"/);
  assert.throws(() => textConfig(dir, "abc", { model: { type: "mlp", hidden: [4] } }), /model.type: task "charlm" needs a sequence model/);
  assert.throws(() => textConfig(dir, "abc", { model: { type: "transformer", dModel: 10, nhead: 4, numLayers: 1, dimFeedforward: 8 } }), /model.nhead: dModel 10 must be divisible by nhead 4/);
  assert.throws(() => parseConfig({ task: "classification", model: { type: "lstm", embeddingDim: 2, hidden: 2, numLayers: 1 }, data: { source: "mnist" }, optimizer: { name: "sgd", lr: 0.1 }, batchSize: 1, epochs: 1 }, "x.json"), /x.json: model.type: "lstm" is a character language model; use it with task "charlm"/);
  assert.throws(() => parseConfig({ task: "regression", model: { type: "mlp", hidden: [2] }, data: { source: "sin" }, optimizer: { name: "sgd", lr: 0.1 }, batchSize: 1, epochs: 1, stepsPerEpoch: 3 }, "x.json"), /stepsPerEpoch: only text tasks/);
  assert.throws(() => textConfig(dir, "abc", { data: { source: "text", path: join(dir, "nope.txt"), seqLen: 4 } }), /data.path: text file .*nope.txt does not exist/);
  assert.throws(() => loadTextData(textConfig(dir, "abcdefghij".repeat(3))), /data.seqLen: the validation text has 3 characters, fewer than seqLen \+ 1 = 5/);
});

test("warmupCosine: linear warm-up over warmupSteps, then a half cosine to 0 at the last step", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const opt = buildOptimizer({ name: "adamw", lr: 0.1 }, [w]);
  const { scheduler, perBatch } = buildScheduler({ name: "warmupCosine", warmupSteps: 3 }, opt, 2, 5);
  assert.equal(perBatch, true);
  const lrs = [currentLr(opt)];
  for (let i = 0; i < 10; i++) {
    opt.step();
    (scheduler as { step(): void }).step();
    lrs.push(currentLr(opt));
  }
  const expect = [0.025, 0.05, 0.075, ...[0, 1, 2, 3, 4, 5, 6, 7].map((k) => 0.05 * (1 + Math.cos((Math.PI * k) / 7)))];
  lrs.forEach((v, i) => assert.ok(Math.abs(v - expect[i]!) < 1e-12, `step ${i}: ${v} vs ${expect[i]}`));
});
