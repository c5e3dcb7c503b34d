/**
 * The F forms of issue 14 (convTranspose2d, interpolate, groupNorm, instanceNorm, the activations and
 * losses) against PyTorch 1.13 (test/fixtures/nn14_functional.json from scripts/fixtures/gen_nn14.py):
 * output, the gradient of every input that requires one (backward of sum(output * gradOutput)), and
 * the running statistics instanceNorm updates.
 */
import { describe, test } from "node:test";
import * as torch from "../../../src/index.ts";
import { type TensJson, fromJson } from "../../helpers/fixture.ts";
import { type Json, callFn, check, loadJson } from "./nn14_common.ts";

interface Case {
  name: string;
  fn: string;
  dtype: string;
  inputs: (TensJson | null)[];
  grad: boolean[];
  opts: Record<string, Json>;
  output: TensJson;
  gradOutput: TensJson;
  grads: (TensJson | null)[];
  state?: Record<string, TensJson>;
}

const fx = loadJson<{ cases: Case[] }>("nn14_functional.json");
// "mean" KLDiv warns once per process, as Python's default filter does per call site; keep the test output quiet.
const warn = console.warn;

describe("issue 14 F forms match PyTorch", () => {
  for (const c of fx.cases) {
    test(c.name, () => {
      const ins = c.inputs.map((t, i) => (t === null ? null : fromJson(t, c.grad[i])));
      console.warn = () => {};
      let out: torch.Tensor;
      try {
        out = callFn(c.fn, ins, c.opts);
      } finally {
        console.warn = warn;
      }
      check(out, c.output, `${c.name}: output`);
      if (c.grad.some((g) => g)) {
        out.backward(fromJson(c.gradOutput));
        c.grads.forEach((g, i) => {
          if (g !== null) check(ins[i]!.grad, g, `${c.name}: grad of input ${i}`);
        });
      }
      if (c.state) {
        check(ins[1], c.state["runningMean"]!, `${c.name}: running mean`);
        check(ins[2], c.state["runningVar"]!, `${c.name}: running var`);
      }
    });
  }
});
