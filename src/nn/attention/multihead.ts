import { ShapeError, ArgumentError } from "../../errors.ts";
import { checkCall } from "../check_call.ts";
import { snake } from "../snake.ts";
import { empty } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { checkDropoutP } from "../functional/activation.ts";
import { constant_, xavierNormal_, xavierUniform_ } from "../init.ts";
import { Linear } from "../linear.ts";
import { Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { multiHeadAttentionForward } from "./mha_functional.ts";

/** PyTorch's out-projection class: a plain Linear under its own name, so `toString()` matches `repr`. */
export class NonDynamicallyQuantizableLinear extends Linear {
  /** @internal */ static override readonly builtinName: string = "NonDynamicallyQuantizableLinear";
}

export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases on the in- and out-projections (default true). */
  bias?: boolean;
  /** Learned bias_k, bias_v appended to the keys and values as one more position. */
  addBiasKv?: boolean;
  /** Appends a zero key and value (after the heads split) as one more position. */
  addZeroAttn?: boolean;
  /** Key and value feature sizes (default embedDim): with another size, q/k/v get separate weights. */
  kdim?: number | null;
  vdim?: number | null;
  /** Inputs and output [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MultiheadAttentionForwardOptions {
  /** [N, S] or [S]: True (or -inf) marks keys to ignore; a float mask is added. */
  keyPaddingMask?: Tensor | null;
  /** Also return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: True (or -inf) forbids attending there; a float mask is added. */
  attnMask?: Tensor | null;
  /** Average the weights over the heads (default true); false gives [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (PyTorch 2). */
  isCausal?: boolean;
}

const MHA_OPTIONS = {
  dropout: "number", bias: "boolean", addBiasKv: "boolean", addZeroAttn: "boolean", kdim: "int?", vdim: "int?", batchFirst: "boolean", dtype: "string",
} as const;
const FORWARD_OPTIONS = { keyPaddingMask: "tensor?", needWeights: "boolean", attnMask: "tensor?", averageAttnWeights: "boolean", isCausal: "boolean" } as const;

type MhaIn = [query: Tensor, key: Tensor, value: Tensor, opts?: MultiheadAttentionForwardOptions];

/**
 * `nn.MultiheadAttention(embedDim, numHeads, { dropout, bias, addBiasKv, addZeroAttn, kdim, vdim, batchFirst })`:
 * forward(query, key, value, { keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal })
 * returns [output, weights | null]. Parameters and their init are PyTorch's: `in_proj_weight` [3E, E]
 * (xavier uniform), or `q_proj_weight`/`k_proj_weight`/`v_proj_weight` when kdim or vdim differ from
 * embedDim; `in_proj_bias` [3E] and `out_proj.bias` zero; `bias_k`/`bias_v` [1, 1, E] xavier normal.
 */
export class MultiheadAttention extends Module<MhaIn, [Tensor, Tensor | null]> {
  /** @internal */ static override readonly builtinName: string = "MultiheadAttention";
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly numHeads: number;
  dropout: number;
  readonly batchFirst: boolean;
  readonly headDim: number;
  readonly addZeroAttn: boolean;
  /** PyTorch's `_qkv_same_embed_dim`: one packed in-projection weight. */
  readonly qkvSameEmbedDim: boolean;
  inProjWeight: Tensor | null = null;
  qProjWeight: Tensor | null = null;
  kProjWeight: Tensor | null = null;
  vProjWeight: Tensor | null = null;
  inProjBias: Tensor | null = null;
  outProj: NonDynamicallyQuantizableLinear;
  biasK: Tensor | null = null;
  biasV: Tensor | null = null;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    checkCall("nn.MultiheadAttention()", arguments, 3, MHA_OPTIONS, "dropout");
    for (const [name, v] of [["embed_dim", embedDim], ["num_heads", numHeads]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new ArgumentError(`MultiheadAttention: ${name} must be a positive integer, got ${String(v)}`);
    }
    this.embedDim = embedDim;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    this.qkvSameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    this.numHeads = numHeads;
    this.dropout = checkDropoutP(opts.dropout ?? 0);
    this.batchFirst = opts.batchFirst ?? false;
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new ShapeError("embed_dim must be divisible by num_heads");
    const bias = opts.bias ?? true;
    const param = (...shape: number[]): Tensor => Parameter(empty(shape, { dtype: opts.dtype }));
    if (this.qkvSameEmbedDim) {
      this.inProjWeight = param(3 * embedDim, embedDim);
    } else {
      this.qProjWeight = param(embedDim, embedDim);
      this.kProjWeight = param(embedDim, this.kdim);
      this.vProjWeight = param(embedDim, this.vdim);
    }
    if (bias) this.inProjBias = param(3 * embedDim);
    this.outProj = new NonDynamicallyQuantizableLinear(embedDim, embedDim, { bias, dtype: opts.dtype });
    if (opts.addBiasKv) {
      this.biasK = param(1, 1, embedDim);
      this.biasV = param(1, 1, embedDim);
    }
    this.addZeroAttn = opts.addZeroAttn ?? false;
    // State-dict keys in PyTorch's snake_case (in_proj_weight, out_proj, bias_k, ...).
    for (const prop of ["inProjWeight", "qProjWeight", "kProjWeight", "vProjWeight", "inProjBias", "outProj", "biasK", "biasV"]) {
      this.renameStateKey(prop, snake(prop));
    }
    this.resetParameters();
  }

  /** PyTorch's `_reset_parameters` (the out-projection weight keeps Linear's own init). */
  resetParameters(): void {
    for (const w of [this.inProjWeight, this.qProjWeight, this.kProjWeight, this.vProjWeight]) if (w !== null) xavierUniform_(w);
    if (this.inProjBias !== null) {
      constant_(this.inProjBias, 0);
      if (this.outProj.bias !== null) constant_(this.outProj.bias, 0);
    }
    if (this.biasK !== null) xavierNormal_(this.biasK);
    if (this.biasV !== null) xavierNormal_(this.biasV);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    checkCall("nn.MultiheadAttention.forward()", arguments, 4, FORWARD_OPTIONS, "keyPaddingMask");
    return multiHeadAttentionForward(
      query, key, value, this.embedDim, this.numHeads, this.inProjWeight, this.inProjBias, this.biasK, this.biasV,
      this.addZeroAttn, this.dropout, this.outProj.weight, this.outProj.bias, {
        ...opts, training: this.training, useSeparateProjWeight: !this.qkvSameEmbedDim, qProjWeight: this.qProjWeight,
        kProjWeight: this.kProjWeight, vProjWeight: this.vProjWeight, batchFirst: this.batchFirst,
      },
    );
  }
}
