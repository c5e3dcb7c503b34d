/** Functional forms of the embedding and recurrent layers (F.embedding). */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { embeddingOp } from "../../ops/embedding.ts";
import { gt } from "../../ops/elementwise.ts";
import { where } from "../../ops/indexing.ts";
import { indexPut_ } from "../../ops/index_ops.ts";
import { indexSelect } from "../../ops/indexing.ts";
import { vectorNorm } from "../../ops/linalg.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { tensor } from "../../tensor/creation.ts";
import { Tensor } from "../../tensor/tensor.ts";

export interface EmbeddingOptions {
  /** This row gets no gradient (it stays what it is, zeros for a fresh nn.Embedding). Negative counts from the end. */
  paddingIdx?: number | null;
  /** Rows looked up are first renormalised in place to this norm when theirs is larger. */
  maxNorm?: number | null;
  /** The p of the norm for maxNorm (default 2). */
  normType?: number;
  /** Scales each row's gradient by 1 / (how often its index occurs in the batch). */
  scaleGradByFreq?: boolean;
  /** Sparse gradients are not supported: only false. */
  sparse?: boolean;
}

export const EMBEDDING_OPTIONS = {
  paddingIdx: "int?", maxNorm: "number?", normType: "number", scaleGradByFreq: "boolean", sparse: "boolean",
} as const;

/** PyTorch's padding_idx rule: within [-num, num), negative counting from the end; null stays null. */
export function normalizePaddingIdx(paddingIdx: number | null | undefined, num: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (paddingIdx >= num || paddingIdx < -num) throw new ArgumentError("Padding_idx must be within num_embeddings");
  return paddingIdx < 0 ? paddingIdx + num : paddingIdx;
}

export function checkSparse(sparse: boolean | undefined): void {
  if (sparse === true) throw new ArgumentError("embedding: sparse gradients are not supported by kindling; use sparse: false (the default)");
}

/**
 * PyTorch's embedding_renorm_: each distinct row looked up whose normType-norm exceeds maxNorm is
 * scaled in place by maxNorm / (norm + 1e-7), outside autograd.
 */
function renorm_(weight: Tensor, input: Tensor, maxNorm: number, normType: number): void {
  noGrad(() => {
    const uniq = tensor([...new Set(Array.from(input.toTypedArray() as ArrayLike<number>, Number))].sort((a, b) => a - b), { dtype: "int64" });
    if (uniq.numel() === 0) return;
    const rows = indexSelect(weight, 0, uniq);
    const norms = vectorNorm(rows, normType, 1, true);
    const scale = where(gt(norms, maxNorm), norms.add(1e-7).reciprocal().mul(maxNorm), 1);
    indexPut_(weight, [uniq], rows.mul(scale));
  });
}

/**
 * Rows of `weight` [V, D] picked by integer `input` of any shape: [...input.shape, D].
 *
 *     F.embedding(torch.tensor([[1, 2], [4, 5]]), weight, { paddingIdx: 0 })
 */
export function embedding(input: Tensor, weight: Tensor, opts: EmbeddingOptions = {}): Tensor {
  checkArity("F.embedding()", arguments, 3);
  checkOptions("F.embedding()", opts, EMBEDDING_OPTIONS, { index: 3, positional: "paddingIdx" });
  Tensor.check(input, "input");
  Tensor.check(weight, "weight");
  checkSparse(opts.sparse);
  const paddingIdx = weight.ndim === 2 ? normalizePaddingIdx(opts.paddingIdx, weight.shape[0]!) : null;
  if (opts.maxNorm !== null && opts.maxNorm !== undefined && (input.dtype === "int64" || input.dtype === "int32")) {
    renorm_(weight, input, opts.maxNorm, opts.normType ?? 2);
  }
  return embeddingOp(weight, input, paddingIdx, opts.scaleGradByFreq ?? false);
}
