/**
 * The issue-14 modules against PyTorch 1.13 (test/fixtures/nn14_modules.json): PyTorch's state dict
 * loaded strictly, then each step's output, input gradients and parameter gradients; running
 * statistics (InstanceNorm2d) after the training steps and an eval step; repr and state-dict keys,
 * shapes and dtypes of freshly built modules.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { type TensJson, fromJson } from "../../helpers/fixture.ts";
import { type Json, type ModuleSpec, buildModule, check, loadJson } from "./nn14_common.ts";

interface Step {
  inputs: TensJson[];
  forwardArgs: Json[];
  output: TensJson;
  gradOutput: TensJson;
  inputGrads: (TensJson | null)[];
  paramGrads: Record<string, TensJson>;
}

interface Case {
  name: string;
  module: ModuleSpec;
  dtype: "float32" | "float64";
  state: Record<string, TensJson>;
  train: boolean;
  steps: Step[];
  finalState: Record<string, TensJson> | null;
  evalStep: Step | null;
  repr: string;
}

interface ReprCase {
  spec: ModuleSpec;
  repr: string;
  stateDict: [string, number[], string][];
}

const fx = loadJson<{ cases: Case[]; reprs: ReprCase[] }>("nn14_modules.json");

type Callable = { forward(...args: unknown[]): torch.Tensor };

function runStep(m: torch.nn.AnyModule, s: Step, where: string): void {
  m.zeroGrad();
  const ins = s.inputs.map((t, i) => fromJson(t, s.inputGrads[i] !== null));
  const out = (m as unknown as Callable).forward(...ins, ...s.forwardArgs);
  check(out, s.output, `${where}: output`);
  out.backward(fromJson(s.gradOutput));
  s.inputGrads.forEach((g, i) => {
    if (g !== null) check(ins[i]!.grad, g, `${where}: grad of input ${i}`);
  });
  const params = new Map(m.namedParameters());
  assert.deepEqual([...params.keys()].filter((k) => params.get(k)!.grad !== null), Object.keys(s.paramGrads), `${where}: params with grads`);
  for (const [k, g] of Object.entries(s.paramGrads)) check(params.get(k)!.grad, g, `${where}: grad of ${k}`);
}

describe("issue 14 modules match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const m = buildModule(c.module, c.dtype);
      assert.equal(m.toString(), c.repr);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state), "state dict keys");
      m.loadStateDict(Object.fromEntries(Object.entries(c.state).map(([k, v]) => [k, fromJson(v)])));
      m.train(c.train);
      c.steps.forEach((s, i) => runStep(m, s, `${c.name} step ${i}`));
      if (c.finalState) {
        const sd = m.stateDict();
        assert.deepEqual(Object.keys(sd), Object.keys(c.finalState));
        for (const [k, v] of Object.entries(c.finalState)) check(sd[k], v, `${c.name}: ${k} after ${c.steps.length} steps`);
      }
      if (c.evalStep) {
        m.eval();
        runStep(m, c.evalStep, `${c.name} eval`);
      }
    });
  }
});

describe("issue 14 modules print and save as PyTorch's", () => {
  for (const r of fx.reprs) {
    test(r.repr, () => {
      const m = buildModule(r.spec);
      assert.equal(m.toString(), r.repr);
      const sd = m.stateDict();
      assert.deepEqual(Object.entries(sd).map(([k, v]) => [k, [...v.shape], v.dtype]), r.stateDict);
    });
  }
});

describe("initialisation", () => {
  test("ConvTranspose2d: weight [in, out/groups, kH, kW], kaiming bound from fan-in out/groups*kH*kW", () => {
    torch.manualSeed(3);
    const m = new torch.nn.ConvTranspose2d(6, 8, [3, 2], { groups: 2 });
    assert.deepEqual(m.weight.shape, [6, 4, 3, 2]);
    const fanIn = 4 * 3 * 2;
    // kaiming_uniform_(a = sqrt(5)) gives bound sqrt(6 / ((1 + 5) fanIn)) = 1 / sqrt(fanIn), as for the bias.
    const bound = 1 / Math.sqrt(fanIn);
    for (const t of [m.weight, m.bias!]) {
      const v = t.toTypedArray();
      assert.ok(v.every((x) => Math.abs(x) <= bound), "inside the bound");
      assert.ok(Math.max(...v.map(Math.abs)) > bound * 0.5, "spread over the bound");
    }
  });

  test("a generator makes ConvTranspose2d's initialisation reproducible", () => {
    const a = new torch.nn.ConvTranspose2d(2, 3, 3, { generator: new torch.Generator().manualSeed(5) });
    const b = new torch.nn.ConvTranspose2d(2, 3, 3, { generator: new torch.Generator().manualSeed(5) });
    assert.deepEqual(a.weight.toTypedArray(), b.weight.toTypedArray());
  });

  test("PReLU starts at init, GroupNorm at ones/zeros, InstanceNorm2d affine too", () => {
    assert.deepEqual(Array.from(new torch.nn.PReLU({ numParameters: 3, init: 0.1 }).weight.toTypedArray()), [0.1, 0.1, 0.1].map(Math.fround));
    const gn = new torch.nn.GroupNorm(2, 4);
    assert.deepEqual(Array.from(gn.weight!.toTypedArray()), [1, 1, 1, 1]);
    assert.deepEqual(Array.from(gn.bias!.toTypedArray()), [0, 0, 0, 0]);
    const inorm = new torch.nn.InstanceNorm2d(2, { affine: true, dtype: "float64" });
    assert.equal(inorm.weight!.dtype, "float64");
  });
});
