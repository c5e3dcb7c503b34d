/**
 * CNN modules against PyTorch 1.13 (test/fixtures/nn/cnn_layers.json from scripts/fixtures/gen_nn_cnn.py).
 * Each module is built from its spec, PyTorch's state dict (weights, running statistics) is loaded
 * into it, then every step's output, input gradient and parameter gradients are compared; for
 * BatchNorm also the running statistics and num_batches_tracked after 3 training steps and the
 * eval-mode output afterwards. Normwise relative error <= 1e-4 (float32), 1e-5 (float64).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson, relError } from "../helpers/fixture.ts";
import { type DTypeName, type LayerSpec, buildLayer } from "./cnn_spec.ts";

interface Step {
  input: TensJson;
  output: TensJson;
  gradOutput: TensJson;
  inputGrad: TensJson;
  paramGrads: Record<string, TensJson>;
  indices?: TensJson;
}

interface LayerCase {
  name: string;
  layer: LayerSpec;
  dtype: DTypeName;
  state: Record<string, TensJson>;
  train: boolean;
  steps: Step[];
  finalState: Record<string, TensJson> | null;
  evalStep: Step | null;
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/nn/cnn_layers.json", import.meta.url), "utf8")) as { cases: LayerCase[] };

/** Worst error seen per dtype, reported at the end. */
const worst: Record<string, { err: number; where: string }> = {};

function check(actual: torch.Tensor | null | undefined, expected: TensJson, where: string): void {
  checkTensor(actual, expected, where);
  if (expected.dtype !== "float32" && expected.dtype !== "float64") return;
  const { err } = relError(actual!.toTypedArray(), expected.data);
  const w = worst[expected.dtype];
  if (!w || err > w.err) worst[expected.dtype] = { err, where };
}

function runStep(layer: torch.nn.AnyModule, s: Step, where: string): void {
  layer.zeroGrad();
  const x = fromJson(s.input, true);
  const res = layer.forward(x) as torch.Tensor | [torch.Tensor, torch.Tensor];
  const out = Array.isArray(res) ? res[0] : res;
  if (s.indices) {
    assert.ok(Array.isArray(res), `${where}: expected [values, indices]`);
    check(res[1], s.indices, `${where}: indices`);
  }
  check(out, s.output, `${where}: output`);
  out.backward(fromJson(s.gradOutput));
  check(x.grad, s.inputGrad, `${where}: input grad`);
  const params = new Map(layer.namedParameters());
  assert.deepEqual([...params.keys()].filter((k) => params.get(k)!.grad !== null), Object.keys(s.paramGrads), `${where}: params with grads`);
  for (const [k, g] of Object.entries(s.paramGrads)) check(params.get(k)!.grad, g, `${where}: grad of ${k}`);
}

function loadState(json: Record<string, TensJson>): Record<string, torch.Tensor> {
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fromJson(v)]));
}

describe("CNN modules match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const layer = buildLayer(c.layer, c.dtype);
      assert.deepEqual(Object.keys(layer.stateDict()), Object.keys(c.state), "state dict keys");
      layer.loadStateDict(loadState(c.state));
      layer.train(c.train);
      c.steps.forEach((s, i) => runStep(layer, s, `${c.name} step ${i}`));
      if (c.finalState) {
        const sd = layer.stateDict();
        assert.deepEqual(Object.keys(sd), Object.keys(c.finalState));
        for (const [k, v] of Object.entries(c.finalState)) check(sd[k], v, `${c.name}: ${k} after ${c.steps.length} steps`);
      }
      if (c.evalStep) {
        layer.eval();
        runStep(layer, c.evalStep, `${c.name} eval`);
        // Eval mode leaves the running statistics alone.
        if (c.finalState) for (const [k, v] of Object.entries(c.finalState)) check(layer.stateDict()[k], v, `${c.name}: ${k} after eval`);
      }
    });
  }
});

test("every layer type is covered", () => {
  const types = new Set<string>();
  const walk = (s: LayerSpec): void => {
    types.add(s.type);
    if (s.type === "Sequential") (s.args as unknown as LayerSpec[]).forEach(walk);
  };
  fx.cases.forEach((c) => walk(c.layer));
  for (const t of ["Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Dropout2d"]) {
    assert.ok(types.has(t), t);
  }
});

after(() => {
  for (const [dtype, w] of Object.entries(worst)) console.log(`# worst ${dtype} rel. error ${w.err.toExponential(2)} (${w.where})`);
});
