/**
 * The playground's training loop over MNIST's raw bytes (uint8 pixels, one label byte per image):
 * Adam with a one-cycle learning rate, cross-entropy, full test-set evaluations a few times an epoch.
 * It runs one step per call so its owner (the Web Worker, or a Node script) decides when to yield,
 * report and stop. No DOM here.
 */
import * as torch from "../src/index.browser.ts";
import { buildModel, type Preset } from "./models.ts";

const F = torch.nn.functional;
const PIXELS = 784;

export interface MnistArrays {
  /** count x 784 pixels, 0-255, row-major 28x28 per image (as in the IDX file). */
  images: Uint8Array;
  labels: Uint8Array | Int32Array;
  count: number;
}

/** MNIST's raw arrays, as datasets.MNIST keeps them (from files in Node, fromUrl/fromBytes in a page). */
export function mnistArrays(ds: { data: Uint8Array; targets: Uint8Array | Int32Array; length: number }): MnistArrays {
  return { images: ds.data, labels: ds.targets, count: ds.length };
}

/** A batch of images as a [n, 1, 28, 28] float tensor in [0, 1] (what datasets.MNIST gives). */
export function imagesTensor(images: Uint8Array, indices: ArrayLike<number>): torch.Tensor {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < n; i++) {
    const src = images.subarray(indices[i]! * PIXELS, (indices[i]! + 1) * PIXELS);
    for (let p = 0; p < PIXELS; p++) x[i * PIXELS + p] = src[p]! / 255;
  }
  return torch.tensor(x).reshape(n, 1, 28, 28);
}

export interface StepResult {
  loss: number;
  correct: number;
  size: number;
}

export interface EvalResult {
  accuracy: number;
  loss: number;
}

export class Trainer {
  readonly model: torch.nn.Sequential;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  step = 0;
  private readonly optimizer: torch.optim.Adam;
  private readonly scheduler: torch.optim.lrScheduler.OneCycleLR;
  private readonly generator: torch.Generator;
  private order: number[] = [];

  constructor(readonly preset: Preset, readonly train: MnistArrays, readonly test: MnistArrays, seed = 0) {
    torch.manualSeed(seed);
    this.generator = new torch.Generator().manualSeed(seed);
    this.model = buildModel(preset.spec);
    this.stepsPerEpoch = Math.ceil(train.count / preset.batchSize);
    this.totalSteps = this.stepsPerEpoch * preset.epochs;
    this.optimizer = new torch.optim.Adam(this.model.parameters(), { lr: preset.maxLr });
    this.scheduler = new torch.optim.lrScheduler.OneCycleLR(this.optimizer, { maxLr: preset.maxLr, totalSteps: this.totalSteps, pctStart: 0.2 });
  }

  get done(): boolean {
    return this.step >= this.totalSteps;
  }

  get epoch(): number {
    return this.step / this.stepsPerEpoch;
  }

  /** Whether the step just taken ends an evaluation interval (a few per epoch, and the last step). */
  get evalDue(): boolean {
    const every = Math.max(1, Math.round(this.stepsPerEpoch / this.preset.evalsPerEpoch));
    return this.step > 0 && (this.step % every === 0 || this.done);
  }

  /** One optimizer step on the next shuffled batch (a fresh permutation each epoch). */
  trainStep(): StepResult {
    const within = this.step % this.stepsPerEpoch;
    if (within === 0) this.order = torch.randperm(this.train.count, { generator: this.generator }).tolist() as number[];
    const idx = this.order.slice(within * this.preset.batchSize, (within + 1) * this.preset.batchSize);
    const x = imagesTensor(this.train.images, idx);
    const y = torch.tensor(idx.map((i) => this.train.labels[i]!), { dtype: "int64" });
    this.model.train();
    this.optimizer.zeroGrad();
    const logits = this.model.forward(x);
    const loss = F.crossEntropy(logits, y);
    loss.backward();
    this.optimizer.step();
    this.scheduler.step();
    this.step++;
    const correct = torch.noGrad(() => logits.argmax(1).eq(y).sum().item());
    return { loss: loss.item(), correct, size: idx.length };
  }

  /** Accuracy and mean loss over the test set (or its first `limit` images). */
  evaluate(limit = this.test.count, batch = 500): EvalResult {
    return evaluate(this.model, this.test, limit, batch);
  }
}

export function evaluate(model: torch.nn.Module, data: MnistArrays, limit = data.count, batch = 500): EvalResult {
  model.eval();
  let correct = 0, lossSum = 0;
  const n = Math.min(limit, data.count);
  torch.noGrad(() => {
    for (let start = 0; start < n; start += batch) {
      const idx = Array.from({ length: Math.min(batch, n - start) }, (_, i) => start + i);
      const y = torch.tensor(idx.map((i) => data.labels[i]!), { dtype: "int64" });
      const logits = model.forward(imagesTensor(data.images, idx));
      lossSum += F.crossEntropy(logits, y, { reduction: "sum" }).item();
      correct += logits.argmax(1).eq(y).sum().item();
    }
  });
  return { accuracy: correct / n, loss: lossSum / n };
}
