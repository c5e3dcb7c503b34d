/**
 * nn.Softmax(dim=1) / nn.LogSoftmax(dim=0) written with an options object, as the tutorials call them
 * (buildmodel_tutorial: `nn.Softmax(dim=1)(logits)`). Values and reprs printed by PyTorch 1.13 for
 * x = [[1, 2, 3], [0.5, -1, 2]].
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";

const { nn } = torch;
const x = () => torch.tensor([[1, 2, 3], [0.5, -1, 2]]);

function close(got: number[][], want: number[][]): void {
  got.flat().forEach((g, i) => assert.ok(Math.abs(g - want.flat()[i]!) < 1e-6, `${g} vs ${want.flat()[i]}`));
}

test("nn.Softmax({ dim: 1 }) is nn.Softmax(dim=1)", () => {
  const m = new nn.Softmax({ dim: 1 });
  assert.equal(String(m), "Softmax(dim=1)");
  close(m.forward(x()).tolist() as number[][], [
    [0.09003057330846786, 0.2447284758090973, 0.6652409434318542],
    [0.17529039084911346, 0.03911257162690163, 0.785597026348114],
  ]);
  assert.equal(String(new nn.Softmax(1)), "Softmax(dim=1)");
  assert.equal(String(new nn.Softmax()), "Softmax(dim=None)");
  assert.equal(String(new nn.Softmax({})), "Softmax(dim=None)");
});

test("nn.LogSoftmax({ dim: 0 }) is nn.LogSoftmax(dim=0)", () => {
  const m = new nn.LogSoftmax({ dim: 0 });
  assert.equal(String(m), "LogSoftmax(dim=0)");
  close(m.forward(x()).tolist() as number[][], [
    [-0.4740769863128662, -0.04858732968568802, -0.31326165795326233],
    [-0.9740769863128662, -3.0485873222351074, -1.31326162815094],
  ]);
});

test("nn.Softmax rejects a bad dim keyword as PyTorch rejects a bad dim", () => {
  assert.throws(() => new nn.Softmax({ dim: 1.5 } as never), /dim/);
  assert.throws(() => new nn.Softmax({ axis: 1 } as never), /axis/);
});
