/**
 * nn.Embedding: a [numEmbeddings, embeddingDim] table of rows looked up by integer index, N(0, 1) at
 * the start with the padding row zeroed, as PyTorch's. `Embedding.fromPretrained` wraps a given
 * table (frozen by default).
 *
 *     const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 *     emb.forward(torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]]));   // [2, 4, 3]
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ShapeError } from "../../errors.ts";
import { checkCall } from "../check_call.ts";
import { empty } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { EMBEDDING_OPTIONS, type EmbeddingOptions, checkSparse, embedding, normalizePaddingIdx } from "../functional/recurrent.ts";
import { normal_ } from "../init.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { pyFloat } from "../repr.ts";
import { checkCount } from "../conv.ts";

export interface EmbeddingModuleOptions extends EmbeddingOptions {
  dtype?: DType;
  generator?: Generator;
  /** PyTorch's `_weight`: use this table (as the parameter) instead of a fresh one. */
  _weight?: Tensor;
}

export class Embedding extends Module {
  /** @internal */ static override readonly builtinName: string = "Embedding";
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  readonly sparse: boolean;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingModuleOptions = {}) {
    super();
    checkCall("nn.Embedding()", arguments, 3, { ...EMBEDDING_OPTIONS, dtype: "string", generator: "object", _weight: "tensor" }, "paddingIdx");
    checkCount("num_embeddings", numEmbeddings);
    checkCount("embedding_dim", embeddingDim);
    checkSparse(opts.sparse);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = normalizePaddingIdx(opts.paddingIdx, numEmbeddings);
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.scaleGradByFreq = opts.scaleGradByFreq ?? false;
    this.sparse = false;
    if (opts._weight !== undefined) {
      const w = opts._weight;
      if (w.ndim !== 2 || w.shape[0] !== numEmbeddings || w.shape[1] !== embeddingDim) {
        throw new ShapeError("Shape of weight does not match num_embeddings and embedding_dim");
      }
      this.weight = Parameter(w);
    } else {
      this.weight = Parameter(empty([numEmbeddings, embeddingDim], { dtype: opts.dtype }));
      this.resetParameters(opts.generator);
    }
  }

  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, { generator });
    this.fillPaddingRow();
  }

  private fillPaddingRow(): void {
    const p = this.paddingIdx;
    if (p !== null) noGrad(() => this.weight.select(0, p).fill_(0));
  }

  /**
   * An Embedding over a given table [num, dim]: frozen (no gradient) unless `freeze: false`. The
   * table is used as it is (its padding row is not zeroed), as PyTorch's from_pretrained.
   */
  static fromPretrained(embeddings: Tensor, opts: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    checkCall("nn.Embedding.fromPretrained()", arguments, 2, { ...EMBEDDING_OPTIONS, freeze: "boolean" }, "freeze");
    Tensor.check(embeddings, "embeddings");
    if (embeddings.ndim !== 2) throw new ShapeError("Embeddings parameter is expected to be 2-dimensional");
    const { freeze, ...rest } = opts;
    const [rows, cols] = embeddings.shape as [number, number];
    const emb = new Embedding(rows, cols, { ...rest, _weight: embeddings });
    emb.weight.requiresGrad_(!(freeze ?? true));
    return emb;
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ", scale_grad_by_freq=True";
    return s;
  }
}
