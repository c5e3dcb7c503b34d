import { ArgumentError, FormatError } from "../errors.ts";
import * as nn from "../nn/index.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { modelSize } from "./budget.ts";
import type { ModelMeta } from "./checkpoint.ts";
import type { ResolvedConfig } from "./config.ts";

/** Builds the network a config asks for. Layer order and names match the PyTorch equivalent. */

export interface ModelShape {
  /** Per-sample input shape, e.g. [1, 28, 28] for images, [1] for the sin task. */
  input: readonly number[];
  outputs: number;
}

function activation(name: string | undefined): nn.AnyModule {
  switch (name ?? "relu") {
    case "tanh":
      return new nn.Tanh();
    case "sigmoid":
      return new nn.Sigmoid();
    case "gelu":
      return new nn.GELU();
    default:
      return new nn.ReLU();
  }
}

export function buildModel(model: ResolvedConfig["model"], shape: ModelShape): nn.Sequential {
  if (model.type === "mlp") {
    const inFeatures = shape.input.reduce((a, b) => a * b, 1);
    const layers: nn.AnyModule[] = shape.input.length > 1 ? [new nn.Flatten()] : [];
    let width = inFeatures;
    for (const h of model.hidden) {
      layers.push(new nn.Linear(width, h), activation(model.activation));
      if (model.dropout) layers.push(new nn.Dropout(model.dropout));
      width = h;
    }
    layers.push(new nn.Linear(width, shape.outputs));
    return new nn.Sequential(...layers);
  }
  if (model.type !== "cnn") throw new ArgumentError(`model.type "${model.type}" is a character language model, built by the charlm task (cli/text)`);
  return buildCnn(model, shape);
}

/**
 * The seed's "next step": conv blocks (Conv2d 3x3 - ReLU, the second of each pair followed by a 2x2
 * max-pool), then Flatten - Linear(hidden) - ReLU - Dropout - Linear(classes). With the default
 * channels [32, 64] this is exactly PyTorch's classic MNIST example network.
 */
function buildCnn(model: Extract<ResolvedConfig["model"], { type: "cnn" }>, shape: ModelShape): nn.Sequential {
  const channels = model.channels ?? [32, 64];
  let [c, h, w] = shape.input as [number, number, number];
  const layers: nn.AnyModule[] = [];
  channels.forEach((out, i) => {
    layers.push(new nn.Conv2d(c, out, 3), new nn.ReLU());
    c = out;
    h -= 2;
    w -= 2;
    if (i % 2 === 1 || i === channels.length - 1) {
      layers.push(new nn.MaxPool2d(2));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  });
  if (h < 1 || w < 1) throw new ArgumentError(`model.channels: ${channels.length} conv layers shrink a ${shape.input.join("x")} input to nothing; use fewer conv layers or larger images`);
  layers.push(new nn.Flatten(), new nn.Linear(c * h * w, model.hidden ?? 128), new nn.ReLU());
  if (model.dropout) layers.push(new nn.Dropout(model.dropout));
  layers.push(new nn.Linear(model.hidden ?? 128, shape.outputs));
  return new nn.Sequential(...layers);
}

/**
 * The network a saved best model describes, with its weights. The metadata's layer sizes must account
 * for exactly the weights the file holds, so damaged metadata cannot make it allocate a huge network.
 */
export function buildSavedModel(path: string, tensors: Record<string, Tensor>, meta: ModelMeta): nn.Sequential {
  const outputs = meta.task === "classification" ? meta.classes.length : 1;
  const expected = modelSize(meta.model, meta.inputShape, outputs).parameters;
  const held = Object.values(tensors).reduce((n, t) => n + t.numel(), 0);
  if (expected !== held) {
    throw new FormatError(`${path}: its kindling.model metadata describes ${expected} weights but the file holds ${held} (a damaged checkpoint; retrain or use another file)`);
  }
  const model = buildModel(meta.model, { input: meta.inputShape, outputs });
  model.loadStateDict(tensors);
  return model;
}
