/**
 * nn.Linear with PyTorch's keyword arguments as an options object (buildmodel_tutorial:
 * `nn.Linear(in_features=28*28, out_features=20)`). Reprs printed by PyTorch 1.13:
 * nn.Linear(in_features=784, out_features=20) and nn.Linear(3, out_features=2, bias=False).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const { nn } = torch;

test("nn.Linear({ inFeatures, outFeatures }) and nn.Linear(in, { outFeatures, bias }) are PyTorch's keyword calls", () => {
  const a = new nn.Linear({ inFeatures: 784, outFeatures: 20 });
  assert.equal(String(a), "Linear(in_features=784, out_features=20, bias=True)");
  assert.deepEqual(a.weight.shape, [20, 784]);
  const b = new nn.Linear(3, { outFeatures: 2, bias: false });
  assert.equal(String(b), "Linear(in_features=3, out_features=2, bias=False)");
  assert.equal(b.bias, null);
  assert.equal(String(new nn.Linear(3, 2, { bias: false })), "Linear(in_features=3, out_features=2, bias=False)");
});

test("nn.Linear keyword mistakes are refused", () => {
  assert.throws(() => new nn.Linear(3, { outFeatures: 2, inFeatures: 4 } as never), /multiple values for argument 'inFeatures'/);
  assert.throws(() => new nn.Linear({ inFeatures: 3, outFeature: 2 } as never), /outFeature/);
  assert.throws(() => new nn.Linear({ inFeatures: 3 } as never), /out_features must be a non-negative integer/);
  assert.throws(() => new nn.Linear(3, 2, false as never), /pass \{ bias: false \}/);
});
