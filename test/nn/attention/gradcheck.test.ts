/**
 * Float64 finite-difference gradchecks of the attention layers on small sizes, with every input and
 * parameter a leaf of the check (masks included where they are float), per backend.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";

const { nn } = torch;
const { gradcheck } = torch.autograd;
type Tensor = torch.Tensor;

const leaf = (shape: number[]): Tensor => torch.randn(shape, { dtype: "float64" }).requiresGrad_(true);

/** The module's parameters as leaves of the check: fn receives them after the inputs and loads them in. */
function withParams(m: torch.nn.AnyModule, inputs: Tensor[], f: (...xs: Tensor[]) => Tensor): [(...all: Tensor[]) => Tensor, Tensor[]] {
  const named = m.namedParameters();
  const leaves = named.map(([, p]) => p.detach().clone().requiresGrad_(true));
  const fn = (...all: Tensor[]): Tensor => {
    const ps = all.slice(inputs.length);
    // Swap the parameter tensors for the check's leaves (the same values), so their gradients are traced.
    const saved = named.map(([k]) => k);
    saved.forEach((k, i) => setPath(m, k, ps[i]!));
    return f(...all.slice(0, inputs.length));
  };
  return [fn, [...inputs, ...leaves]];
}

function setPath(m: torch.nn.AnyModule, key: string, t: Tensor): void {
  const parts = key.split(".");
  const owner = parts.slice(0, -1).reduce<torch.nn.AnyModule>((mod, p) => mod.getSubmodule(p), m);
  const name = parts[parts.length - 1]!;
  const prop = { in_proj_weight: "inProjWeight", in_proj_bias: "inProjBias", bias_k: "biasK", bias_v: "biasV", q_proj_weight: "qProjWeight", k_proj_weight: "kProjWeight", v_proj_weight: "vProjWeight" }[name] ?? name;
  (owner as unknown as Record<string, Tensor>)[prop] = t;
}

describe(`attention gradchecks (float64, ${torch.getBackend()})`, () => {
  test("F.scaledDotProductAttention: q, k, v and a float mask", () => {
    torch.manualSeed(1);
    const q = leaf([2, 3, 4]), k = leaf([2, 5, 4]), v = leaf([2, 5, 3]), m = leaf([3, 5]);
    assert.ok(gradcheck((a, b, c, d) => nn.F.scaledDotProductAttention(a!, b!, c!, { attnMask: d }), [q, k, v, m]));
    assert.ok(gradcheck((a, b, c) => nn.F.scaledDotProductAttention(a!, b!, c!, { isCausal: true, scale: 0.7 }), [q, k, v]));
  });

  test("MultiheadAttention: inputs and every parameter, with bias_kv, zero attention and masks", () => {
    torch.manualSeed(2);
    const mha = new nn.MultiheadAttention(4, 2, { addBiasKv: true, addZeroAttn: true, dtype: "float64" });
    const q = leaf([3, 2, 4]), k = leaf([5, 2, 4]), v = leaf([5, 2, 4]);
    const kpm = torch.tensor([[false, false, false, false, true], [false, false, true, true, true]]);
    const am = torch.randn([3, 5], { dtype: "float64" });
    const [fn, all] = withParams(mha as unknown as torch.nn.AnyModule, [q, k, v], (a, b, c) => {
      const [o, w] = mha.forward(a!, b!, c!, { keyPaddingMask: kpm, attnMask: am, averageAttnWeights: false });
      return torch.cat([o.reshape([-1]), w!.reshape([-1])]);
    });
    assert.ok(gradcheck(fn, all));
  });

  test("MultiheadAttention with kdim/vdim (separate projection weights), batch-first", () => {
    torch.manualSeed(3);
    const mha = new nn.MultiheadAttention(4, 2, { kdim: 3, vdim: 2, batchFirst: true, dtype: "float64" });
    const q = leaf([2, 3, 4]), k = leaf([2, 4, 3]), v = leaf([2, 4, 2]);
    const [fn, all] = withParams(mha as unknown as torch.nn.AnyModule, [q, k, v], (a, b, c) => mha.forward(a!, b!, c!)[0]);
    assert.ok(gradcheck(fn, all));
  });

  test("fused heads: 4-D SDPA with a float mask, self-attention (packed projection) through the weights alone, dropout", () => {
    torch.manualSeed(5);
    const q = leaf([2, 2, 3, 4]), k = leaf([2, 2, 5, 4]), v = leaf([2, 2, 5, 3]), m = leaf([2, 1, 3, 5]);
    assert.ok(gradcheck((a, b, c, d) => nn.F.scaledDotProductAttention(a!, b!, c!, { attnMask: d }), [q, k, v, m]));
    // The same generator state every call: a fixed dropout mask, so the function is deterministic.
    assert.ok(gradcheck((a, b, c) => nn.F.scaledDotProductAttention(a!, b!, c!, { dropoutP: 0.3, generator: new torch.Generator(11) }), [q, k, v]));
    const x = leaf([4, 2, 4]);
    const w = leaf([12, 4]), b = leaf([12]), ow = leaf([4, 4]), ob = leaf([4]);
    const mhaF = (needWeightsOnly: boolean) => (xx: Tensor | undefined, ww: Tensor | undefined, bb: Tensor | undefined, oww: Tensor | undefined, obb: Tensor | undefined): Tensor => {
      const [o, att] = nn.F.multiHeadAttentionForward(xx!, xx!, xx!, 4, 2, ww!, bb!, null, null, false, 0.2, oww!, obb!, { generator: new torch.Generator(3) });
      return needWeightsOnly ? att! : torch.cat([o.reshape([-1]), att!.reshape([-1])]);
    };
    assert.ok(gradcheck(mhaF(true), [x, w, b, ow, ob]));
    assert.ok(gradcheck(mhaF(false), [x, w, b, ow, ob]));
  });

  test("TransformerEncoderLayer (norm first, gelu) and DecoderLayer: inputs and parameters", () => {
    torch.manualSeed(4);
    const enc = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, normFirst: true, activation: "gelu", dtype: "float64" });
    const src = leaf([3, 2, 4]);
    const mask = nn.Transformer.generateSquareSubsequentMask(3, { dtype: "float64" });
    const [fe, ae] = withParams(enc as unknown as torch.nn.AnyModule, [src], (s) => enc.forward(s!, { srcMask: mask }));
    assert.ok(gradcheck(fe, ae));
    const dec = new nn.TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, dtype: "float64" });
    const tgt = leaf([3, 2, 4]), mem = leaf([2, 2, 4]);
    assert.ok(gradcheck((t, m) => dec.forward(t!, m!, { tgtMask: mask, tgtIsCausal: true }), [tgt, mem]));
  });
});
