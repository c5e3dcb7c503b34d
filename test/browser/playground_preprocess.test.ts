/**
 * The playground's drawing preprocessing (playground/preprocess.ts), in Node: MNIST's own test digits,
 * enlarged to a pad-sized drawing at another scale and position, come back as MNIST-style digits
 * (20-pixel box, mass centred at (14, 14)) that the committed test checkpoint still reads as well as the
 * originals. Also the playground's model metadata and loader against what `kindling train` writes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { loadBest, saveBest } from "../../src/cli/checkpoint.ts";
import { buildModel as cliBuildModel, buildSavedModel } from "../../src/cli/models.ts";
import { buildModel, loadModel, saveModel } from "../../playground/models.ts";
import { SIZE, toMnist } from "../../playground/preprocess.ts";
import { evaluate, mnistArrays } from "../../playground/train.ts";

const CHECKPOINT = fileURLToPath(new URL("../fixtures/playground/mlp-64.safetensors", import.meta.url));
const test10k = mnistArrays(new torch.datasets.MNIST({ train: false }));
const N = 300;
const PAD = 280;

/** Image i of the test set drawn `size` pixels wide at (ox, oy) on a PAD x PAD pad (bilinear). */
function drawOnPad(i: number, size: number, ox: number, oy: number): Float32Array {
  const src = test10k.images.subarray(i * 784, (i + 1) * 784);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : src[y * 28 + x]! / 255);
  const ink = new Float32Array(PAD * PAD);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sx = ((x + 0.5) / size) * 28 - 0.5, sy = ((y + 0.5) / size) * 28 - 0.5;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      const v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
      ink[(y + oy) * PAD + x + ox] = v;
    }
  }
  return ink;
}

function accuracyOn(model: torch.nn.Module, pixels: Float32Array[], labels: number[]): number {
  return torch.noGrad(() => {
    const x = torch.tensor(Float32Array.from(pixels.flatMap((p) => [...p]))).reshape(pixels.length, 1, SIZE, SIZE);
    const pred = model.forward(x).argmax(1).tolist() as number[];
    return pred.filter((p, i) => p === labels[i]).length / labels.length;
  });
}

test("an empty drawing is no digit", () => {
  assert.equal(toMnist(new Float32Array(PAD * PAD), PAD, PAD), null);
  assert.equal(toMnist(new Float32Array(PAD * PAD).fill(0.003), PAD, PAD), null, "ink under 1/255");
});

test("a drawn bar becomes a 20-pixel box with its mass on pixel (14, 14) as in MNIST, wherever and however large it was drawn", () => {
  for (const [x0, y0, w, h] of [[10, 20, 40, 150], [150, 100, 120, 30], [0, 0, 280, 280]] as const) {
    const ink = new Float32Array(PAD * PAD);
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) ink[y * PAD + x] = 1;
    const d = toMnist(ink, PAD, PAD)!;
    assert.deepEqual(d.box, [x0, y0, w, h]);
    let mass = 0, mx = 0, my = 0, minX = SIZE, maxX = -1, minY = SIZE, maxY = -1;
    d.pixels.forEach((v, i) => {
      const x = i % SIZE, y = Math.floor(i / SIZE);
      mass += v;
      mx += v * x;
      my += v * y;
      if (v > 0) [minX, maxX, minY, maxY] = [Math.min(minX, x), Math.max(maxX, x), Math.min(minY, y), Math.max(maxY, y)];
    });
    assert.equal(Math.max(maxX - minX, maxY - minY) + 1, 20, `longest side of ${w}x${h}`);
    assert.ok(Math.abs(mx / mass - 14) <= 0.5 && Math.abs(my / mass - 14) <= 0.5, `centre (${mx / mass}, ${my / mass})`);
    assert.ok(Math.max(...d.pixels) <= 1 && Math.min(...d.pixels) >= 0);
    // Area averaging keeps the ink: the bar's area in 28x28 pixels (scaled by (20/longest)^2).
    const s = 20 / Math.max(w, h);
    assert.ok(Math.abs(mass - Math.round(w * s) * Math.round(h * s)) < 1e-3, `mass ${mass}`);
  }
});

test("an MNIST digit enlarged 10x (each pixel a 10x10 block) comes back as the same 28x28 digit", () => {
  for (let i = 0; i < N; i++) {
    const img = test10k.images.subarray(i * 784, (i + 1) * 784);
    const ink = new Float32Array(PAD * PAD);
    for (let y = 0; y < PAD; y++) for (let x = 0; x < PAD; x++) ink[y * PAD + x] = img[Math.floor(y / 10) * 28 + Math.floor(x / 10)]! / 255;
    const d = toMnist(ink, PAD, PAD)!;
    const err = Math.max(...d.pixels.map((v, j) => Math.abs(v - img[j]! / 255)));
    assert.ok(err < 1e-5, `test digit ${i}: max pixel error ${err}`);
  }
});

test("MNIST test digits redrawn off-centre at other sizes are read as well as the originals by the test checkpoint", async (t) => {
  const { model } = await loadModel(new Uint8Array(readFileSync(CHECKPOINT)));
  const labels = Array.from(test10k.labels.subarray(0, N));
  const base = evaluate(model, test10k, N).accuracy;
  for (const [size, ox, oy] of [[280, 0, 0], [173, 90, 12], [97, 5, 170]] as const) {
    const redrawn = labels.map((_, i) => toMnist(drawOnPad(i, size, ox, oy), PAD, PAD)!.pixels);
    const acc = accuracyOn(model, redrawn, labels);
    t.diagnostic(`drawn ${size} px at (${ox}, ${oy}): ${acc} (originals ${base})`);
    assert.ok(acc >= base - 0.01, `drawn ${size} px at (${ox}, ${oy}): ${acc} vs ${base} on the originals`);
  }
  assert.ok(base >= 0.95, `the checkpoint reads ${base} of the first ${N} test digits`);
});

test("models: saved with kindling train's metadata, loaded back into the same network; a wrong file is a FormatError", async () => {
  torch.manualSeed(1);
  const spec = { type: "cnn" as const, channels: [4, 8], hidden: 16 };
  const model = buildModel(spec);
  const bytes = await saveModel(model, spec);
  const { metadata } = await torch.loadWithMetadata(bytes);
  assert.deepEqual(JSON.parse(metadata["kindling.model"]!), { model: spec, task: "classification", classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], inputShape: [1, 28, 28] });
  const back = await loadModel(bytes);
  assert.deepEqual(back.spec, spec);
  const x = torch.rand([2, 1, 28, 28]);
  model.eval();
  assert.deepEqual([...back.model.forward(x).toTypedArray()], [...model.forward(x).toTypedArray()]);
  assert.equal(String(back.model), String(model));

  await assert.rejects(loadModel(await torch.save(model.stateDict())), /FormatError: this file has no kindling\.model metadata/);
  const sin = await torch.save(model.stateDict(), null, { metadata: { "kindling.model": JSON.stringify({ model: { type: "mlp", hidden: [8] }, task: "regression", classes: [], inputShape: [1] }) } });
  await assert.rejects(loadModel(sin), /FormatError: it is not an MNIST classifier \(task regression, 0 classes, input 1\)/);
  const lying = await torch.save(model.stateDict(), null, { metadata: { "kindling.model": JSON.stringify({ model: { type: "mlp", hidden: [8] }, task: "classification", classes: [..."0123456789"], inputShape: [1, 28, 28] }) } });
  await assert.rejects(loadModel(lying), /FormatError: its metadata describes 6370 weights but the file holds \d+/);
});

test("checkpoints cross with `kindling train` both ways: its best.safetensors (configs' models) opens here, ours in `kindling predict`", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kindling-playground-"));
  try {
    const cnnConfig = JSON.parse(readFileSync(new URL("../../configs/mnist-cnn.json", import.meta.url), "utf8")) as { model: { type: "cnn"; channels: number[]; hidden: number; dropout: number } };
    const mlpSpec = { type: "mlp" as const, hidden: [48, 24], activation: "tanh" as const, dropout: 0.1 };
    const x = torch.rand([3, 1, 28, 28]);
    for (const spec of [cnnConfig.model, mlpSpec]) {
      torch.manualSeed(2);
      const cli = cliBuildModel(spec, { input: [1, 28, 28], outputs: 10 });
      cli.eval();
      const path = join(dir, "best.safetensors");
      await saveBest(path, cli, { model: spec, task: "classification", classes: [..."0123456789"], inputShape: [1, 28, 28] }, { "kindling.run": "test" });
      const ours = await loadModel(new Uint8Array(readFileSync(path)));
      assert.equal(String(ours.model), String(cli), "the same layers");
      assert.deepEqual([...ours.model.forward(x).toTypedArray()], [...cli.forward(x).toTypedArray()]);

      writeFileSync(path, await saveModel(ours.model, ours.spec));
      const { tensors, meta } = await loadBest(path);
      const back = buildSavedModel(path, tensors, meta);
      back.eval();
      assert.deepEqual([...back.forward(x).toTypedArray()], [...cli.forward(x).toTypedArray()], "kindling predict's loader");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
