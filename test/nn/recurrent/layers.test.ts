/**
 * nn.RNN / nn.LSTM / nn.GRU against PyTorch 1.13 (test/fixtures/recurrent_layers.json from
 * scripts/fixtures/gen_recurrent.py): PyTorch's initial weights are loaded strictly, then the output,
 * h_n (and c_n), the input and initial-state gradients and every weight gradient are compared, for
 * every option that changes the computation (layers, directions, batchFirst, projSize, bias, relu,
 * unbatched input, packed input with unsorted lengths, given or omitted hx, float32 and float64).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { type TensJson, check, fromJson, loadState, readFixture } from "./fixture_util.ts";

const { nn } = torch;
type PackedSequence = torch.nn.PackedSequence;

interface LayerCase {
  name: string;
  type: "LSTM" | "GRU" | "RNN";
  args: [number, number];
  opts: Record<string, unknown>;
  dtype: "float32" | "float64";
  state: Record<string, TensJson>;
  input: TensJson;
  train: boolean;
  packed: { lengths: number[]; enforceSorted: boolean } | null;
  hx: TensJson | TensJson[] | null;
  output: TensJson;
  hN: TensJson[];
  gradOutput: TensJson;
  gradHN: TensJson[];
  inputGrad: TensJson;
  hxGrad: TensJson[] | null;
  paramGrads: Record<string, TensJson>;
}

const fx = readFixture<{ cases: LayerCase[] }>("recurrent_layers.json");

function build(c: LayerCase): torch.nn.LSTM | torch.nn.GRU | torch.nn.RNN {
  const opts = { ...c.opts, dtype: c.dtype };
  if (c.type === "LSTM") return new nn.LSTM(c.args[0], c.args[1], opts);
  if (c.type === "GRU") return new nn.GRU(c.args[0], c.args[1], opts);
  return new nn.RNN(c.args[0], c.args[1], opts as torch.nn.RNNOptions);
}

describe("recurrent layers match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const m = build(c);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), "state dict keys");
      m.loadStateDict(loadState(c.state), { strict: true });
      m.train(c.train);
      const x = fromJson(c.input, true);
      const hxLeaves = c.hx === null ? null : (Array.isArray(c.hx) ? c.hx : [c.hx]).map((h) => fromJson(h, true));
      const batchFirst = c.opts["batchFirst"] === true;
      let input: torch.Tensor | PackedSequence = x;
      if (c.packed) {
        input = nn.utils.rnn.packPaddedSequence(x, c.packed.lengths, { batchFirst, enforceSorted: c.packed.enforceSorted });
      }
      const hx = hxLeaves === null ? null : c.type === "LSTM" ? (hxLeaves as [torch.Tensor, torch.Tensor]) : hxLeaves[0]!;
      const [rawOut, hn] = (m.forward as (i: unknown, h: unknown) => [torch.Tensor | PackedSequence, torch.Tensor | torch.Tensor[]])(input, hx);
      const out = c.packed ? nn.utils.rnn.padPackedSequence(rawOut as PackedSequence, { batchFirst })[0] : (rawOut as torch.Tensor);
      const hns = Array.isArray(hn) ? hn : [hn];
      check(out, c.output, `${c.name}: output`);
      c.hN.forEach((e, i) => check(hns[i], e, `${c.name}: final state ${i}`));
      let loss = out.mul(fromJson(c.gradOutput)).sum();
      hns.forEach((h, i) => (loss = loss.add(h.mul(fromJson(c.gradHN[i]!)).sum())));
      loss.backward();
      check(x.grad, c.inputGrad, `${c.name}: input grad`);
      if (c.hxGrad) c.hxGrad.forEach((e, i) => check(hxLeaves![i]!.grad, e, `${c.name}: hx[${i}] grad`));
      const params = new Map(m.namedParameters());
      assert.deepEqual([...params.keys()], Object.keys(c.paramGrads), "parameter names");
      for (const [k, g] of Object.entries(c.paramGrads)) check(params.get(k)!.grad, g, `${c.name}: grad of ${k}`);
    });
  }
});
