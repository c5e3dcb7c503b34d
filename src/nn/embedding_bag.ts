import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError, ShapeError } from "../errors.ts";
import { empty } from "../tensor/creation.ts";
import type { DType } from "../tensor/dtype.ts";
import type { Generator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import { checkCall } from "./check_call.ts";
import { checkCount } from "./conv.ts";
import { EMBEDDING_BAG_OPTIONS, type EmbeddingBagMode, type EmbeddingBagOptions, embeddingBag } from "./functional/embedding_bag.ts";
import { checkSparse, normalizePaddingIdx } from "./functional/recurrent.ts";
import { normal_ } from "./init.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";
import { pyFloat } from "./repr.ts";

export interface EmbeddingBagModuleOptions extends Omit<EmbeddingBagOptions, "perSampleWeights"> {
  dtype?: DType;
  generator?: Generator;
  /** PyTorch's `_weight`: use this table (as the parameter) instead of a fresh one. */
  _weight?: Tensor;
}

const { perSampleWeights: _psw, ...MODULE_OPTIONS } = EMBEDDING_BAG_OPTIONS;

/**
 * nn.EmbeddingBag: sums, means or maxima of bags of embedding rows (F.embeddingBag as a layer), with a
 * [num, dim] N(0, 1) table whose padding row starts at zero, as PyTorch's.
 *
 *     const bag = new nn.EmbeddingBag(10, 3, { mode: "sum" });
 *     bag.forward(torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]), torch.tensor([0, 4]));   // [2, 3]
 */
export class EmbeddingBag extends Module<[Tensor, (Tensor | null)?, (Tensor | null)?], Tensor> {
  /** @internal */ static override readonly builtinName: string = "EmbeddingBag";
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  maxNorm: number | null;
  normType: number;
  scaleGradByFreq: boolean;
  readonly mode: EmbeddingBagMode;
  readonly sparse = false;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingBagModuleOptions = {}) {
    super();
    checkCall("nn.EmbeddingBag()", arguments, 3, { ...MODULE_OPTIONS, dtype: "string", generator: "object", _weight: "tensor" }, "maxNorm");
    checkCount("num_embeddings", numEmbeddings);
    checkCount("embedding_dim", embeddingDim);
    checkSparse(opts.sparse);
    const mode = opts.mode ?? "mean";
    if (mode !== "sum" && mode !== "mean" && mode !== "max") throw new ArgumentError("mode has to be one of sum, mean or max");
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.maxNorm = opts.maxNorm ?? null;
    this.normType = opts.normType ?? 2;
    this.scaleGradByFreq = opts.scaleGradByFreq ?? false;
    this.mode = mode;
    this.includeLastOffset = opts.includeLastOffset ?? false;
    this.paddingIdx = normalizePaddingIdx(opts.paddingIdx, numEmbeddings);
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
    const p = this.paddingIdx;
    if (p !== null) noGrad(() => this.weight.select(0, p).fill_(0));
  }

  /** input [B, L] (B bags), or 1-d with `offsets` (each bag's start); perSampleWeights for mode "sum". */
  override forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    if (offsets !== null) Tensor.check(offsets, "offsets");
    if (perSampleWeights !== null) Tensor.check(perSampleWeights, "perSampleWeights");
    return embeddingBag(input, this.weight, offsets, {
      maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq, mode: this.mode,
      perSampleWeights, includeLastOffset: this.includeLastOffset, paddingIdx: this.paddingIdx,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += ", scale_grad_by_freq=True";
    s += `, mode=${this.mode}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    return s;
  }
}
