import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError } from "../errors.ts";
import type * as nn from "../nn/index.ts";
import { crossEntropy, mseLoss } from "../nn/functional/index.ts";
import { argmax } from "../ops/reduce.ts";
import { loader, type Sample } from "./data.ts";
import type { MapDataset } from "../utils/data/dataset.ts";

/** Loss and accuracy (or mean absolute error) of a model over a split, in eval mode without a graph. */
export interface Evaluation {
  loss: number;
  accuracy?: number;
  mae?: number;
  /** counts[truth][predicted], classification only. */
  confusion?: number[][];
  /** Regression only: inputs and predictions in dataset order, for plotting. */
  inputs: Float32Array | null;
  predictions: Float32Array | null;
}

export function evaluate(model: nn.Sequential, split: MapDataset<Sample>, task: "classification" | "regression" | "charlm", classes = 0, batchSize = 1000): Evaluation {
  // Text models are scored per character over windows (text/train_text.ts), not per sample.
  if (task === "charlm") throw new ArgumentError("evaluate(): task charlm is evaluated by validationLoss in cli/text");
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = split.length;
      let lossSum = 0;
      let correct = 0;
      let absErr = 0;
      const confusion = task === "classification" ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : undefined;
      const preds = task === "regression" ? new Float32Array(n) : null;
      const inputs = task === "regression" ? new Float32Array(n) : null;
      let offset = 0;
      for (const [x, y] of loader(split, batchSize, null)) {
        const out = model.forward(x);
        const m = x.shape[0]!;
        if (task === "classification") {
          lossSum += crossEntropy(out, y, { reduction: "sum" }).item();
          const p = argmax(out, 1).toTypedArray();
          const t = y.toTypedArray();
          for (let i = 0; i < m; i++) {
            if (p[i] === t[i]) correct++;
            confusion![t[i]!]![p[i]!]!++;
          }
        } else {
          lossSum += mseLoss(out, y, { reduction: "sum" }).item();
          const p = out.toTypedArray();
          const t = y.toTypedArray();
          inputs!.set(x.toTypedArray(), offset);
          for (let i = 0; i < m; i++) {
            absErr += Math.abs(p[i]! - t[i]!);
            preds![offset + i] = p[i]!;
          }
        }
        offset += m;
      }
      return task === "classification"
        ? { loss: lossSum / n, accuracy: correct / n, confusion, inputs: null, predictions: null }
        : { loss: lossSum / n, mae: absErr / n, inputs, predictions: preds };
    });
  } finally {
    model.train(wasTraining);
  }
}
