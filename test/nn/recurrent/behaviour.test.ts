/**
 * The recurrent layers' reprs and state-dict layouts (from PyTorch 1.13), PyTorch's initialisation,
 * error messages for wrong inputs and states, float64 gradchecks of the fused op (every cell kind,
 * packed batches, projection, both directions) and a few behaviours the fixtures do not reach.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { recurrentLayer } from "../../../src/ops/recurrent_layer.ts";
import { readFixture } from "./fixture_util.ts";

const { nn } = torch;

interface ReprCase {
  type: string;
  args: number[];
  opts: Record<string, unknown>;
  repr: string;
  stateDict: [string, number[]][];
}
const reprs = readFixture<{ reprs: ReprCase[] }>("recurrent_misc.json").reprs;

function make(type: string, args: number[], opts: Record<string, unknown>): torch.nn.Module<never[], unknown> {
  const Cls = (nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.Module<never[], unknown>>)[type]!;
  return new Cls(...args, opts);
}

describe("recurrent layers: repr, state dict, init", () => {
  for (const c of reprs) {
    test(`${c.repr}`, () => {
      const m = make(c.type, c.args, c.opts);
      assert.equal(String(m), c.repr);
      assert.deepEqual(Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]), c.stateDict);
    });
  }

  test("weights start U(-1/sqrt(hidden), 1/sqrt(hidden))", () => {
    torch.manualSeed(0);
    const m = new nn.LSTM(30, 64, { numLayers: 2, projSize: 16 });
    const bound = 1 / 8;
    const all = m.parameters().flatMap((p) => Array.from(p.detach().toTypedArray() as Float32Array));
    assert.ok(all.every((v) => Math.abs(v) <= bound));
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const varc = all.reduce((s, v) => s + v * v, 0) / all.length;
    assert.ok(Math.abs(mean) < 0.003 && Math.abs(varc - bound * bound / 3) < 3e-4, `mean ${mean}, var ${varc}`);
    const lstm = m as unknown as Record<string, torch.Tensor>;
    assert.equal(lstm["weight_hr_l1"], m.namedParameters().find(([k]) => k === "weight_hr_l1")![1]);
    assert.equal(m.allWeights.length, 2);
    assert.deepEqual(m.allWeights[1]!.map((t) => t.shape), [[256, 16], [256, 16], [256], [256], [16, 64]]);
  });
});

describe("recurrent layers: PyTorch's errors", () => {
  const lstm = new nn.LSTM(3, 4);
  const gru = new nn.GRU(3, 4);
  test("input and hidden shapes", () => {
    assert.throws(() => lstm.forward(torch.randn([5, 2, 7])), { name: "ShapeError", message: "input.size(-1) must be equal to input_size. Expected 3, got 7" });
    assert.throws(() => lstm.forward(torch.randn([5, 2, 3]), [torch.randn([1, 3, 4]), torch.randn([1, 2, 4])]), { message: "Expected hidden[0] size (1, 2, 4), got [1, 3, 4]" });
    assert.throws(() => lstm.forward(torch.randn([5, 2, 3]), [torch.randn([1, 2, 4]), torch.randn([1, 2, 5])]), { message: "Expected hidden[1] size (1, 2, 4), got [1, 2, 5]" });
    assert.throws(() => gru.forward(torch.randn([5, 2, 3]), torch.randn([2, 2, 4])), { message: "Expected hidden size (1, 2, 4), got [2, 2, 4]" });
    assert.throws(() => lstm.forward(torch.randn([2, 5, 2, 3])), { message: "LSTM: Expected input to be 2-D or 3-D but received 4-D tensor" });
    assert.throws(() => lstm.forward(torch.randn([5, 3]), [torch.randn([1, 2, 4]), torch.randn([1, 2, 4])]), {
      message: "For unbatched 2-D input, hx and cx should also be 2-D but got (3-D, 3-D) tensors",
    });
    assert.throws(() => gru.forward(torch.randn([5, 2, 3]), torch.randn([2, 4])), { message: "For batched 3-D input, hx should also be 3-D but got 2-D tensor" });
    assert.throws(() => lstm.forward(torch.randn([5, 2, 3], { dtype: "float64" })), { name: "DTypeError", message: "input must have the type torch.float32, got type torch.float64" });
    assert.throws(() => lstm.forward(torch.randn([0, 2, 3])), { message: "Expected sequence length to be larger than 0 in RNN" });
    assert.throws(() => lstm.forward(torch.randn([5, 2, 3]), torch.randn([1, 2, 4]) as never), /hx must be a pair/);
  });

  test("constructor options", () => {
    assert.throws(() => new nn.RNN(3, 4, { nonlinearity: "sigmoid" as "tanh" }), { message: "Unknown nonlinearity 'sigmoid'" });
    assert.throws(() => new nn.LSTM(3, 4, { dropout: 1.5 }), { message: "dropout should be a number in range [0, 1] representing the probability of an element being zeroed" });
    assert.throws(() => new nn.LSTM(3, 4, { projSize: 4 }), { message: "proj_size has to be smaller than hidden_size" });
    assert.throws(() => new nn.LSTM(3, 4, { projSize: -1 }), { message: "proj_size should be a positive integer or zero to disable projections" });
    assert.throws(() => new nn.GRU(3, 4, { projSize: 2 } as never), /projSize/);
    assert.throws(() => new nn.LSTM(3, 0), { message: "hidden_size must be greater than zero" });
    assert.throws(() => new nn.LSTM(3, 4, { numLayers: 0 }), { message: "num_layers must be greater than zero" });
    assert.throws(() => new nn.LSTM(3, 4, { num_layers: 2 } as never), /numLayers/);
    assert.throws(() => new nn.LSTM(3, 4, 2 as never), /numLayers/);
  });

  test("cells", () => {
    const c = new nn.LSTMCell(3, 4);
    assert.throws(() => c.forward(torch.randn([2, 5])), { message: "input has inconsistent input_size: got 5 expected 3" });
    assert.throws(() => c.forward(torch.randn([2, 3]), [torch.randn([3, 4]), torch.randn([2, 4])]), { message: "Input batch size 2 doesn't match hidden0 batch size 3" });
    assert.throws(() => c.forward(torch.randn([2, 2, 3])), { message: "LSTMCell: Expected input to be 1-D or 2-D but received 3-D tensor" });
    assert.throws(() => new nn.GRUCell(3, 4).forward(torch.randn([2, 3]), torch.randn([2, 5])), { message: "hidden0 has inconsistent hidden_size: got 5, expected 4" });
  });
});

describe("recurrent layers: gradcheck (float64) and behaviour", () => {
  const f64 = (shape: number[]) => torch.randn(shape, { dtype: "float64" }).requiresGrad_(true);
  for (const mode of ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"] as const) {
    for (const reverse of [false, true]) {
      test(`${mode}${reverse ? " reverse" : ""}: packed batch sizes [3, 2, 2, 1]`, () => {
        torch.manualSeed(1);
        const G = mode === "LSTM" ? 4 : mode === "GRU" ? 3 : 1;
        const H = 3;
        const proj = mode === "LSTM" && reverse ? 2 : 0;
        const P = proj || H;
        const sizes = [3, 2, 2, 1];
        const inputs = [f64([8, 2]), f64([3, P]), f64([3, H]), f64([G * H, 2]), f64([G * H, P]), f64([G * H]), f64([G * H]), f64([Math.max(proj, 1), H])];
        const fn = (x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor, wih: torch.Tensor, whh: torch.Tensor, bih: torch.Tensor, bhh: torch.Tensor, whr: torch.Tensor) => {
          const [y, h, c] = recurrentLayer(mode, x, sizes, h0, mode === "LSTM" ? c0 : null,
            { weightIh: wih, weightHh: whh, biasIh: bih, biasHh: bhh, weightHr: proj ? whr : null }, reverse);
          // Weighted sums, so that every output element's gradient differs.
          const parts = [y.mul(torch.linspace(0.5, 1.5, y.numel(), { dtype: "float64" }).reshape(y.shape)).sum(), h.mul(1.3).sum()];
          if (c) parts.push(c.mul(-0.7).sum());
          return parts.reduce((a, b) => a.add(b));
        };
        if (mode !== "LSTM") inputs[2]!.requiresGrad_(false);
        if (!proj) inputs[7]!.requiresGrad_(false);
        assert.ok(torch.autograd.gradcheck(fn as (...t: torch.Tensor[]) => torch.Tensor, inputs));
      });
    }
  }

  test("module gradcheck through layers, directions and packing (GRU, float64)", () => {
    torch.manualSeed(2);
    const m = new nn.GRU(2, 3, { numLayers: 2, bidirectional: true, dtype: "float64" });
    const x = f64([4, 3, 2]);
    const fn = (xx: torch.Tensor) => {
      const p = nn.utils.rnn.packPaddedSequence(xx, [2, 4, 3], { enforceSorted: false });
      const [out, h] = m.forward(p);
      return out.data.square().sum().add(h.sum());
    };
    assert.ok(torch.autograd.gradcheck(fn, [x, ...m.parameters()].slice(0, 1)));
    assert.ok(torch.autograd.gradcheck((_w: torch.Tensor) => fn(x.detach()), [m.parameters()[0]!]));
  });

  test("dropout between layers acts only in training; outputs of non-contiguous input; double()", () => {
    torch.manualSeed(4);
    const m = new nn.LSTM(3, 5, { numLayers: 2, dropout: 0.5 });
    const xi = torch.randn([4, 6, 3]);
    const [a] = m.forward(xi);
    const [b] = m.forward(xi);
    assert.ok(!torch.equal(a, b), "training: two draws of the dropout mask");
    m.eval();
    const [c] = m.forward(xi);
    const [d] = m.forward(xi);
    assert.ok(torch.equal(c, d));
    const nc = torch.randn([3, 4, 6]).permute([1, 2, 0]); // [4, 6, 3], not contiguous
    assert.ok(!nc.isContiguous());
    assert.ok(torch.allclose(m.forward(nc)[0], m.forward(nc.contiguous())[0]));
    m.double();
    const [e] = m.forward(xi.double());
    assert.equal(e.dtype, "float64");
    assert.ok(torch.allclose(e.float(), c, { atol: 1e-5 }));
  });

  test("no graph is kept under noGrad, and results are the same", () => {
    const m = new nn.GRU(3, 4);
    const x = torch.randn([6, 2, 3]);
    const [y1] = m.forward(x);
    const [y2] = torch.noGrad(() => m.forward(x));
    assert.equal(y2.requiresGrad, false);
    assert.ok(torch.equal(y1.detach(), y2));
  });
});

describe("recurrent layers: empty batches and small PyTorch habits", () => {
  test("a batch of 0 gives empty outputs, as PyTorch's", () => {
    const lstm = new nn.LSTM(3, 4, { bidirectional: true });
    const [out, [h, c]] = lstm.forward(torch.randn([5, 0, 3]));
    assert.deepEqual([out.shape, h.shape, c.shape], [[5, 0, 8], [2, 0, 4], [2, 0, 4]]);
    const gru = new nn.GRU(3, 4, { batchFirst: true });
    assert.deepEqual(gru.forward(torch.randn([0, 5, 3]))[0].shape, [0, 5, 4]);
    const [hc, cc] = new nn.LSTMCell(3, 4).forward(torch.randn([0, 3]));
    assert.deepEqual([hc.shape, cc.shape], [[0, 4], [0, 4]]);
    assert.throws(() => nn.utils.rnn.packPaddedSequence(torch.randn([5, 0, 3]), []), { message: "Cannot pack empty tensors." });
  });

  test("flattenParameters is accepted; Embedding of a 0-d index and of no indices", () => {
    new nn.LSTM(3, 4).flattenParameters();
    const e = new nn.Embedding(5, 2);
    assert.deepEqual(e.forward(torch.tensor(3)).shape, [2]);
    assert.deepEqual(e.forward(torch.tensor([], { dtype: "int64" })).shape, [0, 2]);
  });
});
