/**
 * The issue-15 layers and F functions against PyTorch 1.13 (test/fixtures/nn15_cases.json): outputs
 * (values and indices), gradients of sum(out * w) for each input, in-place results written into the
 * input, and the repr of every module built.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Call, type Tens, type Tensor, check, loadJson, run, build, tensor } from "./nn15_common.ts";

interface Case extends Call {
  inputs: { tensor: Tens; grad: boolean; permute?: number[] }[];
  inplace?: boolean;
  outputs: Tens[];
  gradOutput: Tens | null;
  grads: (Tens | null)[];
  repr?: string;
}

const fx = loadJson<{ cases: Case[] }>("nn15_cases.json");

describe("issue 15 layers match PyTorch 1.13", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const leaves = c.inputs.map((i) => tensor(i.tensor, i.grad));
      let ins = leaves.map((l, i) => (c.inputs[i]!.permute ? l.permute(c.inputs[i]!.permute!) : l));
      if (c.inplace) ins = ins.map((t) => t.clone());
      const outs = run(c, ins);
      assert.equal(outs.length, c.outputs.length, "number of outputs");
      outs.forEach((o, i) => check(o, c.outputs[i]!, `output ${i}`));
      if (c.inplace) assert.equal(outs[0], ins[0], "in place: the input is returned");
      if (c.gradOutput) {
        outs[0]!.mul(tensor(c.gradOutput)).sum().backward();
        c.grads.forEach((g, i) => {
          if (g) check(leaves[i]!.grad, g, `grad of input ${i}`);
        });
      } else {
        assert.ok(!outs[0]!.requiresGrad || c.inputs.every((i) => !i.grad), "no gradient expected");
      }
      if (c.repr !== undefined) {
        const m = build(c);
        assert.equal(m.toString(), c.repr);
        // None of these layers has parameters or buffers, in PyTorch either.
        assert.deepEqual(Object.keys(m.stateDict()), []);
      }
    });
  }
});

export type { Tensor };
