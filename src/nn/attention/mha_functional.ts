import { releaseWhenFreed } from "../../autograd/activations.ts";
import { nodesMade } from "../../autograd/node.ts";
import { ArgumentError, DTypeError, ShapeError } from "../../errors.ts";
import { checkCall } from "../check_call.ts";
import { add } from "../../ops/elementwise.ts";
import { cat } from "../../ops/join.ts";
import { linear } from "../../ops/linear.ts";
import { pad } from "../../ops/pad.ts";
import { mean } from "../../ops/reduce.ts";
import { expand, narrow, permute, reshape, squeeze, unsqueeze } from "../../ops/views.ts";
import { zeros } from "../../tensor/creation.ts";
import { isFloating } from "../../tensor/dtype.ts";
import type { Generator } from "../../tensor/random.ts";
import { fmtShape, sameShape } from "../../tensor/shape.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { pyIntTuple } from "../conv.ts";
import { checkDropoutP } from "../functional/activation.ts";
import { attendHeads } from "./core.ts";
import { additiveMask, checkMaskType } from "./masks.ts";

/**
 * PyTorch's `F.multi_head_attention_forward`, the computation behind nn.MultiheadAttention. Queries,
 * keys and values are projected, split into heads, attended with the masks, merged and projected out.
 *
 * Unlike PyTorch, the heads are never made contiguous: the projections are viewed as
 * [N, H, L, headDim] in place and the batched product reads those strides directly; `batchFirst`
 * inputs are used in their own layout rather than transposed.
 */

export interface MultiHeadAttentionForwardOptions {
  /** Dropout applies only in training (default true). */
  training?: boolean;
  /** [N, S] (or [S] unbatched): True (or -inf, for a float mask) marks keys to ignore. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N * numHeads, L, S]: True (or -inf) forbids a position; floats are added. */
  attnMask?: Tensor | null;
  /** Use qProjWeight, kProjWeight, vProjWeight instead of inProjWeight (kdim/vdim != embedDim). */
  useSeparateProjWeight?: boolean;
  qProjWeight?: Tensor | null;
  kProjWeight?: Tensor | null;
  vProjWeight?: Tensor | null;
  /** [N * numHeads, S, headDim] keys and values used instead of the projected ones. */
  staticK?: Tensor | null;
  staticV?: Tensor | null;
  /** Average the returned weights over heads (default true). */
  averageAttnWeights?: boolean;
  /** A hint that attnMask is the causal mask (PyTorch 2): it then needs no materialised mask. */
  isCausal?: boolean;
  /** Inputs are [N, L, E] instead of [L, N, E] (what nn.MultiheadAttention's batchFirst passes). */
  batchFirst?: boolean;
  /** Draws the dropout masks from this generator instead of the default one. */
  generator?: Generator;
}

const MHA_F_OPTIONS = {
  training: "boolean", keyPaddingMask: "tensor?", needWeights: "boolean", attnMask: "tensor?", useSeparateProjWeight: "boolean",
  qProjWeight: "tensor?", kProjWeight: "tensor?", vProjWeight: "tensor?", staticK: "tensor?", staticV: "tensor?",
  averageAttnWeights: "boolean", isCausal: "boolean", batchFirst: "boolean", generator: "object",
} as const;

const size = (s: readonly number[]): string => `torch.Size(${fmtShape(s)})`;

/** PyTorch's `_mha_shape_check`: whether the input is batched (3-D) or not (2-D), checking the rest against it. */
function isBatched(query: Tensor, key: Tensor, value: Tensor, kpm: Tensor | null, attnMask: Tensor | null, numHeads: number): boolean {
  const d = query.ndim;
  if (d !== 2 && d !== 3) throw new ShapeError(`query should be unbatched 2D or batched 3D tensor but received ${d}-D query tensor`);
  const pre = `For ${d === 3 ? "batched (3-D)" : "unbatched (2-D)"} \`query\`, expected`;
  if (key.ndim !== d || value.ndim !== d) throw new ShapeError(`${pre} \`key\` and \`value\` to be ${d}-D but found ${key.ndim}-D and ${value.ndim}-D tensors respectively`);
  if (kpm !== null && kpm.ndim !== d - 1) throw new ShapeError(`${pre} \`key_padding_mask\` to be \`None\` or ${d - 1}-D but found ${kpm.ndim}-D tensor instead`);
  if (attnMask !== null) {
    if (attnMask.ndim !== 2 && attnMask.ndim !== 3) throw new ShapeError(`${pre} \`attn_mask\` to be \`None\`, 2-D or 3-D but found ${attnMask.ndim}-D tensor instead`);
    const expected = [numHeads, query.shape[0]!, key.shape[0]!];
    if (d === 2 && attnMask.ndim === 3 && !sameShape(attnMask.shape, expected)) {
      throw new ShapeError(`Expected \`attn_mask\` shape to be ${pyIntTuple(expected)} but got ${size(attnMask.shape)}`);
    }
  }
  return d === 3;
}

interface Projected {
  q: Tensor;
  k: Tensor;
  v: Tensor;
  /** The one projection q, k and v are views of (self-attention), or null. */
  packed: Tensor | null;
}

/**
 * The in-projections, as PyTorch's `_in_projection_packed`: self-attention (one tensor as query, key
 * and value) runs one GEMM against the packed weight and views q, k and v in its result (`packed`,
 * which the fused attention takes as its input so that backward fills one gradient); otherwise q, k
 * and v each get their own GEMM against their rows [i * E, (i + 1) * E) of the weight (or their own weight).
 */
function project(query: Tensor, key: Tensor, value: Tensor, E: number, inW: Tensor | null, inB: Tensor | null, sep: Tensor[] | null): Projected {
  if (sep === null) {
    if (inW === null) throw new ArgumentError("use_separate_proj_weight is False but in_proj_weight is None");
    if (query === key && key === value) {
      const packed = linear(query, inW, inB);
      const [q, k, v] = [0, 1, 2].map((i) => narrow(packed, -1, i * E, E)) as [Tensor, Tensor, Tensor];
      return { q, k, v, packed };
    }
  }
  const [q, k, v] = [query, key, value].map((x, i) => {
    const w = sep?.[i] ?? narrow(inW!, 0, i * E, E);
    const Ein = x.shape[x.ndim - 1]!;
    if (sep && !sameShape(w.shape, [E, Ein])) throw new ShapeError(`expecting ${["query", "key", "value"][i]} weights shape of ${pyIntTuple([E, Ein])}, but got ${size(w.shape)}`);
    return linear(x, w, inB && narrow(inB, 0, i * E, E));
  }) as [Tensor, Tensor, Tensor];
  return { q, k, v, packed: null };
}

/** [L, N, E] (or [N, L, E] batch-first) as the [N, H, L, headDim] view the batched products read. */
function heads(x: Tensor, batchFirst: boolean, H: number, hd: number): Tensor {
  const [a, b] = x.shape as [number, number];
  const split = reshape(x, [a, b, H, hd]);
  return batchFirst ? permute(split, [0, 2, 1, 3]) : permute(split, [1, 2, 0, 3]);
}

/** A static key or value [N * H, S, headDim], checked and viewed as [N, H, S, headDim]. */
function staticHeads(t: Tensor, name: string, N: number, H: number, hd: number): Tensor {
  if (t.ndim !== 3 || t.shape[0] !== N * H) throw new ShapeError(`expecting ${name}.size(0) of ${N * H}, but got ${t.shape[0]}`);
  if (t.shape[2] !== hd) throw new ShapeError(`expecting ${name}.size(2) of ${hd}, but got ${t.shape[2]}`);
  return reshape(t, [N, H, t.shape[1]!, hd]);
}

/** The key positions bias_k/bias_v and addZeroAttn added (columns of 0 in the additive masks). */
const padKey = (m: Tensor, n: number): Tensor => (n > 0 ? pad(m, [0, n]) : m);

export function multiHeadAttentionForward(
  query: Tensor, key: Tensor, value: Tensor, embedDimToCheck: number, numHeads: number,
  inProjWeight: Tensor | null, inProjBias: Tensor | null, biasK: Tensor | null, biasV: Tensor | null,
  addZeroAttn: boolean, dropoutP: number, outProjWeight: Tensor, outProjBias: Tensor | null,
  opts: MultiHeadAttentionForwardOptions = {},
): [Tensor, Tensor | null] {
  checkCall("F.multiHeadAttentionForward()", arguments, 14, MHA_F_OPTIONS, "training");
  Tensor.check(query, "query");
  Tensor.check(key, "key");
  Tensor.check(value, "value");
  const kpm0 = opts.keyPaddingMask ?? null;
  const mask0 = opts.attnMask ?? null;
  const batchFirst = opts.batchFirst ?? false;
  const batched = isBatched(query, key, value, kpm0, mask0, numHeads);
  // Unbatched inputs become a batch of one, batch-first (a free view).
  const bf = batched ? batchFirst : true;
  const q0 = batched ? query : unsqueeze(query, 0);
  const k0 = batched ? key : unsqueeze(key, 0);
  const v0 = batched ? value : unsqueeze(value, 0);
  if (!isFloating(q0.dtype)) throw new DTypeError(`multi_head_attention_forward: expected a floating point query, got ${q0.dtype}`);
  const [L, N, E] = bf ? [q0.shape[1]!, q0.shape[0]!, q0.shape[2]!] : (q0.shape as [number, number, number]);
  if (kpm0 !== null) checkMaskType(kpm0, "key_padding_mask");
  if (E !== embedDimToCheck) throw new ShapeError(`was expecting embedding dimension of ${embedDimToCheck}, but got ${E}`);
  const hd = Math.floor(E / numHeads);
  if (hd * numHeads !== E) throw new ShapeError(`embed_dim ${E} not divisible by num_heads ${numHeads}`);
  let sep: Tensor[] | null = null;
  if (opts.useSeparateProjWeight) {
    const [ks, vs] = [k0.shape.slice(0, 2), v0.shape.slice(0, 2)];
    if (!sameShape(ks, vs)) throw new ShapeError(`key's sequence and batch dims ${size(ks)} do not match value's ${size(vs)}`);
    sep = ["q", "k", "v"].map((n) => {
      const w = opts[`${n}ProjWeight` as "qProjWeight"];
      if (!w) throw new ArgumentError(`use_separate_proj_weight is True but ${n}_proj_weight is None`);
      return w;
    });
  } else if (!sameShape(k0.shape, v0.shape)) {
    throw new ShapeError(`key shape ${size(k0.shape)} does not match value shape ${size(v0.shape)}`);
  }
  const p = checkDropoutP(dropoutP);
  // Unbatched inputs were unsqueezed one by one: keep "the same tensor" as the caller passed it.
  const since = nodesMade();
  const k1 = key === query ? q0 : k0;
  const v1 = value === key ? k1 : v0;
  let { q, k, v, packed } = project(q0, k1, v1, E, inProjWeight, inProjBias, sep);

  const S0 = bf ? k0.shape[1]! : k0.shape[0]!;
  let bias: Tensor | null = null;
  if (mask0 !== null) {
    if (mask0.dtype !== "bool" && !isFloating(mask0.dtype)) {
      throw new DTypeError(`Only float, byte, and bool types are supported for attn_mask, not torch.${mask0.dtype}`);
    }
    // 2-D or 3-D: isBatched refused the others.
    const two = mask0.ndim === 2;
    const want = two ? [L, S0] : [N * numHeads, L, S0];
    if (!sameShape(mask0.shape, want)) throw new ShapeError(`The shape of the ${mask0.ndim}D attn_mask is ${size(mask0.shape)}, but should be ${pyIntTuple(want)}.`);
    bias = reshape(additiveMask(mask0, q.dtype, true, "attn_mask"), two ? [1, 1, L, S0] : [N, numHeads, L, S0]);
  }
  let kpm = kpm0 === null ? null : reshape(additiveMask(batched ? kpm0 : unsqueeze(kpm0, 0), q.dtype, true, "key_padding_mask"), [-1, 1, 1, kpm0.shape[kpm0.ndim - 1]!]);

  let added = 0;
  if (biasK !== null && biasV !== null) {
    if (opts.staticK || opts.staticV) throw new ArgumentError(`bias cannot be added to static ${opts.staticK ? "key" : "value"}.`);
    // One more key and value per sequence: the learned bias, in the layout's sequence dim.
    const seqDim = bf ? 1 : 0;
    const grow = (t: Tensor, b: Tensor): Tensor => cat([t, expand(reshape(b, [1, 1, E]), bf ? [N, 1, E] : [1, N, E])], seqDim);
    k = grow(k, biasK);
    v = grow(v, biasV);
    added++;
  } else if (biasK !== null || biasV !== null) {
    throw new ArgumentError("bias_k and bias_v must both be given or both be None");
  }

  const qh = heads(q, bf, numHeads, hd);
  let kh = opts.staticK ? staticHeads(opts.staticK, "static_k", N, numHeads, hd) : heads(k, bf, numHeads, hd);
  let vh = opts.staticV ? staticHeads(opts.staticV, "static_v", N, numHeads, hd) : heads(v, bf, numHeads, hd);
  if (addZeroAttn) {
    const z = zeros([N, numHeads, 1, hd], { dtype: q.dtype });
    kh = cat([kh, z], 2);
    vh = cat([vh, z], 2);
    added++;
  }
  const S = kh.shape[2]!;
  if (kpm !== null) kpm = padKey(kpm, added);
  if (bias !== null) bias = padKey(bias, added);
  if (kpm !== null) {
    const got = [kpm.shape[0]!, kpm.shape[3]!];
    if (!sameShape(got, [N, S])) throw new ShapeError(`expecting key_padding_mask shape of ${pyIntTuple([N, S])}, but got ${size(batched ? kpm0!.shape : [1, ...kpm0!.shape])}`);
    bias = bias === null ? kpm : add(bias, kpm);
  }
  const needWeights = opts.needWeights ?? true;
  let causal = false;
  if (opts.isCausal) {
    if (mask0 === null) {
      throw new ArgumentError("Need attn_mask if specifying the is_causal hint: nn.Transformer.generateSquareSubsequentMask(L) makes the causal one.");
    }
    // As PyTorch 2: with no padding mask and no weights wanted, trust the hint and drop the mask.
    if (kpm0 === null && !needWeights && !addZeroAttn && biasK === null) {
      causal = true;
      bias = null;
    }
  }
  const { out: merged, weights } = attendHeads(qh, kh, vh, {
    bias, causal, scale: 1 / Math.sqrt(hd), dropoutP: opts.training === false ? 0 : p, generator: opts.generator,
    needWeights, layout: bf ? "nlhd" : "lnhd", packed: biasK === null && !addZeroAttn && !opts.staticK && !opts.staticV ? packed : null,
  });
  let output = linear(merged, outProjWeight, outProjBias);
  // The projection q, k, v are read from and the merged heads are ours alone (only this call's graph
  // nodes hold them): back to the storage pool when backward has released those nodes, or at once.
  releaseWhenFreed(output, since, [packed?.storage, merged.storage], [query, key, value, weights]);
  if (!batched) output = squeeze(output, 0);
  if (!needWeights) return [output, null];
  let w = (opts.averageAttnWeights ?? true) ? mean(weights!, 1) : weights!;
  if (!batched) w = squeeze(w, 0);
  return [output, w];
}
