import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { type TensJson, check, readFixture } from "./fixture_util.ts";

/** scripts/fixtures/gen_recurrent_dropout.py: 3-layer RNN/LSTM/GRU with dropout=1.0, in training and in eval. */
interface Case {
  kind: "LSTM" | "GRU" | "RNN";
  training: boolean;
  output: TensJson;
  hN: TensJson;
  inputGrad: TensJson;
  paramGrads: TensJson[];
}

const { cases } = readFixture<{ cases: Case[] }>("recurrent_dropout.json");

test("dropout=1 between stacked recurrent layers: outputs and gradients are PyTorch's (zero input past layer 0 in training only)", () => {
  assert.equal(cases.length, 6);
  for (const c of cases) {
    const where = `${c.kind} ${c.training ? "train" : "eval"}`;
    // One type for the three (the LSTM's state is a pair, the others' a tensor).
    const m = new torch.nn[c.kind](3, 4, { numLayers: 3, dropout: 1.0 }) as torch.nn.RNNBase<torch.Tensor | torch.Tensor[]>;
    torch.noGrad(() =>
      m.parameters().forEach((p, i) => p.copy_(torch.sin(torch.arange(p.numel(), { dtype: "float32" }).mul(0.37).add(i)).view(p.shape).mul(0.5))),
    );
    m.train(c.training);
    const x = torch.cos(torch.arange(30, { dtype: "float32" })).view(5, 2, 3).requiresGrad_();
    const [y, h] = m.forward(x);
    const hN = Array.isArray(h) ? h[0]! : h;
    y.sum().add(hN.square().sum()).backward();
    check(y, c.output, `${where} output`);
    check(hN, c.hN, `${where} h_n`);
    check(x.grad, c.inputGrad, `${where} input grad`);
    m.parameters().forEach((p, i) => check(p.grad, c.paramGrads[i]!, `${where} grad of ${m.flatWeightsNames[i]}`));
  }
});
