import * as nn from "../nn/index.ts";
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
  return buildCnn(model, shape);
}

/** Filled in by the CNN layers; until then a CNN config is refused with a clear message. */
let cnnBuilder: ((model: Extract<ResolvedConfig["model"], { type: "cnn" }>, shape: ModelShape) => nn.Sequential) | null = null;

export function registerCnnBuilder(fn: NonNullable<typeof cnnBuilder>): void {
  cnnBuilder = fn;
}

function buildCnn(model: Extract<ResolvedConfig["model"], { type: "cnn" }>, shape: ModelShape): nn.Sequential {
  if (!cnnBuilder) throw new Error("model.type 'cnn' is not available in this build");
  return cnnBuilder(model, shape);
}
