/**
 * What the fixtures do not pin: PyTorch's error messages, option checks, the causal mask helper and
 * its detection, deep copies in the stacks, dropout, dtypes, empty batches.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";

const { nn } = torch;
type Tensor = torch.Tensor;

const close = (a: Tensor, b: Tensor, tol = 1e-6): void => {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol, `at ${i}: ${x[i]} vs ${y[i]}`);
};

describe("attention: errors read like PyTorch's", () => {
  const q = torch.randn([3, 2, 4]);
  const kv = torch.randn([5, 2, 4]);
  const mha = new nn.MultiheadAttention(4, 2);

  test("constructor", () => {
    assert.throws(() => new nn.MultiheadAttention(5, 2), { name: "ShapeError", message: "embed_dim must be divisible by num_heads" });
    assert.throws(() => new nn.MultiheadAttention(4, 0), /num_heads must be a positive integer/);
    assert.throws(() => new nn.MultiheadAttention(4, 2, { dropout: 1.5 }), /dropout probability has to be between 0 and 1, but got 1.5/);
    assert.throws(() => new nn.MultiheadAttention(4, 2, { batch_first: true } as never), /unknown option 'batch_first' \(did you mean 'batchFirst'\?\)/);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { activation: "tanh" } as never), /activation should be relu\/gelu, not tanh/);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, 16 as never), /expected an options object as argument 3.*pass \{ dimFeedforward: 16 \}/);
  });

  test("mask shapes and types", () => {
    assert.throws(() => mha.forward(q, kv, kv, { attnMask: torch.zeros([3, 4]) }), {
      name: "ShapeError", message: "The shape of the 2D attn_mask is torch.Size([3, 4]), but should be (3, 5).",
    });
    assert.throws(() => mha.forward(q, kv, kv, { attnMask: torch.zeros([2, 3, 5]) }), {
      message: "The shape of the 3D attn_mask is torch.Size([2, 3, 5]), but should be (4, 3, 5).",
    });
    assert.throws(() => mha.forward(q, kv, kv, { attnMask: torch.zeros([1, 4, 3, 5]) }), /expected `attn_mask` to be `None`, 2-D or 3-D but found 4-D tensor instead/);
    assert.throws(() => mha.forward(q, kv, kv, { attnMask: torch.zeros([3, 5], { dtype: "int64" }) }), {
      name: "DTypeError", message: "Only float, byte, and bool types are supported for attn_mask, not torch.int64",
    });
    assert.throws(() => mha.forward(q, kv, kv, { keyPaddingMask: torch.zeros([2, 4], { dtype: "bool" }) }), {
      message: "expecting key_padding_mask shape of (2, 5), but got torch.Size([2, 4])",
    });
    assert.throws(() => mha.forward(q, kv, kv, { keyPaddingMask: torch.zeros([2, 5], { dtype: "int64" }) }), /only bool and floating types of key_padding_mask are supported/);
    assert.throws(() => mha.forward(q, kv, kv, { attnMask: torch.zeros([3, 5], { dtype: "float64" }) }), /Expected attn_mask dtype to be bool or float or to match query dtype/);
  });

  test("inputs", () => {
    assert.throws(() => mha.forward(torch.randn([3, 2, 6]), kv, kv), { message: "was expecting embedding dimension of 4, but got 6" });
    assert.throws(() => mha.forward(q, kv, torch.randn([4, 2, 4])), { message: "key shape torch.Size([5, 2, 4]) does not match value shape torch.Size([4, 2, 4])" });
    assert.throws(() => mha.forward(q, torch.randn([5, 4]), kv), /For batched \(3-D\) `query`, expected `key` and `value` to be 3-D but found 2-D and 3-D tensors respectively/);
    assert.throws(() => mha.forward(torch.randn([1, 3, 2, 4]), kv, kv), /query should be unbatched 2D or batched 3D tensor but received 4-D query tensor/);
    assert.throws(() => mha.forward(q, kv, kv, { isCausal: true }), /Need attn_mask if specifying the is_causal hint/);
    assert.throws(() => mha.forward(q, kv, kv, { need_weights: false } as never), /unknown option 'need_weights' \(did you mean 'needWeights'\?\)/);
    const t = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
    assert.throws(() => t.forward(torch.randn([5, 2, 4]), torch.randn([3, 3, 4])), { message: "the batch number of src and tgt must be equal" });
    assert.throws(() => t.forward(torch.randn([5, 2, 4]), torch.randn([3, 2, 6])), { message: "the feature number of src and tgt must be equal to d_model" });
  });

  test("F.scaledDotProductAttention", () => {
    const a = torch.randn([2, 3, 4]);
    assert.throws(() => nn.F.scaledDotProductAttention(a, a, a, { isCausal: true, attnMask: torch.ones([3, 3], { dtype: "bool" }) }),
      /Explicit attn_mask should not be set when is_causal=True/);
    assert.throws(() => nn.F.scaledDotProductAttention(a, a.double(), a), /Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: double and value.dtype: float instead./);
    assert.throws(() => nn.F.scaledDotProductAttention(a, torch.randn([2, 3, 5]), a), /must have the same embedding size/);
    assert.throws(() => nn.F.scaledDotProductAttention(a, a, a, { attnMask: torch.ones([4, 3], { dtype: "bool" }) }), /ShapeError|cannot be broadcast/);
    assert.throws(() => nn.F.scaledDotProductAttention(a, a, a, { dropoutP: -0.1 }), /dropout probability has to be between 0 and 1/);
  });
});

describe("attention: behaviour", () => {
  test("generateSquareSubsequentMask is PyTorch's float mask", () => {
    const m = nn.Transformer.generateSquareSubsequentMask(3);
    assert.equal(m.dtype, "float32");
    assert.deepEqual(Array.from(m.toTypedArray()), [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
    assert.equal(nn.Transformer.generateSquareSubsequentMask(2, { dtype: "float64" }).dtype, "float64");
  });

  test("a causal mask, the isCausal hint and a detected mask give the same result; a bool mask too", () => {
    torch.manualSeed(0);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0 });
    const enc = new nn.TransformerEncoder(layer as unknown as torch.nn.AnyModule, 2);
    const x = torch.randn([6, 3, 8]);
    const m = nn.Transformer.generateSquareSubsequentMask(6);
    const explicit = enc.forward(x, { mask: m, isCausal: false });
    close(enc.forward(x, { mask: m }), explicit, 1e-5);
    close(enc.forward(x, { mask: m, isCausal: true }), explicit, 1e-5);
    close(enc.forward(x, { mask: torch.isinf(m) }), explicit, 1e-5);
    // Not causal: the full attention differs.
    assert.ok(Math.abs(enc.forward(x).sub(explicit).abs().max().item()) > 1e-3);
  });

  test("TransformerEncoder deep-copies the layer: equal values, separate storage", () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
    const enc = new nn.TransformerEncoder(layer as unknown as torch.nn.AnyModule, 3);
    const sd = enc.stateDict();
    const w0 = sd["layers.0.self_attn.in_proj_weight"]!;
    const w2 = sd["layers.2.self_attn.in_proj_weight"]!;
    close(w0, layer.selfAttn.inProjWeight!, 0);
    close(w2, w0, 0);
    torch.noGrad(() => w0.fill_(1));
    assert.notEqual(w2.toTypedArray()[0], 1);
    assert.notEqual(layer.selfAttn.inProjWeight!.toTypedArray()[0], 1);
    assert.equal(enc.parameters().length, 3 * layer.parameters().length);
    assert.equal(enc.layers.length, 3);
  });

  test("nn.Transformer re-draws every matrix: the stacked layers differ", () => {
    torch.manualSeed(0);
    const t = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 8 });
    const sd = t.stateDict();
    const a = sd["encoder.layers.0.linear1.weight"]!.toTypedArray();
    const b = sd["encoder.layers.1.linear1.weight"]!.toTypedArray();
    assert.notDeepEqual(Array.from(a), Array.from(b));
    // xavier_uniform bound sqrt(6 / (4 + 8)).
    const bound = Math.sqrt(6 / 12);
    assert.ok(Array.from(a).every((v) => Math.abs(v) <= bound));
    assert.deepEqual(Array.from(sd["encoder.layers.0.self_attn.in_proj_bias"]!.toTypedArray()), new Array(12).fill(0));
  });

  test("dropout acts in training only; a generator makes SDPA's dropout reproducible", () => {
    torch.manualSeed(0);
    const mha = new nn.MultiheadAttention(8, 2, { dropout: 0.5 });
    const x = torch.randn([5, 2, 8]);
    const [a] = mha.forward(x, x, x);
    const [b] = mha.forward(x, x, x);
    assert.ok(a.sub(b).abs().max().item() > 1e-4, "training: different dropout masks");
    mha.eval();
    close(mha.forward(x, x, x)[0], mha.forward(x, x, x)[0], 0);
    const q = torch.randn([2, 4, 8]);
    const g1 = new torch.Generator(7);
    const g2 = new torch.Generator(7);
    close(nn.F.scaledDotProductAttention(q, q, q, { dropoutP: 0.3, generator: g1 }), nn.F.scaledDotProductAttention(q, q, q, { dropoutP: 0.3, generator: g2 }), 0);
  });

  test("needWeights false gives null; averageAttnWeights false gives per-head weights that average to the default", () => {
    torch.manualSeed(1);
    const mha = new nn.MultiheadAttention(8, 4);
    const x = torch.randn([5, 2, 8]);
    assert.equal(mha.forward(x, x, x, { needWeights: false })[1], null);
    const per = mha.forward(x, x, x, { averageAttnWeights: false })[1]!;
    assert.deepEqual(per.shape, [2, 4, 5, 5]);
    close(per.mean(1), mha.forward(x, x, x)[1]!, 1e-6);
    // Rows of attention weights sum to 1.
    close(per.sum(-1), torch.ones([2, 4, 5]), 1e-5);
  });

  test("float64 modules; an empty batch; unbatched input equals a batch of one", () => {
    const mha = new nn.MultiheadAttention(4, 2, { dtype: "float64" });
    assert.equal(mha.inProjWeight!.dtype, "float64");
    const x = torch.randn([3, 1, 4], { dtype: "float64" });
    const [o1, w1] = mha.forward(x, x, x);
    const [o2, w2] = mha.forward(x.squeeze(1), x.squeeze(1), x.squeeze(1));
    close(o1.squeeze(1), o2, 1e-12);
    close(w1!.squeeze(0), w2!, 1e-12);
    const empty = torch.randn([3, 0, 4], { dtype: "float64" });
    const [oe, we] = mha.forward(empty, empty, empty);
    assert.deepEqual(oe.shape, [3, 0, 4]);
    assert.deepEqual(we!.shape, [0, 3, 3]);
  });

  test("a Module activation is registered as a child, as in PyTorch", () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, activation: new nn.GELU() });
    assert.match(layer.toString(), /\(activation\): GELU\(approximate='none'\)\n\)$/);
  });
});
