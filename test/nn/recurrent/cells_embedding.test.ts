/**
 * nn.RNNCell / LSTMCell / GRUCell and nn.Embedding against PyTorch 1.13 (test/fixtures/recurrent_misc.json,
 * scripts/fixtures/gen_recurrent.py). Cells run two steps from PyTorch's initial weights; Embedding
 * checks the lookup, the padding row's zero gradient, maxNorm's in-place renorm and scaleGradByFreq.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { type TensJson, check, fromJson, loadState, readFixture } from "./fixture_util.ts";

const { nn } = torch;

interface CellCase {
  name: string;
  type: "LSTMCell" | "GRUCell" | "RNNCell";
  args: [number, number];
  opts: Record<string, unknown>;
  dtype: "float32" | "float64";
  state: Record<string, TensJson>;
  inputs: TensJson[];
  hx: TensJson | TensJson[] | null;
  outputs: TensJson[][];
  gradOutputs: TensJson[];
  inputGrads: TensJson[];
  hxGrad: TensJson[] | null;
  paramGrads: Record<string, TensJson>;
}

interface EmbeddingCase {
  name: string;
  args: [number, number];
  opts: Record<string, unknown>;
  dtype: "float32" | "float64";
  pretrained: boolean;
  state: Record<string, TensJson>;
  input: TensJson;
  output: TensJson;
  gradOutput: TensJson;
  weightGrad: TensJson;
  weightAfter: TensJson;
}

const fx = readFixture<{ cells: CellCase[]; embedding: EmbeddingCase[] }>("recurrent_misc.json");

type AnyCell = { forward(x: torch.Tensor, h?: unknown): torch.Tensor | [torch.Tensor, torch.Tensor] } & torch.nn.Module<never[], unknown>;

function buildCell(c: CellCase): AnyCell {
  const opts = { ...c.opts, dtype: c.dtype };
  const Cls = { LSTMCell: nn.LSTMCell, GRUCell: nn.GRUCell, RNNCell: nn.RNNCell }[c.type];
  return new Cls(c.args[0], c.args[1], opts as never) as unknown as AnyCell;
}

describe("recurrent cells match PyTorch", () => {
  for (const c of fx.cells) {
    test(c.name, () => {
      const m = buildCell(c);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state));
      m.loadStateDict(loadState(c.state), { strict: true });
      const xs = c.inputs.map((x) => fromJson(x, true));
      const h0 = c.hx === null ? null : (Array.isArray(c.hx) ? c.hx : [c.hx]).map((h) => fromJson(h, true));
      let h: unknown = h0 === null ? null : c.type === "LSTMCell" ? h0 : h0[0];
      let last: torch.Tensor[] = [];
      xs.forEach((x, step) => {
        const r = m.forward(x, h);
        last = Array.isArray(r) ? r : [r];
        h = r;
        c.outputs[step]!.forEach((e, i) => check(last[i], e, `${c.name}: step ${step} output ${i}`));
      });
      let loss = last[0]!.mul(fromJson(c.gradOutputs[0]!)).sum();
      if (last[1]) loss = loss.add(last[1].mul(fromJson(c.gradOutputs[1]!)).sum());
      loss.backward();
      xs.forEach((x, i) => check(x.grad, c.inputGrads[i]!, `${c.name}: input ${i} grad`));
      if (c.hxGrad) c.hxGrad.forEach((e, i) => check(h0![i]!.grad, e, `${c.name}: hx[${i}] grad`));
      const params = new Map(m.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads)) check(params.get(k)!.grad, g, `${c.name}: grad of ${k}`);
    });
  }
});

describe("nn.Embedding matches PyTorch", () => {
  for (const c of fx.embedding) {
    test(c.name, () => {
      let m: torch.nn.Embedding;
      if (c.pretrained) {
        m = nn.Embedding.fromPretrained(fromJson(c.state["weight"]!), { ...c.opts, freeze: false });
      } else {
        m = new nn.Embedding(c.args[0], c.args[1], { ...c.opts, dtype: c.dtype });
        m.loadStateDict(loadState(c.state), { strict: true });
      }
      const out = m.forward(fromJson(c.input));
      check(out, c.output, `${c.name}: output`);
      out.mul(fromJson(c.gradOutput)).sum().backward();
      check(m.weight.grad, c.weightGrad, `${c.name}: weight grad`);
      check(m.weight, c.weightAfter, `${c.name}: weight after the step (maxNorm renormalises in place)`);
    });
  }

  test("a fresh table is N(0, 1) with the padding row zeroed; F.embedding is the same lookup", () => {
    torch.manualSeed(3);
    const m = new nn.Embedding(400, 50, { paddingIdx: 7 });
    const w = m.weight.detach();
    assert.deepEqual(Array.from(w.select(0, 7).toTypedArray()), new Array(50).fill(0));
    const mean = w.mean().item() as number;
    const std = w.std().item() as number;
    assert.ok(Math.abs(mean) < 0.02 && Math.abs(std - 1) < 0.02, `mean ${mean}, std ${std}`);
    const idx = torch.tensor([[7, 1], [3, 399]], { dtype: "int64" });
    assert.deepEqual(Array.from(nn.F.embedding(idx, m.weight).toTypedArray()), Array.from(m.forward(idx).toTypedArray()));
    assert.equal(m.weight.requiresGrad, true);
    assert.equal(nn.Embedding.fromPretrained(torch.randn([3, 2])).weight.requiresGrad, false);
  });

  test("PyTorch's errors", () => {
    const m = new nn.Embedding(10, 3);
    assert.throws(() => m.forward(torch.tensor([10])), { name: "IndexError", message: "index out of range in self" });
    assert.throws(() => m.forward(torch.tensor([-1])), { name: "IndexError", message: "index out of range in self" });
    assert.throws(() => m.forward(torch.tensor([1.5])), {
      name: "DTypeError",
      message: "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)",
    });
    assert.throws(() => new nn.Embedding(10, 3, { paddingIdx: 10 }), { message: "Padding_idx must be within num_embeddings" });
    assert.throws(() => new nn.Embedding(10, 3, { paddingIdx: -11 }), { message: "Padding_idx must be within num_embeddings" });
    assert.throws(() => new nn.Embedding(10, 3, { sparse: true }), /sparse gradients are not supported/);
    assert.throws(() => nn.Embedding.fromPretrained(torch.randn([3])), { message: "Embeddings parameter is expected to be 2-dimensional" });
    assert.throws(() => new nn.Embedding(10, 3, { padding_idx: 1 } as never), /paddingIdx/);
  });
});
