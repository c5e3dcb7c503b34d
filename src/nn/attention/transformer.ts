import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError, ShapeError } from "../../errors.ts";
import { type OptionSpec, checkArg } from "../../options.ts";
import { checkCall } from "../check_call.ts";
import { all } from "../../ops/logical_reduce.ts";
import { eq } from "../../ops/elementwise.ts";
import { triu } from "../../ops/shape_ops.ts";
import { full } from "../../tensor/creation.ts";
import type { DType } from "../../tensor/dtype.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { ModuleList } from "../container.ts";
import { xavierUniform_ } from "../init.ts";
import { type AnyModule, Module } from "../module.ts";
import { LayerNorm } from "../normalization.ts";
import { deepCopyModule } from "./clone.ts";
import {
  DECODER_FORWARD_OPTIONS, type DecoderLayerForwardOptions, LAYER_OPTIONS, type TransformerLayerOptions,
  TransformerDecoderLayer, TransformerEncoderLayer,
} from "./transformer_layers.ts";

/** nn.TransformerEncoder, nn.TransformerDecoder (stacks of deep-copied layers) and nn.Transformer. */

/** [sz, sz] float: -inf above the diagonal, 0 elsewhere (position i attends to 0..i). */
export function generateSquareSubsequentMask(sz: number, opts: { dtype?: DType } = {}): Tensor {
  const where = "nn.Transformer.generateSquareSubsequentMask()";
  checkArg(where, sz, "int", 1, "sz");
  checkCall(where, arguments, 2, { dtype: "string" });
  return triu(full([sz, sz], -Infinity, { dtype: opts.dtype }), 1);
}

/**
 * PyTorch 2's `_detect_is_causal_mask`: an explicit hint wins; otherwise a square mask equal to the
 * causal one (float -inf above the diagonal, or bool True there) is recognised, so the layers can use
 * the causal path without the mask.
 */
function detectCausal(mask: Tensor | null, isCausal: boolean | undefined): boolean {
  if (isCausal !== undefined) return isCausal;
  if (mask === null || mask.ndim !== 2 || mask.shape[0] !== mask.shape[1]) return false;
  return noGrad(() => {
    const causal = generateSquareSubsequentMask(mask.shape[0]!, { dtype: mask.dtype === "bool" ? "float64" : mask.dtype });
    const ref = mask.dtype === "bool" ? eq(causal, -Infinity) : causal;
    return all(eq(mask.detach(), ref)).item() !== 0;
  });
}

export interface TransformerEncoderOptions {
  /** A final layer norm (PyTorch's `norm`). */
  norm?: AnyModule | null;
  /** Accepted for PyTorch's signature: kindling has no nested tensors, so both have no effect. */
  enableNestedTensor?: boolean;
  maskCheck?: boolean;
}

export interface TransformerEncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  /** Whether mask is the causal mask; left undefined, it is detected by comparing. */
  isCausal?: boolean;
}

/**
 * What both stacks share: numLayers deep copies of the layer (PyTorch's `_get_clones`; the layer given
 * is not itself used), run in turn, then the optional norm.
 */
abstract class LayerStack<In extends unknown[]> extends Module<In, Tensor> {
  layers: ModuleList;
  readonly numLayers: number;
  norm: AnyModule | null;

  protected constructor(where: string, args: IArguments, spec: OptionSpec, layer: AnyModule, numLayers: number, opts: { norm?: AnyModule | null }) {
    super();
    checkCall(where, args, 3, spec, "norm");
    if (!(layer instanceof Module)) throw new ArgumentError(`${where}: the layer must be a Module`);
    if (!Number.isInteger(numLayers) || numLayers < 0) throw new ArgumentError(`${where}: num_layers must be a non-negative integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(layer)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  protected run(x: Tensor, ...rest: unknown[]): Tensor {
    for (const layer of this.layers) x = (layer as AnyModule).forward(x, ...rest) as Tensor;
    return this.norm === null ? x : (this.norm.forward(x) as Tensor);
  }
}

/** `nn.TransformerEncoder(encoderLayer, numLayers, { norm })`: numLayers copies of the layer, then norm. */
export class TransformerEncoder extends LayerStack<[src: Tensor, opts?: TransformerEncoderForwardOptions]> {
  /** @internal */ static override readonly builtinName: string = "TransformerEncoder";

  constructor(encoderLayer: AnyModule, numLayers: number, opts: TransformerEncoderOptions = {}) {
    super("nn.TransformerEncoder()", arguments, { norm: "object?", enableNestedTensor: "boolean", maskCheck: "boolean" }, encoderLayer, numLayers, opts);
  }

  override forward(src: Tensor, opts: TransformerEncoderForwardOptions = {}): Tensor {
    checkCall("nn.TransformerEncoder.forward()", arguments, 2, { mask: "tensor?", srcKeyPaddingMask: "tensor?", isCausal: "boolean" }, "mask");
    const mask = opts.mask ?? null;
    return this.run(src, { srcMask: mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: detectCausal(mask, opts.isCausal) });
  }
}

/** `nn.TransformerDecoder(decoderLayer, numLayers, { norm })`. */
export class TransformerDecoder extends LayerStack<[tgt: Tensor, memory: Tensor, opts?: DecoderLayerForwardOptions]> {
  /** @internal */ static override readonly builtinName: string = "TransformerDecoder";

  constructor(decoderLayer: AnyModule, numLayers: number, opts: { norm?: AnyModule | null } = {}) {
    super("nn.TransformerDecoder()", arguments, { norm: "object?" }, decoderLayer, numLayers, opts);
  }

  override forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): Tensor {
    checkCall("nn.TransformerDecoder.forward()", arguments, 3, DECODER_FORWARD_OPTIONS, "tgtMask");
    return this.run(tgt, memory, { ...opts, tgtIsCausal: detectCausal(opts.tgtMask ?? null, opts.tgtIsCausal), memoryIsCausal: opts.memoryIsCausal ?? false });
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  customEncoder?: AnyModule | null;
  customDecoder?: AnyModule | null;
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

const TRANSFORMER_OPTIONS = {
  ...LAYER_OPTIONS, dModel: "int", nhead: "int", numEncoderLayers: "int", numDecoderLayers: "int", customEncoder: "object?", customDecoder: "object?",
} as const;
const TRANSFORMER_FORWARD_OPTIONS = { srcMask: "tensor?", srcKeyPaddingMask: "tensor?", srcIsCausal: "boolean", ...DECODER_FORWARD_OPTIONS } as const;

/** nn.Transformer's own forward arguments. */
export type TransformerForwardArgs = [src: Tensor, tgt: Tensor, opts?: TransformerForwardOptions];

/**
 * `nn.Transformer({ dModel: 512, nhead: 8, numEncoderLayers: 6, numDecoderLayers: 6, dimFeedforward: 2048, ... })`:
 * an encoder and a decoder stack, each ending in a LayerNorm; every parameter with more than one
 * dim is re-drawn xavier-uniform, as PyTorch's `_reset_parameters`.
 *
 * `In` lets a subclass give forward its own arguments, as PyTorch models built on nn.Transformer do
 * (word_language_model's `TransformerModel.forward(src, has_mask)` uses only the encoder):
 * `class TransformerModel extends nn.Transformer<[src: Tensor, hasMask?: boolean]>`.
 */
export class Transformer<In extends unknown[] = TransformerForwardArgs> extends Module<In, Tensor> {
  /** @internal */ static override readonly builtinName: string = "Transformer";
  encoder: AnyModule;
  decoder: AnyModule;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  static generateSquareSubsequentMask = generateSquareSubsequentMask;

  constructor(opts: TransformerOptions = {}) {
    super();
    checkCall("nn.Transformer()", arguments, 1, TRANSFORMER_OPTIONS, "dModel");
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...rest } = opts;
    const norm = (): LayerNorm => new LayerNorm(dModel, { eps: opts.layerNormEps ?? 1e-5, dtype: opts.dtype });
    this.encoder = customEncoder ?? ( new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, rest) as AnyModule, numEncoderLayers, { norm: norm() }) as AnyModule);
    this.decoder = customDecoder ?? ( new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, rest) as AnyModule, numDecoderLayers, { norm: norm() }) as AnyModule);
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = opts.batchFirst ?? false;
  }

  override forward(...args: In): Tensor {
    const [src, tgt, opts = {}] = args as unknown as TransformerForwardArgs;
    checkCall("nn.Transformer.forward()", arguments, 3, TRANSFORMER_FORWARD_OPTIONS, "srcMask");
    const batched = src.ndim === 3;
    const b = this.batchFirst ? 0 : 1;
    if (batched && src.shape[b] !== tgt.shape[b]) throw new ShapeError("the batch number of src and tgt must be equal");
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ShapeError("the feature number of src and tgt must be equal to d_model");
    }
    const { srcMask, srcKeyPaddingMask, srcIsCausal, ...decoderOpts } = opts;
    const memory = this.encoder.forward(src, { mask: srcMask, srcKeyPaddingMask, isCausal: srcIsCausal }) as Tensor;
    return this.decoder.forward(tgt, memory, decoderOpts) as Tensor;
  }
}
