import { noGrad } from "../autograd/grad_mode.ts";
import type * as nn from "../nn/index.ts";
import { crossEntropy, mseLoss } from "../nn/functional/index.ts";
import { argmax } from "../ops/reduce.ts";
import { batches, take, type Split } from "./data.ts";

/** Loss and accuracy (or mean absolute error) of a model over a split, in eval mode without a graph. */
export interface Evaluation {
  loss: number;
  accuracy?: number;
  mae?: number;
  /** counts[truth][predicted], classification only. */
  confusion?: number[][];
  predictions: Float32Array | Float64Array | null;
}

export function evaluate(model: nn.Sequential, split: Split, task: "classification" | "regression", classes = 0, batchSize = 1000): Evaluation {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = split.x.shape[0]!;
      let lossSum = 0;
      let correct = 0;
      let absErr = 0;
      const confusion = task === "classification" ? Array.from({ length: classes }, () => new Array<number>(classes).fill(0)) : undefined;
      const preds = task === "regression" ? new Float32Array(n) : null;
      let offset = 0;
      for (const idx of batches(n, batchSize, null)) {
        const b = take(split, idx);
        const out = model.forward(b.x);
        const m = idx.shape[0]!;
        if (task === "classification") {
          lossSum += crossEntropy(out, b.y, { reduction: "sum" }).item();
          const p = argmax(out, 1).toTypedArray();
          const t = b.y.toTypedArray();
          for (let i = 0; i < m; i++) {
            if (p[i] === t[i]) correct++;
            confusion![t[i]!]![p[i]!]!++;
          }
        } else {
          lossSum += mseLoss(out, b.y, { reduction: "sum" }).item();
          const p = out.toTypedArray();
          const t = b.y.toTypedArray();
          for (let i = 0; i < m; i++) {
            absErr += Math.abs(p[i]! - t[i]!);
            preds![offset + i] = p[i]!;
          }
        }
        offset += m;
      }
      return task === "classification"
        ? { loss: lossSum / n, accuracy: correct / n, confusion, predictions: null }
        : { loss: lossSum / n, mae: absErr / n, predictions: preds };
    });
  } finally {
    model.train(wasTraining);
  }
}
