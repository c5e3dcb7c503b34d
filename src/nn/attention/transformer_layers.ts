import { releaseWhenFreed } from "../../autograd/activations.ts";
import { nodesMade } from "../../autograd/node.ts";
import { ArgumentError } from "../../errors.ts";
import { checkCall } from "../check_call.ts";
import { snake } from "../snake.ts";
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

function checkKeyPadding(opts: object, names: string[]): void {
  for (const n of names) {
    const mask = (opts as Record<string, Tensor | null | undefined>)[n];
    if (mask) checkMaskType(mask, snake(n));
  }
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

  /**
   * Registers, in PyTorch's order: self_attn, (the decoder's multihead_attn), linear1, dropout, linear2,
   * norm1..normN, dropout1..dropoutN, activation.
   */
  protected constructor(where: string, args: IArguments, dModel: number, nhead: number, opts: TransformerLayerOptions, decoder: boolean) {
    super();
    checkCall(where, args, 3, LAYER_OPTIONS, "dimFeedforward");
    this.normFirst = opts.normFirst ?? false;
    this.batchFirst = opts.batchFirst ?? false;
    const { dtype, dropout = 0.1, dimFeedforward = 2048 } = opts;
    const self = this as unknown as Record<string, unknown>;
    for (const prop of decoder ? ["selfAttn", "multiheadAttn"] : ["selfAttn"]) {
      self[prop] = new MultiheadAttention(dModel, nhead, { dropout, batchFirst: this.batchFirst, dtype });
      this.renameStateKey(prop, snake(prop));
    }
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype });
    this.dropout = new Dropout(dropout);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype });
    const n = decoder ? 3 : 2;
    for (let i = 1; i <= n; i++) self[`norm${i}`] = new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5, dtype });
    for (let i = 1; i <= n; i++) self[`dropout${i}`] = new Dropout(dropout);
    this.activation = activationFn(opts.activation);
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

  protected attnBlock(
    attn: MultiheadAttention, x: Tensor, kv: Tensor, attnMask: Tensor | null | undefined, keyPaddingMask: Tensor | null | undefined,
    isCausal: boolean | undefined, drop: Dropout, own: Tensor[] | null = null,
  ): Tensor {
    const [y] = attn.forward(x, kv, kv, { attnMask, keyPaddingMask, needWeights: false, isCausal });
    own?.push(y);
    return drop.forward(y);
  }

  /** The blocks in turn, each with its residual and norm{i} before (normFirst) or after; `own` as in ffBlock. */
  protected residuals(x: Tensor, blocks: ((y: Tensor) => Tensor)[], own: Tensor[] | null = null): Tensor {
    const mid = (t: Tensor): Tensor => (own?.push(t), t);
    blocks.forEach((block, i) => {
      const norm = (this as unknown as Record<string, LayerNorm>)[`norm${i + 1}`]!;
      if (i > 0) mid(x);
      x = this.normFirst ? add(x, mid(block(mid(norm.forward(x))))) : norm.forward(mid(add(x, mid(block(x)))));
    });
    return x;
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
    super("nn.TransformerEncoderLayer()", arguments, dModel, nhead, opts, false);
  }

  override forward(src: Tensor, opts: EncoderLayerForwardOptions = {}): Tensor {
    checkCall("nn.TransformerEncoderLayer.forward()", arguments, 2, { srcMask: "tensor?", srcKeyPaddingMask: "tensor?", isCausal: "boolean" }, "srcMask");
    checkKeyPadding(opts, ["srcKeyPaddingMask"]);
    const since = nodesMade();
    const own: Tensor[] | null = this.privateChain(TransformerEncoderLayer) ? [] : null;
    const x = this.residuals(src, [
      (y) => this.attnBlock(this.selfAttn, y, y, opts.srcMask, opts.srcKeyPaddingMask, opts.isCausal, this.dropout1, own),
      (y) => this.ffBlock(y, this.dropout2, own),
    ], own);
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
    super("nn.TransformerDecoderLayer()", arguments, dModel, nhead, opts, true);
  }

  override forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): Tensor {
    checkCall("nn.TransformerDecoderLayer.forward()", arguments, 3, DECODER_FORWARD_OPTIONS, "tgtMask");
    checkKeyPadding(opts, ["tgtKeyPaddingMask", "memoryKeyPaddingMask"]);
    return this.residuals(tgt, [
      (y) => this.attnBlock(this.selfAttn, y, y, opts.tgtMask, opts.tgtKeyPaddingMask, opts.tgtIsCausal, this.dropout1),
      (y) => this.attnBlock(this.multiheadAttn, y, memory, opts.memoryMask, opts.memoryKeyPaddingMask, opts.memoryIsCausal, this.dropout2),
      (y) => this.ffBlock(y, this.dropout3),
    ]);
  }
}
