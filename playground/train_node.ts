/**
 * The playground's training loop run in Node, for measuring presets and for making the small test
 * checkpoint the browser test loads (test/fixtures/playground/mlp-small.safetensors):
 *
 *     npx tsx playground/train_node.ts [preset-id] [--backend wasm] [--threads 2] [--out file.safetensors]
 *         [--epochs n] [--hidden 64]
 */
import { writeFileSync } from "node:fs";
import * as torch from "../src/index.browser.ts";
import { PRESETS, describeSpec, saveModel, type Preset } from "./models.ts";
import { Trainer, mnistArrays } from "./train.ts";

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const id = args[0] && !args[0].startsWith("--") ? args[0] : PRESETS[0]!.id;
const base = PRESETS.find((p) => p.id === id);
if (!base) throw new Error(`no preset ${id}; presets: ${PRESETS.map((p) => p.id).join(", ")}`);
let preset: Preset = { ...base };
if (flag("epochs")) preset = { ...preset, epochs: Number(flag("epochs")) };
if (flag("hidden") && preset.spec.type === "mlp") preset = { ...preset, spec: { ...preset.spec, hidden: flag("hidden")!.split(",").map(Number) } };

torch.setBackend(flag("backend") ?? "wasm");
if (flag("threads")) torch.setNumThreads(Number(flag("threads")));

const train = mnistArrays(new torch.datasets.MNIST({ train: true }));
const test = mnistArrays(new torch.datasets.MNIST({ train: false }));

const trainer = new Trainer(preset, train, test);
console.log(`${describeSpec(preset.spec)}: ${preset.epochs} epochs x ${trainer.stepsPerEpoch} steps, batch ${preset.batchSize}, ${torch.getBackend()}`);
const t0 = performance.now();
let lossSum = 0, seen = 0;
while (!trainer.done) {
  const r = trainer.trainStep();
  lossSum += r.loss;
  seen++;
  if (trainer.evalDue) {
    const e = trainer.evaluate();
    const s = (performance.now() - t0) / 1000;
    console.log(`step ${trainer.step} epoch ${trainer.epoch.toFixed(2)} train loss ${(lossSum / seen).toFixed(4)} test acc ${(100 * e.accuracy).toFixed(2)}% (${s.toFixed(1)} s, threads ${torch.getNumThreads()})`);
    lossSum = seen = 0;
  }
}
const out = flag("out");
if (out) {
  const bytes = await saveModel(trainer.model, preset.spec, { "playground.testAccuracy": trainer.evaluate().accuracy.toFixed(4) });
  writeFileSync(out, bytes);
  console.log(`wrote ${out} (${bytes.length} bytes)`);
}
