// torch.autograd.Function against PyTorch 1.13 (test/fixtures/autograd_api.json, written by
// scripts/fixtures/gen_autograd_api.py): the polynomial_custom_function tutorial's LegendrePolynomial3
// trained for some steps, a Function with several outputs (one non-differentiable), markDirty, and
// PyTorch's errors about what a backward returns.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

type Tensor = torch.Tensor;
type Ctx = torch.autograd.FunctionCtx;

interface LegendreRun {
  dtype: "float32" | "float64";
  steps: number;
  losses: number[];
  firstGrads: TensJson[];
  final: number[];
}
const FIX = JSON.parse(readFileSync(new URL("../fixtures/autograd_api.json", import.meta.url), "utf8")) as {
  legendre: LegendreRun[];
  multiOutput: Record<string, TensJson> & { idxRequiresGrad: boolean };
  markDirty: { leaf: TensJson; sameObject: boolean; version: number; out: TensJson; leafGrad: TensJson; leafError: string };
  functionErrors: Record<"tooFew" | "tooMany" | "nonTensorInput" | "badShape" | "modifiedSaved", string> & { sumToGrad: TensJson };
};

/** The tutorial's Function, line by line (beginner_source/examples_autograd/polynomial_custom_function.py). */
class LegendrePolynomial3 extends torch.autograd.Function {
  static override forward(ctx: Ctx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
  }

  static override backward(ctx: Ctx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    return gradOutput.mul(1.5).mul(input!.pow(2).mul(5).sub(1));
  }
}

function close(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs PyTorch ${expected}`);
}

for (const run of FIX.legendre) {
  test(`LegendrePolynomial3 tutorial, ${run.steps} steps in ${run.dtype}: losses, first gradients and weights match PyTorch`, () => {
    const dtype = run.dtype;
    const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype });
    const y = x.sin();
    const a = torch.full([], 0.0, { dtype, requiresGrad: true });
    const b = torch.full([], -1.0, { dtype, requiresGrad: true });
    const c = torch.full([], 0.0, { dtype, requiresGrad: true });
    const d = torch.full([], 0.3, { dtype, requiresGrad: true });
    const learningRate = 5e-6;
    // Detached, as the tutorial writes `P3 = LegendrePolynomial3.apply`.
    const P3 = LegendrePolynomial3.apply as (input: Tensor) => Tensor;
    const tol = dtype === "float64" ? 1e-9 : 2e-4;
    for (let t = 0; t < run.steps; t++) {
      const yPred = a.add(b.mul(P3(c.add(d.mul(x)))));
      assert.equal(yPred.gradFn?.name, "AddBackward0");
      const loss = yPred.sub(y).pow(2).sum();
      close(loss.item(), run.losses[t]!, tol, `loss at step ${t}`);
      loss.backward();
      // a's gradient, 2 * sum(yPred - y), is mostly cancellation: compared on the scale of 1, not its own.
      if (t === 0) [a, b, c, d].forEach((v, i) => close(v.grad!.item(), run.firstGrads[i]!.data[0]!, tol, `step 0 grad ${"abcd"[i]}`));
      torch.noGrad(() => {
        for (const v of [a, b, c, d]) {
          v.sub_(v.grad!.mul(learningRate));
          v.grad = null;
        }
      });
    }
    [a, b, c, d].forEach((v, i) => close(v.item(), run.final[i]!, tol, `final ${"abcd"[i]}`));
  });
}

test("gradcheck passes on custom Functions (and catches a wrong backward)", () => {
  const x = torch.tensor([-0.9, -0.2, 0.4, 0.8], { dtype: "float64", requiresGrad: true });
  assert.equal(torch.autograd.gradcheck((t) => LegendrePolynomial3.apply(t), [x]), true);
  assert.equal(torch.autograd.gradcheck((t) => SplitStats.apply(t, 1.5)[0].add(SplitStats.apply(t, 0.5)[1]), [x]), true);
  class Wrong extends LegendrePolynomial3 {
    static override backward(ctx: Ctx, g: Tensor): Tensor {
      const [input] = ctx.savedTensors;
      return g.mul(input!.pow(2).mul(7.5));
    }
  }
  assert.throws(() => torch.autograd.gradcheck((t) => Wrong.apply(t), [x]), /Jacobian mismatch/);
});

/** (x * w, (x * x).sum(), argmax(x)) with w a plain number, as in the fixture script. */
class SplitStats extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor, w: number): [Tensor, Tensor, Tensor] {
    const idx = x.argmax();
    ctx.markNonDifferentiable(idx);
    ctx.saveForBackward(x);
    ctx.w = w;
    return [x.mul(w), x.mul(x).sum(), idx];
  }

  static override backward(ctx: Ctx, gScaled: Tensor, gSum: Tensor, gIdx: Tensor): [Tensor, null] {
    assert.equal(gIdx.dtype, "int64", "a non-differentiable output's gradient is materialized zeros of its dtype");
    const [x] = ctx.savedTensors;
    return [gScaled.mul(ctx.w as number).add(x!.mul(2).mul(gSum)), null];
  }
}

test("a Function with several outputs, one marked non-differentiable", () => {
  const f = FIX.multiOutput;
  const x = fromJson(f.x!, true);
  const gw = fromJson(f.gw!);
  const [scaled, total, idx] = SplitStats.apply(x, 1.5);
  checkTensor(scaled, f.scaled!, "scaled");
  checkTensor(total, f.total!, "total");
  checkTensor(idx, f.idx!, "idx");
  assert.equal(idx.requiresGrad, f.idxRequiresGrad);
  assert.equal(scaled.gradFn?.name, "SplitStatsBackward");
  scaled.mul(gw).sum().add(total.mul(3)).backward();
  checkTensor(x.grad, f.xGrad!, "x.grad");
  const x2 = fromJson(f.x!, true);
  const [s1] = SplitStats.apply(x2, 1.5);
  s1.mul(gw).sum().backward();
  checkTensor(x2.grad, f.xGradFirstOnly!, "x.grad when only the first output is used");
});

class MulInPlace extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor, k: number): Tensor {
    x.mul_(k);
    ctx.markDirty(x);
    ctx.k = k;
    return x;
  }

  static override backward(ctx: Ctx, g: Tensor): [Tensor, null] {
    return [g.mul(ctx.k as number), null];
  }
}

test("markDirty: the input modified in place takes the Function as its history", () => {
  const f = FIX.markDirty;
  const leaf = fromJson(f.leaf, true);
  const mid = leaf.mul(2);
  const out = MulInPlace.apply(mid, 3);
  assert.equal(out === mid, f.sameObject);
  assert.equal(mid.version, f.version);
  assert.equal(mid.gradFn?.name, "MulInPlaceBackward");
  checkTensor(out, f.out, "out");
  out.mul(out).sum().backward();
  checkTensor(leaf.grad, f.leafGrad, "leaf.grad");
  assert.throws(() => MulInPlace.apply(torch.ones([2], { requiresGrad: true }), 2), (e: unknown) => e instanceof torch.AutogradError && e.message === f.leafError);
});

function badFunction(backward: (ctx: Ctx, g: Tensor) => torch.autograd.GradResult) {
  return class Bad extends torch.autograd.Function {
    static override forward(_ctx: Ctx, x: Tensor, k: number): Tensor {
      return x.mul(k);
    }
    static override backward(ctx: Ctx, g: Tensor): torch.autograd.GradResult {
      return backward(ctx, g);
    }
  };
}

test("PyTorch's errors about what a backward returned, and its fixes (extra nulls, sum to shape, dtype)", () => {
  const e = FIX.functionErrors;
  const run = (bw: (ctx: Ctx, g: Tensor) => torch.autograd.GradResult) => () =>
    badFunction(bw).apply(torch.ones([2], { requiresGrad: true }), 2).sum().backward();
  const is = (msg: string) => (err: unknown) => err instanceof torch.AutogradError && err.message === msg;
  assert.throws(run((_c, g) => g), is(e.tooFew));
  assert.throws(run((_c, g) => [g, null, g]), is(e.tooMany));
  assert.throws(run((_c, g) => [g, g]), is(e.nonTensorInput));
  assert.throws(run(() => [torch.ones([3]), null]), is(e.badShape));
  const a = torch.ones([2, 3], { requiresGrad: true });
  badFunction(() => [torch.arange(24, { dtype: "float64" }).reshape([4, 2, 3]), null, null]).apply(a, 2).sum().backward();
  checkTensor(a.grad, e.sumToGrad, "a gradient of shape [4, 2, 3] summed to [2, 3] and cast to float32");
});

class Saver extends torch.autograd.Function {
  static override forward(ctx: Ctx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.mul(2);
  }
  static override backward(ctx: Ctx, g: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(x!);
  }
}

test("savedTensors are version-checked and freed after backward", () => {
  const m = torch.ones([2], { requiresGrad: true }).mul(1);
  const y = Saver.apply(m);
  m.add_(1);
  const expected = FIX.functionErrors.modifiedSaved.replace(/ Hint:.*$/, "");
  assert.throws(() => y.sum().backward(), (err: unknown) => err instanceof torch.AutogradError && err.message.startsWith(expected));
  const s = Saver.apply(torch.ones([2], { requiresGrad: true })).sum();
  s.backward();
  assert.throws(() => s.backward(), /Trying to backward through the graph a second time/);
  const x = torch.ones([2], { requiresGrad: true });
  const s2 = Saver.apply(x).sum();
  s2.backward({ retainGraph: true });
  s2.backward();
  assert.deepEqual(x.grad!.tolist(), [2, 2]);
});

test("forward runs without grad mode; needsInputGrad; nothing is recorded under noGrad or without inputs that require grad", () => {
  const seen: [boolean, readonly boolean[]][] = [];
  class Probe extends torch.autograd.Function {
    static override forward(ctx: Ctx, x: Tensor, k: number, y: Tensor): Tensor {
      seen.push([torch.isGradEnabled(), ctx.needsInputGrad]);
      return x.mul(k).add(y);
    }
    static override backward(ctx: Ctx, g: Tensor): [Tensor | null, null, Tensor | null] {
      return [ctx.needsInputGrad[0] ? g : null, null, ctx.needsInputGrad[2] ? g : null];
    }
  }
  const x = torch.ones([2], { requiresGrad: true });
  const y = torch.ones([2]);
  const out = Probe.apply(x, 3, y);
  assert.deepEqual(seen[0], [false, [true, false, false]]);
  assert.equal(out.requiresGrad, true);
  assert.equal(torch.noGrad(() => Probe.apply(x, 3, y)).requiresGrad, false);
  assert.equal(Probe.apply(y, 3, y).requiresGrad, false);
  out.sum().backward();
  assert.deepEqual(x.grad!.tolist(), [1, 1]);
  assert.equal(y.grad, null);
});

test("an input returned unchanged becomes a new tensor with the Function's history", () => {
  class Ident extends torch.autograd.Function {
    static override forward(_ctx: Ctx, x: Tensor): Tensor {
      return x;
    }
    static override backward(_ctx: Ctx, g: Tensor): Tensor {
      return g.mul(5);
    }
  }
  const h = torch.ones([2], { requiresGrad: true });
  const r = Ident.apply(h);
  assert.notEqual(r, h);
  assert.equal(h.isLeaf, true);
  assert.equal(r.gradFn?.name, "IdentBackward");
  r.sum().backward();
  assert.deepEqual(h.grad!.tolist(), [5, 5]);
});

test("a Function without forward or backward says so", () => {
  class Empty extends torch.autograd.Function {}
  assert.throws(() => Empty.apply(torch.ones([1])), /You must implement the forward function/);
  class NoBackward extends torch.autograd.Function {
    static override forward(_ctx: Ctx, x: Tensor): Tensor {
      return x.mul(2);
    }
  }
  const y = NoBackward.apply(torch.ones([1], { requiresGrad: true }));
  assert.throws(() => y.sum().backward(), /You must implement either the backward or vjp method/);
});
