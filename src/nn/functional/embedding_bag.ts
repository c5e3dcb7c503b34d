import { ArgumentError, ShapeError } from "../../errors.ts";
import { stack } from "../../ops/join.ts";
import { checkOptions } from "../../options.ts";
import { tensor, zeros } from "../../tensor/creation.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { EMBEDDING_OPTIONS, type EmbeddingOptions, checkSparse, embedding, normalizePaddingIdx } from "./recurrent.ts";

export type EmbeddingBagMode = "sum" | "mean" | "max";

export interface EmbeddingBagOptions extends EmbeddingOptions {
  /** How each bag's rows are reduced (default "mean"). */
  mode?: EmbeddingBagMode;
  /** Weights [n] for the entries of a 1-d input (or [B, L] for a 2-d one), multiplying their rows; "sum" only. */
  perSampleWeights?: Tensor | null;
  /** offsets has B+1 entries, the last one the end of the last bag. */
  includeLastOffset?: boolean;
}

export const EMBEDDING_BAG_OPTIONS = {
  ...EMBEDDING_OPTIONS, mode: "string", perSampleWeights: "tensor?", includeLastOffset: "boolean",
} as const;

const ints = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

/**
 * F.embeddingBag(input, weight, offsets = null, { mode, perSampleWeights, paddingIdx, ... }): sums, means or
 * maxima of bags of embedding rows without building the [n, D] lookups per bag by hand. A 2-d input [B, L]
 * is B bags of L; a 1-d input needs `offsets`, the start of each bag. Entries equal to paddingIdx are left
 * out of their bag (an empty bag gives zeros); "max" sends each component's gradient to the first row
 * holding the maximum, as PyTorch's.
 *
 *     F.embeddingBag(torch.tensor([1, 2, 4, 5, 4, 3]), weight, torch.tensor([0, 4]), { mode: "sum" });   // [2, D]
 */
export function embeddingBag(input: Tensor, weight: Tensor, offsets: Tensor | null | EmbeddingBagOptions = null, opts: EmbeddingBagOptions = {}): Tensor {
  if (offsets !== null && !(offsets instanceof Tensor)) return embeddingBag(input, weight, null, offsets);
  checkOptions("F.embeddingBag()", opts, EMBEDDING_BAG_OPTIONS, { index: 4 });
  Tensor.check(input, "input");
  Tensor.check(weight, "weight");
  checkSparse(opts.sparse);
  const mode = opts.mode ?? "mean";
  if (mode !== "sum" && mode !== "mean" && mode !== "max") throw new ArgumentError("mode has to be one of sum, mean or max");
  if (weight.ndim !== 2) throw new ShapeError(`weight has to be a 2D Tensor, but got Tensor of dimension ${weight.ndim}`);
  const psw = opts.perSampleWeights ?? null;
  if (psw !== null && psw.shape.join() !== input.shape.join()) {
    throw new ArgumentError(`embedding_bag: If per_sample_weights (torch.Size([${psw.shape.join(", ")}])) is not None, then it must have the same shape as the input (torch.Size([${input.shape.join(", ")}]))`);
  }
  let starts: number[];
  let flat: Tensor;
  if (input.ndim === 2) {
    if (offsets !== null) {
      throw new ArgumentError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
    }
    const [b, l] = input.shape as [number, number];
    starts = Array.from({ length: b }, (_, i) => i * l);
    flat = input.reshape([-1]);
  } else if (input.ndim === 1) {
    if (offsets === null) throw new ArgumentError("offsets has to be a 1D Tensor but got None");
    if (offsets.ndim !== 1) throw new ShapeError("offsets has to be a 1D Tensor");
    starts = ints(offsets);
    if (starts.length > 0 && starts[0] !== 0) {
      throw new ArgumentError(`offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got ${starts[0]}`);
    }
    flat = input;
  } else {
    throw new ShapeError(`input has to be 1D or 2D Tensor, but got Tensor of dimension ${input.ndim}`);
  }
  if (psw !== null && mode !== "sum") {
    throw new ArgumentError(`embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='${mode}'). Please open a feature request on GitHub.`);
  }
  const n = flat.shape[0]!;
  const ends = starts.slice(1).concat(n);
  if (opts.includeLastOffset === true && input.ndim === 1) {
    // The last offset ends the last bag rather than starting a bag of its own.
    starts = starts.slice(0, -1);
    ends.pop();
  }
  const paddingIdx = normalizePaddingIdx(opts.paddingIdx, weight.shape[0]!);
  let rows = embedding(flat, weight, { maxNorm: opts.maxNorm, normType: opts.normType, scaleGradByFreq: opts.scaleGradByFreq, paddingIdx });
  if (psw !== null) rows = rows.mul(psw.reshape([-1, 1]));
  const idx = ints(flat);
  const dim = weight.shape[1]!;
  const bags = starts.map((s, b) => {
    const at: number[] = [];
    for (let j = s; j < Math.min(ends[b]!, n); j++) if (idx[j] !== paddingIdx) at.push(j);
    if (at.length === 0) return zeros([dim], { dtype: rows.dtype });
    const sub = rows.indexSelect(0, tensor(at, { dtype: "int64" }));
    if (mode === "sum") return sub.sum(0);
    if (mode === "mean") return sub.sum(0).div(at.length);
    // gather at the first argmax: the gradient goes to one row, not split among equal ones.
    return sub.gather(0, sub.argmax(0, true)).squeeze(0);
  });
  return bags.length === 0 ? zeros([0, dim], { dtype: rows.dtype }) : stack(bags, 0);
}
