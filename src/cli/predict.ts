import { readFileSync } from "node:fs";
import { noGrad } from "../autograd/grad_mode.ts";
import { FormatError } from "../errors.ts";
import { decodeImage, toGray } from "../io/image/index.ts";
import { softmax } from "../ops/softmax.ts";
import { tensor } from "../tensor/creation.ts";
import { loadBest } from "./checkpoint.ts";
import { buildModel } from "./models.ts";

export interface Prediction {
  file: string;
  top: { label: string; probability: number }[];
}

/** Classifies image files with a saved best model; images are converted to gray and must match its input size. */
export async function predict(checkpoint: string, files: readonly string[], topK = 3): Promise<Prediction[]> {
  const { tensors, meta } = await loadBest(checkpoint);
  if (meta.task !== "classification") throw new Error(`${checkpoint}: predict needs a classification model (this one is ${meta.task})`);
  const model = buildModel(meta.model, { input: meta.inputShape, outputs: meta.classes.length });
  model.loadStateDict(tensors);
  model.eval();
  const [, h, w] = meta.inputShape as [number, number, number];
  return files.map((file) => {
    const img = toGray(decodeImage(readFileSync(file), file));
    if (img.width !== w || img.height !== h) throw new FormatError(`${file}: image is ${img.width}x${img.height}, the model expects ${w}x${h}`);
    const x = tensor(Float32Array.from(img.data, (v) => v / 255)).reshape(1, 1, h, w);
    const p = noGrad(() => softmax(model.forward(x), 1)).toTypedArray();
    const order = [...p.keys()].sort((a, b) => p[b]! - p[a]!).slice(0, topK);
    return { file, top: order.map((i) => ({ label: meta.classes[i]!, probability: p[i]! })) };
  });
}
