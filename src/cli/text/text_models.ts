import * as nn from "../../nn/index.ts";
import { arange } from "../../tensor/creation.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import type { ResolvedConfig } from "../config.ts";

/**
 * The two character language models of task "charlm". Each maps token ids [batch, time] to next-token
 * logits [batch, time, vocab]. Attribute names are those of the PyTorch reference script
 * (scripts/charlm_reference.py), so the state dicts cross unchanged.
 */

export type TextModelConfig = Extract<ResolvedConfig["model"], { type: "lstm" | "transformer" }>;

export interface TextModel extends nn.Module<[Tensor], Tensor> {
  /** The longest context the model accepts (the Transformer's learned positions); null when unbounded. */
  readonly maxContext: number | null;
}

/** Embedding - LSTM (batchFirst) - Dropout - Linear. */
export class CharLSTM extends nn.Module<[Tensor], Tensor> implements TextModel {
  readonly maxContext = null;
  embed: nn.Embedding;
  lstm: nn.LSTM;
  drop: nn.Dropout;
  head: nn.Linear;

  constructor(vocab: number, c: Extract<TextModelConfig, { type: "lstm" }>) {
    super();
    this.embed = new nn.Embedding(vocab, c.embeddingDim);
    this.lstm = new nn.LSTM(c.embeddingDim, c.hidden, { numLayers: c.numLayers, dropout: c.numLayers > 1 ? (c.dropout ?? 0) : 0, batchFirst: true });
    this.drop = new nn.Dropout(c.dropout ?? 0);
    this.head = new nn.Linear(c.hidden, vocab);
  }

  override forward(ids: Tensor): Tensor {
    const [out] = this.lstm.forward(this.embed.forward(ids));
    return this.head.forward(this.drop.forward(out));
  }
}

/** Token and learned position embeddings - pre-norm causal Transformer encoder (GELU) - LayerNorm - Linear. */
export class CharTransformer extends nn.Module<[Tensor], Tensor> implements TextModel {
  readonly maxContext: number;
  tok: nn.Embedding;
  pos: nn.Embedding;
  drop: nn.Dropout;
  blocks: nn.TransformerEncoder;
  head: nn.Linear;

  constructor(vocab: number, context: number, c: Extract<TextModelConfig, { type: "transformer" }>) {
    super();
    this.maxContext = context;
    this.tok = new nn.Embedding(vocab, c.dModel);
    this.pos = new nn.Embedding(context, c.dModel);
    this.drop = new nn.Dropout(c.dropout ?? 0);
    const layer = new nn.TransformerEncoderLayer(c.dModel, c.nhead, {
      dimFeedforward: c.dimFeedforward, dropout: c.dropout ?? 0, activation: "gelu", batchFirst: true, normFirst: true,
    });
    this.blocks = new nn.TransformerEncoder(layer, c.numLayers, { norm: new nn.LayerNorm([c.dModel]) });
    this.head = new nn.Linear(c.dModel, vocab);
  }

  override forward(ids: Tensor): Tensor {
    const t = ids.shape[ids.shape.length - 1]!;
    const x = this.drop.forward(this.tok.forward(ids).add(this.pos.forward(arange(t))));
    const mask = nn.Transformer.generateSquareSubsequentMask(t);
    return this.head.forward(this.blocks.forward(x, { mask, isCausal: true }));
  }
}

export function buildTextModel(c: TextModelConfig, vocab: number, context: number): TextModel {
  return c.type === "lstm" ? new CharLSTM(vocab, c) : new CharTransformer(vocab, context, c);
}

/** Parameters and activation floats per sequence of `context` tokens, computed without building. */
export function textModelSize(c: TextModelConfig, context: number, vocab: number): { parameters: number; activationsPerSample: number } {
  if (c.type === "lstm") {
    let parameters = vocab * c.embeddingDim + c.hidden * vocab + vocab;
    let width = c.embeddingDim;
    for (let l = 0; l < c.numLayers; l++) {
      parameters += 4 * c.hidden * (width + c.hidden) + 8 * c.hidden;
      width = c.hidden;
    }
    // Per step: the input, four gates, cell and hidden states (and their tanh) per layer; logits and softmax.
    const acts = context * (c.embeddingDim + c.numLayers * 9 * c.hidden + 3 * vocab);
    return { parameters, activationsPerSample: acts };
  }
  const d = c.dModel;
  const ff = c.dimFeedforward;
  const perLayer = 4 * d * d + 4 * d + 2 * d * ff + ff + d + 4 * d;
  const parameters = (vocab + context) * d + c.numLayers * perLayer + 2 * d + d * vocab + vocab;
  // Per token and layer: norms, q/k/v, attention output, residuals, the feed-forward hidden twice; plus
  // one row of attention probabilities (and its mask and softmax) per head.
  const acts = context * (c.numLayers * (12 * d + 3 * ff + 3 * c.nhead * context) + 3 * vocab + 2 * d);
  return { parameters, activationsPerSample: acts };
}
