import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import type { Tensor } from "../../src/index.ts";

type FunctionCtx = torch.autograd.FunctionCtx;

class Cube extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.pow(3);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [input] = ctx.savedTensors as [Tensor];
    return g.mul(input.pow(2).mul(3));
  }
}

class Split extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): [Tensor, Tensor] {
    return [x.mul(2), x.mul(3)];
  }
  static override backward(_ctx: FunctionCtx, g1: Tensor, g2: Tensor): Tensor {
    return g1.mul(2).add(g2.mul(3));
  }
}

test("Function.apply detached, as the tutorial writes it (P3 = LegendrePolynomial3.apply), typechecks and runs", () => {
  const P3 = Cube.apply;
  const x = torch.tensor([1, 2, -0.5], { requiresGrad: true });
  const y = P3(x);
  // Typed as a Tensor: methods chain without a cast.
  y.sum().backward();
  assert.deepEqual(y.tolist(), [1, 8, -0.125]);
  assert.deepEqual(x.grad!.tolist(), [3, 12, 0.75]);
  assert.equal(y.gradFn?.name, "CubeBackward");
  // The same function each time it is read, bound to its class.
  assert.equal(Cube.apply, P3);
  assert.notEqual(Split.apply as unknown, P3 as unknown);
});

test("Function.apply as a method is typed from the subclass's forward (arguments and result)", () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const [a, b] = Split.apply(x);
  a.add(b).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [5, 5]);
  // @ts-expect-error forward takes a Tensor, not a string
  assert.throws(() => Cube.apply("x"));
  // A detached multi-output function is annotated by its user.
  const S: (x: Tensor) => [Tensor, Tensor] = Split.apply as (x: Tensor) => [Tensor, Tensor];
  assert.equal(S(x).length, 2);
});

test("a method call with no arguments is refused by the compiler too (no fall-through to the detached typing)", () => {
  // @ts-expect-error Cube's forward takes an input
  assert.throws(() => Cube.apply(), TypeError);
});
