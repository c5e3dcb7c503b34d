/** Attention and Transformer layers. */
export {
  MultiheadAttention, NonDynamicallyQuantizableLinear, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions,
} from "./multihead.ts";
export {
  TransformerEncoderLayer, TransformerDecoderLayer, type TransformerActivation, type TransformerLayerOptions,
  type EncoderLayerForwardOptions, type DecoderLayerForwardOptions,
} from "./transformer_layers.ts";
export {
  TransformerEncoder, TransformerDecoder, Transformer, type TransformerEncoderOptions, type TransformerEncoderForwardOptions,
  type TransformerOptions, type TransformerForwardOptions, type TransformerForwardArgs,
} from "./transformer.ts";
