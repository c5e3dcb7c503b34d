/** F.scaledDotProductAttention and F.multiHeadAttentionForward. */
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { scalarTypeName } from "../../ops/promotion.ts";
import { isFloating } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { broadcastShapes, fmtShape, sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { attend } from "../attention/core.ts";
import { additiveMask } from "../attention/masks.ts";
import { checkDropoutP } from "./activation.ts";

export { multiHeadAttentionForward, type MultiHeadAttentionForwardOptions } from "../attention/mha_functional.ts";

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcasts to [..., L, S]. A bool mask's True marks the pairs that take part in attention (the
   * opposite of nn.MultiheadAttention's attnMask); a float mask is added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout on the attention weights, applied whenever > 0 (there is no training flag). */
  dropoutP?: number;
  /** Query i attends to keys 0..i only (top-left aligned when L != S); excludes attnMask. */
  isCausal?: boolean;
  /** Multiplies q k^T; default 1 / sqrt(E). */
  scale?: number | null;
  /** Draws the dropout mask from this generator instead of the default one. */
  generator?: Generator;
}

const SDPA_OPTIONS = { attnMask: "tensor?", dropoutP: "number", isCausal: "boolean", scale: "number?", generator: "object" } as const;

const dtypeName = (t: Tensor): string => scalarTypeName(t.dtype).toLowerCase();

/**
 * PyTorch 2's `F.scaled_dot_product_attention` by its reference formula:
 * softmax(q k^T * scale + mask) v, with q [..., L, E], k [..., S, E], v [..., S, Ev] (batch dims
 * broadcast) and output [..., L, Ev]. A row whose keys are all masked out is NaN, as that formula gives.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, opts: ScaledDotProductAttentionOptions = {}): Tensor {
  const where = "F.scaledDotProductAttention()";
  checkArity(where, arguments, 4);
  checkOptions(where, opts, SDPA_OPTIONS, { index: 4, positional: "attnMask" });
  Tensor.check(query, "query");
  Tensor.check(key, "key");
  Tensor.check(value, "value");
  if (query.dtype !== key.dtype || query.dtype !== value.dtype) {
    throw new DTypeError(
      `Expected query, key, and value to have the same dtype, but got query.dtype: ${dtypeName(query)} key.dtype: ` +
        `${dtypeName(key)} and value.dtype: ${dtypeName(value)} instead.`,
    );
  }
  if (!isFloating(query.dtype)) throw new DTypeError(`scaled_dot_product_attention: expected floating point query, key and value, got ${query.dtype}`);
  for (const [t, name] of [[query, "query"], [key, "key"], [value, "value"]] as const) {
    if (t.ndim < 2) throw new ShapeError(`scaled_dot_product_attention: ${name} must have at least 2 dimensions, got shape ${fmtShape(t.shape)}`);
  }
  const E = query.shape[query.ndim - 1]!;
  const L = query.shape[query.ndim - 2]!;
  const S = key.shape[key.ndim - 2]!;
  if (key.shape[key.ndim - 1] !== E) {
    throw new ShapeError(`scaled_dot_product_attention: query ${fmtShape(query.shape)} and key ${fmtShape(key.shape)} must have the same embedding size (last dim)`);
  }
  if (value.shape[value.ndim - 2] !== S) {
    throw new ShapeError(`scaled_dot_product_attention: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must have the same sequence length (dim -2)`);
  }
  const batch = broadcastShapes(broadcastShapes(query.shape.slice(0, -2), key.shape.slice(0, -2)), value.shape.slice(0, -2));
  const mask = opts.attnMask ?? null;
  const causal = opts.isCausal ?? false;
  if (causal && mask !== null) throw new ArgumentError("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
  const p = checkDropoutP(opts.dropoutP ?? 0);
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  let bias: Tensor | null = null;
  if (mask !== null) {
    bias = additiveMask(mask, query.dtype, false, "attn_mask");
    const full = [...batch, L, S];
    if (!sameShape(broadcastShapes(full, bias.shape), full)) {
      throw new ShapeError(`scaled_dot_product_attention: attn_mask of shape ${fmtShape(mask.shape)} cannot be broadcast to the attention weights' shape ${fmtShape(full)}`);
    }
  }
  return attend(query, key, value, { bias, causal, scale, dropoutP: p, generator: opts.generator });
}
