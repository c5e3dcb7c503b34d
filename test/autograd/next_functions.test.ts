import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as torch from "../../src/index.ts";

test("gradFn.nextFunctions: [node, output number] per input, AccumulateGrad for leaves, null where no grad", () => {
  const a = torch.tensor([1, 2], { dtype: "float32", requiresGrad: true });
  const b = torch.tensor([3, 4], { dtype: "float32" });
  const y = a.mul(b).exp();
  const exp = y.gradFn!;
  const [[mulNode, nr]] = exp.nextFunctions as [[torch.autograd.Node, number]];
  assert.equal(nr, 0);
  assert.equal(mulNode, exp.next[0]);
  assert.match(mulNode.name, /^MulBackward/);
  const [[acc], [none, noneNr]] = mulNode.nextFunctions;
  assert.equal(acc?.name, "AccumulateGrad");
  assert.equal((acc as { variable: torch.Tensor }).variable, a);
  assert.deepEqual([none, noneNr], [null, 0]);
  // One AccumulateGrad per leaf, as PyTorch keeps.
  assert.equal(a.mul(2).gradFn!.nextFunctions[0]![0], acc);
  assert.deepEqual(acc!.nextFunctions, []);
});

test("a grad_fn prints as PyTorch's <NameBackward object>", () => {
  const a = torch.ones(2, { requiresGrad: true });
  const s = a.sum();
  assert.equal(String(s.gradFn), `<${s.gradFn!.name} object>`);
  assert.equal(inspect(s.gradFn), `<${s.gradFn!.name} object>`);
  assert.equal(inspect(s.gradFn!.nextFunctions[0]![0]), "<AccumulateGrad object>");
});

test("nextFunctions of a multi-output Function's output names the Function node and the output index", () => {
  class Split2 extends torch.autograd.Function {
    static override forward(_ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
      return [x.mul(1), x.mul(2)];
    }
    static override backward(_ctx: torch.autograd.FunctionCtx, g0: torch.Tensor, g1: torch.Tensor) {
      return g0.add(g1.mul(2));
    }
  }
  const x = torch.ones(2, { requiresGrad: true });
  const [, second] = Split2.apply(x) as torch.Tensor[];
  const [[owner, index]] = second!.mul(3).gradFn!.nextFunctions as [[torch.autograd.Node, number]];
  assert.equal(index, 1);
  assert.ok(owner instanceof torch.autograd.Node);
});
