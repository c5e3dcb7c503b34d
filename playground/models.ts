/**
 * The playground's networks, described the way `kindling train` describes them in a best.safetensors
 * (`kindling.model` metadata: {model, task, classes, inputShape}), so a model trained here opens in
 * `kindling predict` and one trained there opens here. Layer order and state-dict keys follow
 * src/cli/models.ts (which is Node-only, so the two small builders are mirrored here).
 *
 * No DOM here: the worker, the page and the Node scripts all use this file.
 */
import * as torch from "../src/index.browser.ts";

const { nn } = torch;

export type ModelSpec =
  | { type: "mlp"; hidden: number[]; activation?: "relu" | "tanh" | "sigmoid" | "gelu"; dropout?: number }
  | { type: "cnn"; channels?: number[]; hidden?: number; dropout?: number };

/** What `kindling train` writes as `kindling.model` (cli/checkpoint.ts ModelMeta). */
export interface ModelMeta {
  model: ModelSpec;
  task: "classification";
  classes: string[];
  inputShape: number[];
}

export interface Preset {
  id: string;
  label: string;
  spec: ModelSpec;
  epochs: number;
  batchSize: number;
  /** Adam's peak learning rate (one-cycle schedule over the whole run). */
  maxLr: number;
  /** Full test-set evaluations per epoch (each is a point on the accuracy chart and a fresh snapshot). */
  evalsPerEpoch: number;
}

export const MNIST_SHAPE = [1, 28, 28];
export const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));

/**
 * The default is the smallest network that clears 97% test accuracy in a couple of epochs on a laptop
 * (measured: see the README's Playground section); the seed MLP and the CNN are there to compare.
 */
export const PRESETS: Preset[] = [
  { id: "mlp-small", label: "MLP 784-128-10 (fast, ~97.5%)", spec: { type: "mlp", hidden: [128], activation: "relu" }, epochs: 3, batchSize: 64, maxLr: 3e-3, evalsPerEpoch: 4 },
  { id: "cnn", label: "CNN 8-16 conv (~98%, minutes)", spec: { type: "cnn", channels: [8, 16], hidden: 64 }, epochs: 1, batchSize: 64, maxLr: 3e-3, evalsPerEpoch: 2 },
  { id: "mlp-seed", label: "Seed MLP 784-1024-2048-512-10 (~97%, minutes)", spec: { type: "mlp", hidden: [1024, 2048, 512], activation: "relu" }, epochs: 1, batchSize: 128, maxLr: 1e-3, evalsPerEpoch: 2 },
];

function activation(name: string | undefined): torch.nn.AnyModule {
  switch (name ?? "relu") {
    case "tanh": return new nn.Tanh();
    case "sigmoid": return new nn.Sigmoid();
    case "gelu": return new nn.GELU();
    default: return new nn.ReLU();
  }
}

/** The network a spec describes, as cli/models.ts builds it (same layers, same state-dict keys). */
export function buildModel(spec: ModelSpec, inputShape: readonly number[] = MNIST_SHAPE, outputs = 10): torch.nn.Sequential {
  if (spec.type === "mlp") {
    const layers: torch.nn.AnyModule[] = inputShape.length > 1 ? [new nn.Flatten()] : [];
    let width = inputShape.reduce((a, b) => a * b, 1);
    for (const h of spec.hidden) {
      layers.push(new nn.Linear(width, h), activation(spec.activation));
      if (spec.dropout) layers.push(new nn.Dropout(spec.dropout));
      width = h;
    }
    layers.push(new nn.Linear(width, outputs));
    return new nn.Sequential(...layers);
  }
  const channels = spec.channels ?? [32, 64];
  let [c, h, w] = inputShape as [number, number, number];
  const layers: torch.nn.AnyModule[] = [];
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
  if (h < 1 || w < 1) throw new torch.ArgumentError(`model.channels: ${channels.length} conv layers shrink a ${inputShape.join("x")} input to nothing`);
  layers.push(new nn.Flatten(), new nn.Linear(c * h * w, spec.hidden ?? 128), new nn.ReLU());
  if (spec.dropout) layers.push(new nn.Dropout(spec.dropout));
  layers.push(new nn.Linear(spec.hidden ?? 128, outputs));
  return new nn.Sequential(...layers);
}

/** A short human name for a spec ("MLP 784-128-10", "CNN 16-32 / 64"). */
export function describeSpec(spec: ModelSpec): string {
  if (spec.type === "mlp") return `MLP ${[784, ...spec.hidden, 10].join("-")}`;
  return `CNN ${(spec.channels ?? [32, 64]).join("-")} / ${spec.hidden ?? 128}`;
}

/** The safetensors bytes of a trained model, with the metadata `kindling predict` reads. */
export async function saveModel(model: torch.nn.Module, spec: ModelSpec, extra: Record<string, string> = {}): Promise<Uint8Array> {
  const meta: ModelMeta = { model: spec, task: "classification", classes: DIGITS, inputShape: MNIST_SHAPE };
  const sd = model.stateDict() as Record<string, torch.Tensor>;
  return torch.save(sd, null, { metadata: { "kindling.model": JSON.stringify(meta), ...extra } });
}

function isSpec(v: unknown): v is ModelSpec {
  if (!v || typeof v !== "object") return false;
  const s = v as Record<string, unknown>;
  const ints = (x: unknown) => Array.isArray(x) && x.length <= 16 && x.every((n) => Number.isInteger(n) && n > 0 && n <= 65536);
  const dropout = s.dropout === undefined || (typeof s.dropout === "number" && s.dropout >= 0 && s.dropout < 1);
  if (s.type === "mlp") return ints(s.hidden) && dropout && (s.activation === undefined || ["relu", "tanh", "sigmoid", "gelu"].includes(s.activation as string));
  if (s.type === "cnn") return dropout && (s.channels === undefined || ints(s.channels)) && (s.hidden === undefined || (Number.isInteger(s.hidden) && (s.hidden as number) > 0));
  return false;
}

/**
 * A model from a best.safetensors (from `kindling train` or this page). The metadata must describe an
 * MNIST classifier ([1, 28, 28] in, 10 classes out) whose layers hold exactly the file's weights.
 */
export async function loadModel(source: Uint8Array | Blob): Promise<{ model: torch.nn.Sequential; spec: ModelSpec }> {
  const { tensors, metadata } = await torch.loadWithMetadata(source);
  const text = metadata["kindling.model"];
  if (text === undefined) {
    throw new torch.FormatError("this file has no kindling.model metadata: use a best.safetensors saved by `kindling train` (or by this page)");
  }
  let meta: Partial<ModelMeta>;
  try {
    meta = JSON.parse(text) as Partial<ModelMeta>;
  } catch {
    throw new torch.FormatError("its kindling.model metadata is not valid JSON");
  }
  if (!isSpec(meta.model)) throw new torch.FormatError(`its model is not an MLP or CNN this page can build: ${JSON.stringify(meta.model)}`);
  if (meta.task !== "classification" || meta.classes?.length !== 10 || meta.inputShape?.join("x") !== "1x28x28") {
    throw new torch.FormatError(`it is not an MNIST classifier (task ${String(meta.task)}, ${meta.classes?.length ?? 0} classes, input ${meta.inputShape?.join("x") ?? "?"}); the playground draws 28x28 digits`);
  }
  const model = buildModel(meta.model);
  const want = Object.values(model.stateDict() as Record<string, torch.Tensor>).reduce((n, t) => n + t.numel(), 0);
  const held = Object.values(tensors).reduce((n, t) => n + t.numel(), 0);
  if (want !== held) throw new torch.FormatError(`its metadata describes ${want} weights but the file holds ${held} (a damaged checkpoint)`);
  model.loadStateDict(tensors);
  model.eval();
  return { model, spec: meta.model };
}
