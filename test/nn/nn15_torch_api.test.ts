/**
 * The torch.* names of the issue-15 nn.functional ops (torch.selu, torch.celu_, torch.threshold,
 * torch.hardshrink and Tensor.hardshrink, torch.rrelu, torch.pixelShuffle, torch.channelShuffle,
 * torch.cosineSimilarity, torch.pairwiseDistance, ...): the same values and gradients as nn.F's (which
 * the PyTorch fixtures check), PyTorch's parameters, and errors naming the torch function.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { ArgumentError } from "../../src/errors.ts";

type Tensor = torch.Tensor;
const F = torch.nn.F;

torch.manualSeed(151);

const same = (a: Tensor, b: Tensor, where: string): void => {
  assert.deepEqual(a.shape, b.shape, where);
  assert.deepEqual(Array.from(a.toTypedArray()), Array.from(b.toTypedArray()), where);
};

/** torch.fn(...args) and F.fn(...args): equal outputs and equal input gradients. */
function agree(name: string, t: (...x: Tensor[]) => Tensor, f: (...x: Tensor[]) => Tensor, shapes: number[][]): void {
  test(name, () => {
    const base = shapes.map((s) => torch.randn(s, { dtype: "float64" }).mul(2));
    const run = (fn: (...x: Tensor[]) => Tensor) => {
      const xs = base.map((b) => b.clone().requiresGrad_(true));
      const out = fn(...xs.map((x) => x.mul(1)));
      out.mul(torch.arange(0, out.numel(), 1, { dtype: "float64" }).reshape(out.shape)).sum().backward();
      return [out.detach(), ...xs.map((x) => x.grad!)];
    };
    const [a, b] = [run(t), run(f)];
    a.forEach((v, i) => same(v, b[i]!, `${name}: ${i === 0 ? "output" : `grad ${i - 1}`}`));
  });
}

describe("torch.* forms agree with nn.F's", () => {
  agree("selu", (x) => torch.selu(x), (x) => F.selu(x), [[3, 4]]);
  agree("celu alpha 0.5", (x) => torch.celu(x, 0.5), (x) => F.celu(x, { alpha: 0.5 }), [[3, 4]]);
  agree("threshold", (x) => torch.threshold(x, 0.2, -1), (x) => F.threshold(x, 0.2, -1), [[3, 4]]);
  agree("hardshrink", (x) => torch.hardshrink(x, { lambd: 0.7 }), (x) => F.hardshrink(x, 0.7), [[3, 4]]);
  agree("Tensor.hardshrink", (x) => x.hardshrink(), (x) => F.hardshrink(x), [[3, 4]]);
  agree("rrelu eval", (x) => torch.rrelu(x, 0.1, 0.3), (x) => F.rrelu(x, 0.1, 0.3), [[3, 4]]);
  agree("pixelShuffle", (x) => torch.pixelShuffle(x, 2), (x) => F.pixelShuffle(x, 2), [[1, 8, 2, 3]]);
  agree("pixelUnshuffle", (x) => torch.pixelUnshuffle(x, { downscaleFactor: 2 }), (x) => F.pixelUnshuffle(x, 2), [[1, 2, 4, 6]]);
  agree("channelShuffle", (x) => torch.channelShuffle(x, 3), (x) => F.channelShuffle(x, 3), [[2, 6, 2]]);
  agree("cosineSimilarity dim 0", (a, b) => torch.cosineSimilarity(a, b, 0), (a, b) => F.cosineSimilarity(a, b, 0), [[3, 4], [3, 4]]);
  agree("pairwiseDistance p 1 keepdim", (a, b) => torch.pairwiseDistance(a, b, 1, { keepdim: true }), (a, b) => F.pairwiseDistance(a, b, 1, 1e-6, true), [[3, 4], [4]]);
});

describe("in place", () => {
  test("selu_, celu_, threshold_, rrelu_ write into their input", () => {
    const x = torch.tensor([-1, 0.5, 2], { dtype: "float64" });
    assert.equal(torch.threshold_(x, 1, -7), x);
    assert.deepEqual(Array.from(x.toTypedArray()), [-7, -7, 2]);
    const y = torch.tensor([-1, 1], { dtype: "float64" });
    same(torch.celu_(y.clone(), 2), F.celu(y, 2), "celu_");
    same(torch.selu_(y.clone()), F.selu(y), "selu_");
    const z = torch.tensor([-2, 3], { dtype: "float64" });
    assert.equal(torch.rrelu_(z, 0.25, 0.25, true), z);
    assert.deepEqual(Array.from(z.toTypedArray()), [-0.5, 3]);
  });
});

describe("argument checks name the torch function", () => {
  const x = torch.ones([2, 4]);
  const call = (f: unknown, ...a: unknown[]) => () => (f as (...b: unknown[]) => unknown)(...a);
  const cases: [() => unknown, string][] = [
    [call(torch.celu, x, { Alpha: 1 }), "celu(): unknown option 'Alpha' (did you mean 'alpha'?)"],
    [call(torch.threshold, x, 0.5), "threshold(): missing required argument 'value'"],
    [call(torch.selu, x, 1), "selu(): takes at most 1 positional arguments but 2 were given"],
    [call(torch.pixelShuffle, torch.ones([4, 2, 2])), "pixelShuffle(): missing required argument 'upscaleFactor'"],
    [call(torch.cosineSimilarity, x, x, { Dim: 1 }), "cosineSimilarity(): unknown option 'Dim' (did you mean 'dim'?)"],
    [() => x.hardshrink("0.5" as never), 'Tensor.hardshrink(): argument 1 (lambd) must be a number, got string "0.5"'],
  ];
  cases.forEach(([fn, message], i) => test(`case ${i}: ${message}`, () => assert.throws(fn, (e: unknown) => e instanceof ArgumentError && e.message === message)));
});
