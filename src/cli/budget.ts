import { totalmem } from "node:os";
import type { ResolvedConfig } from "./config.ts";
import { ConfigError } from "./config.ts";
import { textModelSize } from "./text/text_models.ts";

/**
 * Sizes checked before anything is allocated: a config asking for a model or a data set that cannot
 * fit in this machine's memory fails at once with the key to change, instead of an allocation error
 * deep inside (or the kernel's OOM killer, which leaves no message at all).
 */

const BYTES = 4; // float32
/** From this many parameters, initializing the weights alone takes seconds: the log says why it waits. */
const BIG_NETWORK = 1e8;

/** The memory kindling may plan for: the machine's, or the container's limit when that is lower. */
export function memoryLimit(): number {
  const total = totalmem();
  const constrained = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

const gb = (n: number) => (n < 1e8 ? `${Math.ceil(n / 1e6)} MB` : `${n < 1e10 ? (n / 1e9).toFixed(1) : n < 1e15 ? (n / 1e9).toFixed(0) : (n / 1e9).toExponential(1)} GB`);

/** Float buffers per parameter besides the weight itself: its gradient and the optimizer's slots. */
function copiesPerParameter(o: ResolvedConfig["optimizer"]): number {
  const momentum = (o.momentum ?? 0) > 0 ? 1 : 0;
  switch (o.name) {
    case "sgd":
      return 1 + momentum;
    case "adam":
    case "adamw":
      return 3;
    case "rmsprop":
      return 2 + momentum;
    case "adagrad":
      return 2;
    case "adadelta":
    case "nadam":
    case "radam":
      return 3;
  }
}

export interface ModelSize {
  parameters: number;
  /** Floats of activations (with what backward keeps) per sample. */
  activationsPerSample: number;
}

/** Parameter and activation counts of the network buildModel makes, computed without building it. */
export function modelSize(model: ResolvedConfig["model"], input: readonly number[], outputs: number): ModelSize {
  // Text models: input is [seqLen], outputs the vocabulary size.
  if (model.type === "lstm" || model.type === "transformer") return textModelSize(model, input[0]!, outputs);
  if (model.type === "mlp") {
    let width = input.reduce((a, b) => a * b, 1);
    let parameters = 0;
    let acts = width;
    for (const h of [...model.hidden, outputs]) {
      parameters += width * h + h;
      acts += 3 * h; // linear output, activation, dropout mask
      width = h;
    }
    return { parameters, activationsPerSample: acts };
  }
  let [c, h, w] = input as [number, number, number];
  const channels = model.channels ?? [32, 64];
  let parameters = 0;
  let acts = c * h * w;
  channels.forEach((out, i) => {
    parameters += c * out * 9 + out;
    h = Math.max(h - 2, 0);
    w = Math.max(w - 2, 0);
    acts += c * 9 * h * w + 2 * out * h * w; // im2col columns, conv output, ReLU
    c = out;
    if (i % 2 === 1 || i === channels.length - 1) {
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
      acts += c * h * w;
    }
  });
  const hidden = model.hidden ?? 128;
  parameters += c * h * w * hidden + hidden + hidden * outputs + outputs;
  acts += 3 * hidden + outputs;
  return { parameters, activationsPerSample: acts };
}

/**
 * Throws a ConfigError naming `model` (or `batchSize`) when training this model cannot fit in memory;
 * otherwise returns a note for the log when the network is big enough that building it takes a while.
 * With `samples` null (the data not loaded yet) only the weights are checked.
 */
export function checkModelFits(config: ResolvedConfig, input: readonly number[], outputs: number, samples: number | null): string | null {
  const size = modelSize(config.model, input, outputs);
  const limit = memoryLimit();
  // The peak is the larger of training's (weights, gradients, optimizer slots) and initialization's, about
  // three times the weights (measured: Linear(784000, 1024), 3.2 GB of weights, reached 9.7 GB RSS).
  const weights = size.parameters * BYTES * (1 + Math.max(copiesPerParameter(config.optimizer), 2));
  if (!Number.isFinite(weights) || weights > limit) {
    const key = config.model.type === "mlp" ? "model.hidden" : config.model.type === "cnn" ? "model.channels / model.hidden" : "model";
    throw new ConfigError(
      `${config.source}: ${key}: this network has ${size.parameters.toExponential(2)} parameters, about ${gb(weights)} at its peak with gradients and optimizer state, more than this machine's ${gb(limit)} of memory; use smaller layers`,
    );
  }
  if (samples === null) return null;
  const batch = Math.min(config.batchSize, Math.max(samples, 1));
  const acts = size.activationsPerSample * BYTES * 2 * batch; // forward values and their gradients
  if (weights + acts > limit) {
    throw new ConfigError(
      `${config.source}: batchSize: a batch of ${batch} needs about ${gb(acts)} of activations beside ${gb(weights)} of weights, more than this machine's ${gb(limit)}; use a smaller batchSize`,
    );
  }
  return size.parameters >= BIG_NETWORK ? `building a network of ${size.parameters.toExponential(2)} parameters (about ${gb(weights)} at its peak); initializing it takes a while` : null;
}

/** Generated data sets (sin) are sized by the config: refuse what cannot fit before generating it. */
export function checkDataFits(config: ResolvedConfig): void {
  if (config.data.source !== "sin") return;
  const n = config.data.samples ?? 10000;
  // x, sin(x), the temporaries of scaling them, and the split's permutation.
  const bytes = n * 40;
  const limit = memoryLimit();
  if (bytes > limit / 2) {
    throw new ConfigError(`${config.source}: data.samples: ${n} points need about ${gb(bytes)}, more than half of this machine's ${gb(limit)}; use fewer samples`);
  }
}

/**
 * The input shape and a lower bound on the outputs that the config implies before any data is read, so
 * that a network that cannot fit is refused before decoding or resizing a folder of images for it.
 */
export function shapeFromConfig(config: ResolvedConfig): { input: number[]; outputs: number } {
  const d = config.data;
  if (d.source === "sin") return { input: [1], outputs: 1 };
  if (d.source === "mnist") return { input: [1, 28, 28], outputs: 10 };
  // A character vocabulary is at least a few dozen symbols; the real size is checked once the text is read.
  if (d.source === "brown" || d.source === "text") return { input: [d.seqLen], outputs: 32 };
  const [h, w] = d.size ?? [28, 28];
  return { input: [1, h, w], outputs: 1 };
}
