/**
 * Every layer against PyTorch (test/fixtures/nn/layers.json from scripts/fixtures/gen_nn.py): the
 * layer is built from its spec, its state dict loaded from the fixture, then forward output, input
 * gradient and parameter gradients are compared (normwise rel. error 1e-4 float32, 1e-5 float64).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const { nn } = torch;

interface LayerSpec {
  type: string;
  args?: Record<string, number | boolean | string | LayerSpec[]>;
}

interface LayerCase {
  name: string;
  layer: LayerSpec;
  dtype: "float32" | "float64";
  train: boolean;
  state: Record<string, TensJson>;
  input: TensJson;
  output: TensJson;
  gradOutput: TensJson;
  inputGrad: TensJson;
  paramGrads: Record<string, TensJson>;
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/nn/layers.json", import.meta.url), "utf8")) as { cases: LayerCase[] };

function build(spec: LayerSpec, dtype: "float32" | "float64"): torch.nn.AnyModule {
  const a = spec.args ?? {};
  const num = (k: string) => a[k] as number;
  switch (spec.type) {
    case "Linear":
      return new nn.Linear(num("in"), num("out"), { bias: a.bias !== false, dtype });
    case "Sequential":
      return new nn.Sequential(...(a.layers as LayerSpec[]).map((s) => build(s, dtype)));
    case "ReLU":
      return new nn.ReLU();
    case "Sigmoid":
      return new nn.Sigmoid();
    case "Tanh":
      return new nn.Tanh();
    case "LeakyReLU":
      return "negativeSlope" in a ? new nn.LeakyReLU(num("negativeSlope")) : new nn.LeakyReLU();
    case "GELU":
      return new nn.GELU({ approximate: (a.approximate as "none" | "tanh" | undefined) ?? "none" });
    case "Softmax":
      return new nn.Softmax(num("dim"));
    case "LogSoftmax":
      return new nn.LogSoftmax(num("dim"));
    case "Flatten":
      return new nn.Flatten((a.startDim as number | undefined) ?? 1, (a.endDim as number | undefined) ?? -1);
    case "Identity":
      return new nn.Identity();
    case "Dropout":
      return new nn.Dropout(num("p"));
    default:
      throw new Error(`unknown layer ${spec.type}`);
  }
}

describe("layers match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const layer = build(c.layer, c.dtype);
      layer.train(c.train);
      const state = Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)]));
      layer.loadStateDict(state);
      assert.deepEqual(Object.keys(layer.stateDict()), Object.keys(c.state), "state dict keys");
      const x = fromJson(c.input, true);
      const out = layer.forward(x) as torch.Tensor;
      checkTensor(out, c.output, `${c.name}: output`);
      out.backward(fromJson(c.gradOutput));
      checkTensor(x.grad, c.inputGrad, `${c.name}: input grad`);
      const params = new Map(layer.namedParameters());
      assert.deepEqual([...params.keys()], Object.keys(c.paramGrads), "parameter names");
      for (const [k, g] of Object.entries(c.paramGrads)) checkTensor(params.get(k)!.grad, g, `${c.name}: ${k}.grad`);
    });
  }
});
