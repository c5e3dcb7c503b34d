/**
 * PyTorch 1.13's deprecated sizeAverage and reduce options, against test/fixtures/legacy_reduction.json
 * (scripts/fixtures/gen_legacy_reduction.py): either one set decides the reduction alone and `reduction` is
 * ignored. `cases`: F.nllLoss / F.crossEntropy over every combination. `losses`: every functional loss and
 * loss module PyTorch gives them to: the value, the gradient, the warning, the module's `.reduction` and
 * its forward value. `refused`: the losses PyTorch gives neither, which must refuse them.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "../helpers/fixture.ts";

const F = torch.nn.functional;
const nn = torch.nn;
type Tensor = torch.Tensor;
type Legacy = { sizeAverage: boolean | null; reduce: boolean | null; reduction: string };
const fx = JSON.parse(readFileSync(new URL("../fixtures/legacy_reduction.json", import.meta.url), "utf8")) as {
  input: TensJson;
  target: TensJson;
  cases: (Legacy & { fn: "nll_loss" | "cross_entropy"; out: TensJson; w: TensJson; grad: TensJson })[];
  losses: {
    fn: string;
    module: string;
    args: TensJson[];
    opts: Record<string, number | boolean>;
    cases: (Legacy & { out: TensJson; w: TensJson; grad: TensJson; warnings: string[]; moduleReduction: string; moduleOut: TensJson })[];
  }[];
  refused: { modules: string[]; functionals: string[] };
};

/** Calls without TypeScript's option types: the fixture's options are checked at run time. */
type AnyLoss = (...args: unknown[]) => Tensor;
type AnyModule = new (opts: object) => { reduction: string; forward(...args: Tensor[]): Tensor };
const fnOf = (name: string): AnyLoss => {
  const f = (F as unknown as Record<string, AnyLoss | undefined>)[name];
  assert.ok(f, `F.${name} is not exported`);
  return f;
};
const moduleOf = (name: string): AnyModule => {
  const m = (nn as unknown as Record<string, AnyModule | undefined>)[name];
  assert.ok(m, `nn.${name} is not exported`);
  return m;
};

/** Runs `fn` with library warnings on, returning its result and the legacy warnings it logged (log.ts: console.error). */
function capturingWarnings<T>(fn: () => T): [T, string[]] {
  const seen: string[] = [];
  const { error } = console;
  const level = process.env["KINDLING_LOG"];
  process.env["KINDLING_LOG"] = "warn";
  console.error = (msg: unknown) => void seen.push(String(msg));
  try {
    return [fn(), seen.filter((m) => m.includes("size_average")).map((m) => m.replace(/^kindling warn: /, ""))];
  } finally {
    console.error = error;
    if (level === undefined) delete process.env["KINDLING_LOG"];
    else process.env["KINDLING_LOG"] = level;
  }
}

describe("F.nllLoss / F.crossEntropy", () => {
  for (const c of fx.cases) {
    test(`${c.fn}(sizeAverage=${c.sizeAverage}, reduce=${c.reduce}, reduction=${c.reduction})`, () => {
      const x = fromJson(fx.input, true);
      const opts = { sizeAverage: c.sizeAverage, reduce: c.reduce, reduction: c.reduction as "mean" | "none" };
      const [out, warned] = capturingWarnings(() => (c.fn === "nll_loss" ? F.nllLoss : F.crossEntropy)(x, fromJson(fx.target), opts));
      assert.equal(warned.length, c.sizeAverage === null && c.reduce === null ? 0 : 1, "one warning where either is set");
      checkTensor(out, c.out, "loss");
      out.mul(fromJson(c.w)).sum().backward();
      checkTensor(x.grad, c.grad, "grad");
    });
  }
});

for (const loss of fx.losses) {
  describe(`F.${loss.fn} and nn.${loss.module}`, () => {
    for (const c of loss.cases) {
      const opts = { ...loss.opts, sizeAverage: c.sizeAverage, reduce: c.reduce, reduction: c.reduction };
      test(`sizeAverage=${c.sizeAverage}, reduce=${c.reduce}, reduction=${c.reduction}`, () => {
        const [x, ...rest] = loss.args.map((a, i) => fromJson(a, i === 0));
        const [out, warned] = capturingWarnings(() => fnOf(loss.fn)(x, ...rest, opts));
        assert.deepEqual(warned, c.warnings, "warnings of the functional call");
        checkTensor(out, c.out, "loss");
        out.mul(fromJson(c.w)).sum().backward();
        checkTensor(x!.grad, c.grad, "grad");

        const [m, mWarned] = capturingWarnings(() => new (moduleOf(loss.module))(opts));
        assert.deepEqual(mWarned, c.warnings, "warnings of the constructor");
        assert.equal(m.reduction, c.moduleReduction, ".reduction");
        checkTensor(m.forward(...loss.args.map((a) => fromJson(a))), c.moduleOut, "module forward");
      });
    }
  });
}

describe("the losses PyTorch 1.13 gives neither argument refuse them", () => {
  const known = (e: unknown): boolean => e instanceof torch.ArgumentError && /unknown option '(sizeAverage|reduce)'/.test(e.message);
  for (const name of fx.refused.modules) {
    test(`nn.${name}`, () => {
      assert.throws(() => new (moduleOf(name))({ sizeAverage: false }), known);
      assert.throws(() => new (moduleOf(name))({ reduce: false }), known);
    });
  }
  const x = (): Tensor => torch.ones([2, 3]);
  for (const name of fx.refused.functionals) {
    test(`F.${name}`, () => {
      // the options object where each takes it: after the tensors (three for gaussian_nll and the triplets)
      const tensors = name === "huberLoss" ? [x(), x()] : [x(), x(), x()];
      assert.throws(() => fnOf(name)(...tensors, { sizeAverage: false }), known);
      assert.throws(() => fnOf(name)(...tensors, { reduce: false }), known);
    });
  }
  test("messages", () => {
    assert.throws(() => new (moduleOf("HuberLoss"))({ sizeAverage: false }), { message: "nn.HuberLoss(): unknown option 'sizeAverage' (allowed options: 'reduction', 'delta')" });
    assert.throws(() => fnOf("gaussianNllLoss")(x(), x(), x(), { reduce: false }), { message: "F.gaussianNllLoss(): unknown option 'reduce' (allowed options: 'full', 'eps', 'reduction')" });
  });
});

test("a legacy option must be a boolean or null", () => {
  assert.throws(() => new (moduleOf("MSELoss"))({ sizeAverage: 0 }), { message: "nn.MSELoss(): option 'sizeAverage' must be a boolean or null, got number 0" });
  assert.throws(() => fnOf("l1Loss")(torch.ones([2]), torch.ones([2]), { reduce: "no" }), torch.ArgumentError);
  // null is Python's None: `reduction` decides
  assert.equal(new nn.MSELoss({ sizeAverage: null, reduce: null, reduction: "sum" }).reduction, "sum");
});
