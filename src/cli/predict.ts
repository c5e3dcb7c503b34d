import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError, FormatError } from "../errors.ts";
import { readFileChecked } from "../io/file.ts";
import { decodeImage, toGray } from "../io/image/index.ts";
import { softmax } from "../ops/softmax.ts";
import { tensor } from "../tensor/creation.ts";
import { loadBest } from "./checkpoint.ts";
import { buildSavedModel } from "./models.ts";

export interface Prediction {
  file: string;
  top: { label: string; probability: number }[];
}

/** Image files are small; this bounds what a mistaken path (a disk image, a video) can cost. */
const MAX_IMAGE_FILE_BYTES = 256 * 2 ** 20;

/**
 * Classifies image files with a saved best model; images are converted to gray and must match its input
 * size. A model with NaN or infinite weights is refused unless `allowNonfinite`.
 */
export async function predict(checkpoint: string, files: readonly string[], topK = 3, opts: { allowNonfinite?: boolean } = {}): Promise<Prediction[]> {
  if (!Number.isInteger(topK) || topK < 1) throw new ArgumentError(`top: expected a whole number of classes >= 1, got ${topK}`);
  const { tensors, meta } = await loadBest(checkpoint, opts);
  if (meta.task !== "classification") throw new ArgumentError(`${checkpoint}: predict needs a classification model (this one is ${meta.task})`);
  if (meta.inputShape.length !== 3 || meta.inputShape[0] !== 1) {
    throw new FormatError(`${checkpoint}: its kindling.model metadata gives input shape [${meta.inputShape.join(", ")}], expected [1, height, width]`);
  }
  const model = buildSavedModel(checkpoint, tensors, meta);
  model.eval();
  const [, h, w] = meta.inputShape as [number, number, number];
  return files.map((file) => {
    const img = toGray(decodeImage(readFileChecked(file, { what: "image", maxBytes: MAX_IMAGE_FILE_BYTES }), file));
    if (img.width !== w || img.height !== h) throw new FormatError(`${file}: image is ${img.width}x${img.height}, the model expects ${w}x${h}`);
    const x = tensor(Float32Array.from(img.data, (v) => v / 255)).reshape(1, 1, h, w);
    const p = noGrad(() => softmax(model.forward(x), 1)).toTypedArray();
    const order = [...p.keys()].sort((a, b) => p[b]! - p[a]!).slice(0, topK);
    return { file, top: order.map((i) => ({ label: meta.classes[i]!, probability: p[i]! })) };
  });
}
