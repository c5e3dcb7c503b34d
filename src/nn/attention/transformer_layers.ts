import { releaseWhenFreed } from "../../autograd/activations.ts";
import { nodesMade } from "../../autograd/node.ts";
import { ArgumentError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { add } from "../../ops/elementwise.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { Dropout } from "../dropout.ts";
import { gelu, relu } from "../functional/activation.ts";
import { Linear } from "../linear.ts";
import { type AnyModule, Module } from "../module.ts";
import { LayerNorm } from "../normalization.ts";
import { isUnhookedBuiltin } from "../chain.ts";
import { checkMaskType } from "./masks.ts";
import { MultiheadAttention } from "./multihead.ts";

/**
 * nn.TransformerEncoderLayer and nn.TransformerDecoderLayer: attention blocks and a feed-forward block,
 * each with dropout and a residual connection, layer-normalised after (default) or before (`normFirst`).
 * Submodules, their order and state-dict keys are PyTorch's (`self_attn.in_proj_weight`, `linear1.weight`,
 * `norm1.weight`, ...).
 */

/** A unary activation: "relu" and "gelu" name F.relu and F.gelu; a Module is registered as a child. */
export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  dtype?: DType;
}

export const LAYER_OPTIONS = {
  dimFeedforward: "int", dropout: "number", activation: "any", layerNormEps: "number", batchFirst: "boolean", normFirst: "boolean", dtype: "string",
} as const;

/** PyTorch's `_get_activation_fn`, plus the callables it accepts as they are. */
export function activationFn(a: TransformerActivation | undefined): ((x: Tensor) => Tensor) | Module {
  if (a === undefined || a === "relu") return relu;
  if (a === "gelu") return (x: Tensor) => gelu(x);
  if (typeof a === "function" || a instanceof Module) return a;
  throw new ArgumentError(`activation should be relu/gelu, not ${String(a)}`);
}

function checkKeyPadding(mask: Tensor | null | undefined, name: string): void {
  if (mask !== null && mask !== undefined) checkMaskType(mask, name);
}

/**
 * What both layers share: the settings, self-attention and the feed-forward block. Module fields are
 * `declare`d and assigned in PyTorch's registration order, which is the state-dict and repr order.
 */
abstract class TransformerLayerBase<In extends unknown[]> extends Module<In, Tensor> {
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  declare selfAttn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare activation: ((x: Tensor) => Tensor) | Module;

  protected constructor(where: string, args: IArguments, dModel: number, nhead: number, opts: TransformerLayerOptions) {
    super();
    checkArity(where, args, 3);
    checkOptions(where, opts, LAYER_OPTIONS, { index: 3, positional: "dimFeedforward" });
    this.normFirst = opts.normFirst ?? false;
    this.batchFirst = opts.batchFirst ?? false;
    this.selfAttn = this.attention(dModel, nhead, opts);
    this.renameStateKey("selfAttn", "self_attn");
  }

  protected attention(dModel: number, nhead: number, opts: TransformerLayerOptions): MultiheadAttention {
    return new MultiheadAttention(dModel, nhead, { dropout: opts.dropout ?? 0.1, batchFirst: this.batchFirst, dtype: opts.dtype });
  }

  /** linear1, dropout, linear2 (after the attention blocks, as PyTorch registers them). */
  protected addFeedForward(dModel: number, opts: TransformerLayerOptions): void {
    const dff = opts.dimFeedforward ?? 2048;
    this.linear1 = new Linear(dModel, dff, { dtype: opts.dtype });
    this.dropout = new Dropout(opts.dropout ?? 0.1);
    this.linear2 = new Linear(dff, dModel, { dtype: opts.dtype });
  }

  protected norm(dModel: number, opts: TransformerLayerOptions): LayerNorm {
    return new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5, dtype: opts.dtype });
  }

  /** `own`, when given, collects the intermediates (see privateChain). */
  protected ffBlock(x: Tensor, drop: Dropout, own: Tensor[] | null = null): Tensor {
    const a = this.activation;
    const h = this.linear1.forward(x);
    const act = a instanceof Module ? ((a as AnyModule).forward(h) as Tensor) : a(h);
    const d = this.dropout.forward(act);
    const y = this.linear2.forward(d);
    own?.push(h, act, d, y);
    return drop.forward(y);
  }

  protected saBlock(x: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean, drop: Dropout, own: Tensor[] | null = null): Tensor {
    const [y] = this.selfAttn.forward(x, x, x, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal });
    own?.push(y);
    return drop.forward(y);
  }

  /**
   * Whether the tensors this layer's forward passes between its own submodules are private: the layer
   * is kindling's class itself and every submodule (and a module activation) kindling's, none hooked or
   * patched, so only their graph nodes ever hold those tensors (as nn/chain.ts decides for Sequential).
   */
  protected privateChain(builtin: AnyModule["constructor"]): boolean {
    if (this.constructor !== builtin || !isUnhookedBuiltin(this as AnyModule)) return false;
    const a = this.activation;
    if (!(a === relu || a === gelu || a instanceof Module)) return false;
    for (const m of this.children()) if (!isUnhookedBuiltin(m)) return false;
    return true;
  }
}

export interface EncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  /** A hint that srcMask is the causal mask. */
  isCausal?: boolean;
}

/** `nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward: 2048, dropout: 0.1, activation: "relu", layerNormEps: 1e-5, batchFirst, normFirst })`. */
export class TransformerEncoderLayer extends TransformerLayerBase<[src: Tensor, opts?: EncoderLayerForwardOptions]> {
  /** @internal */ static override readonly builtinName: string = "TransformerEncoderLayer";
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super("nn.TransformerEncoderLayer()", arguments, dModel, nhead, opts);
    this.addFeedForward(dModel, opts);
    this.norm1 = this.norm(dModel, opts);
    this.norm2 = this.norm(dModel, opts);
    this.dropout1 = new Dropout(opts.dropout ?? 0.1);
    this.dropout2 = new Dropout(opts.dropout ?? 0.1);
    this.activation = activationFn(opts.activation);
  }

  override forward(src: Tensor, opts: EncoderLayerForwardOptions = {}): Tensor {
    const where = "nn.TransformerEncoderLayer.forward()";
    checkArity(where, arguments, 2);
    checkOptions(where, opts, { srcMask: "tensor?", srcKeyPaddingMask: "tensor?", isCausal: "boolean" }, { index: 2, positional: "srcMask" });
    checkKeyPadding(opts.srcKeyPaddingMask, "src_key_padding_mask");
    const mask = opts.srcMask ?? null;
    const kpm = opts.srcKeyPaddingMask ?? null;
    const causal = opts.isCausal ?? false;
    const since = nodesMade();
    const own: Tensor[] | null = this.privateChain(TransformerEncoderLayer) ? [] : null;
    const mid = (t: Tensor): Tensor => {
      own?.push(t);
      return t;
    };
    let x = src;
    if (this.normFirst) {
      x = mid(add(x, mid(this.saBlock(mid(this.norm1.forward(x)), mask, kpm, causal, this.dropout1, own))));
      x = add(x, mid(this.ffBlock(mid(this.norm2.forward(x)), this.dropout2, own)));
    } else {
      x = mid(this.norm1.forward(mid(add(x, mid(this.saBlock(x, mask, kpm, causal, this.dropout1, own))))));
      x = this.norm2.forward(mid(add(x, mid(this.ffBlock(x, this.dropout2, own)))));
    }
    if (own !== null) releaseWhenFreed(x, since, own.map((t) => t.storage), [src]);
    return x;
  }
}

export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  /** A hint that tgtMask is the causal mask. */
  tgtIsCausal?: boolean;
  /** A hint that memoryMask is the causal mask. */
  memoryIsCausal?: boolean;
}

export const DECODER_FORWARD_OPTIONS = {
  tgtMask: "tensor?", memoryMask: "tensor?", tgtKeyPaddingMask: "tensor?", memoryKeyPaddingMask: "tensor?", tgtIsCausal: "boolean", memoryIsCausal: "boolean",
} as const;

/** `nn.TransformerDecoderLayer(dModel, nhead, {...})`: self-attention, attention over the memory, feed-forward. */
export class TransformerDecoderLayer extends TransformerLayerBase<[tgt: Tensor, memory: Tensor, opts?: DecoderLayerForwardOptions]> {
  /** @internal */ static override readonly builtinName: string = "TransformerDecoderLayer";
  declare multiheadAttn: MultiheadAttention;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare norm3: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;

  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super("nn.TransformerDecoderLayer()", arguments, dModel, nhead, opts);
    this.multiheadAttn = this.attention(dModel, nhead, opts);
    this.renameStateKey("multiheadAttn", "multihead_attn");
    this.addFeedForward(dModel, opts);
    this.norm1 = this.norm(dModel, opts);
    this.norm2 = this.norm(dModel, opts);
    this.norm3 = this.norm(dModel, opts);
    this.dropout1 = new Dropout(opts.dropout ?? 0.1);
    this.dropout2 = new Dropout(opts.dropout ?? 0.1);
    this.dropout3 = new Dropout(opts.dropout ?? 0.1);
    this.activation = activationFn(opts.activation);
  }

  private mhaBlock(x: Tensor, mem: Tensor, mask: Tensor | null, kpm: Tensor | null, isCausal: boolean): Tensor {
    const [y] = this.multiheadAttn.forward(x, mem, mem, { attnMask: mask, keyPaddingMask: kpm, needWeights: false, isCausal });
    return this.dropout2.forward(y);
  }

  override forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): Tensor {
    const where = "nn.TransformerDecoderLayer.forward()";
    checkArity(where, arguments, 3);
    checkOptions(where, opts, DECODER_FORWARD_OPTIONS, { index: 3, positional: "tgtMask" });
    checkKeyPadding(opts.tgtKeyPaddingMask, "tgt_key_padding_mask");
    checkKeyPadding(opts.memoryKeyPaddingMask, "memory_key_padding_mask");
    const tm = opts.tgtMask ?? null;
    const tk = opts.tgtKeyPaddingMask ?? null;
    const mm = opts.memoryMask ?? null;
    const mk = opts.memoryKeyPaddingMask ?? null;
    const tc = opts.tgtIsCausal ?? false;
    const mc = opts.memoryIsCausal ?? false;
    let x = tgt;
    if (this.normFirst) {
      x = add(x, this.saBlock(this.norm1.forward(x), tm, tk, tc, this.dropout1));
      x = add(x, this.mhaBlock(this.norm2.forward(x), memory, mm, mk, mc));
      x = add(x, this.ffBlock(this.norm3.forward(x), this.dropout3));
    } else {
      x = this.norm1.forward(add(x, this.saBlock(x, tm, tk, tc, this.dropout1)));
      x = this.norm2.forward(add(x, this.mhaBlock(x, memory, mm, mk, mc)));
      x = this.norm3.forward(add(x, this.ffBlock(x, this.dropout3)));
    }
    return x;
  }
}
