/**
 * Printing and state-dict keys of the CNN modules against PyTorch 1.13 (test/fixtures/nn/cnn_repr.json
 * from scripts/fixtures/gen_nn_cnn.py): each layer's repr under many option combinations, and the repr
 * and state-dict keys (shapes, dtypes) of the issue's MNIST CNN and of a model with BatchNorm2d/1d,
 * LayerNorm, Dropout2d, AvgPool2d and AdaptiveAvgPool2d.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type LayerSpec, buildLayer } from "./cnn_spec.ts";

const { nn } = torch;

interface ModelEntry {
  spec: LayerSpec;
  repr: string;
  stateDict: [string, number[], string][];
}

const fx = JSON.parse(readFileSync(new URL("../fixtures/nn/cnn_repr.json", import.meta.url), "utf8")) as {
  layers: { spec: LayerSpec; repr: string }[];
  models: Record<string, ModelEntry>;
};

function stateEntries(m: torch.nn.AnyModule): [string, number[], string][] {
  return Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape], t.dtype]);
}

describe("layer reprs match PyTorch", () => {
  for (const { spec, repr } of fx.layers) {
    test(repr, () => assert.equal(buildLayer(spec).toString(), repr));
  }
});

test("the issue's CNN, written out by hand, prints and names its state as PyTorch", () => {
  const model = new nn.Sequential(
    new nn.Conv2d(1, 32, 3),
    new nn.ReLU(),
    new nn.Conv2d(32, 64, 3),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(9216, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
  const want = fx.models.issue_cnn!;
  assert.equal(model.toString(), want.repr);
  assert.deepEqual(stateEntries(model), want.stateDict);
  // And it runs on MNIST-shaped input.
  const out = model.forward(torch.randn([2, 1, 28, 28]));
  assert.deepEqual(out.shape, [2, 10]);
});

describe("models match PyTorch", () => {
  for (const [name, want] of Object.entries(fx.models)) {
    test(name, () => {
      const model = buildLayer(want.spec);
      assert.equal(model.toString(), want.repr);
      assert.deepEqual(stateEntries(model), want.stateDict);
    });
  }
});

test("norm model: buffers, parameters and num_batches_tracked are PyTorch's", () => {
  const model = buildLayer(fx.models.norm_cnn!.spec);
  const buffers = model.namedBuffers().map(([k, t]) => `${k}:${t.dtype}:${t.ndim}`);
  assert.deepEqual(buffers, [
    "1.running_mean:float32:1", "1.running_var:float32:1", "1.num_batches_tracked:int64:0",
    "6.running_mean:float32:1", "6.running_var:float32:1", "6.num_batches_tracked:int64:0",
    "11.running_mean:float32:1", "11.running_var:float32:1", "11.num_batches_tracked:int64:0",
  ]);
  const params = model.namedParameters().map(([k]) => k);
  assert.ok(!params.some((k) => k.startsWith("6.")), "affine=False BatchNorm has no parameters");
  assert.ok(params.includes("12.weight") && params.includes("12.bias"));
  // A state dict round trip into a fresh model is strict-clean.
  const fresh = buildLayer(fx.models.norm_cnn!.spec);
  assert.deepEqual(fresh.loadStateDict(model.stateDict()), { missingKeys: [], unexpectedKeys: [] });
});
