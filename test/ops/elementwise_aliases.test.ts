/**
 * PyTorch's other names for elementwise ops (src/ops/aliases.ts) against PyTorch 1.13
 * (test/fixtures/elementwise_aliases.json, from scripts/fixtures/gen_elementwise_aliases.py): each alias as
 * a function, a Tensor method and in place, over float32, int64 and bool inputs: values, dtypes, the
 * gradients of sum(out * w), and PyTorch's errors.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type InputJson, type TensJson, checkTensor, fromJson } from "./defects_fixture.ts";

type Tensor = torch.Tensor;
type AnyFn = (...a: unknown[]) => Tensor;
interface AliasCase {
  alias: string;
  name: string;
  mode: "function" | "method" | "inplace";
  args: InputJson[];
  kwargs?: Record<string, number | string>;
  out?: TensJson;
  error?: string;
  grads?: (TensJson | null)[];
  backwardError?: string;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/elementwise_aliases.json", import.meta.url), "utf8")) as { torch: string; cases: AliasCase[] };

function run(c: AliasCase): { out: Tensor; leaves: Tensor[] } {
  const leaves: Tensor[] = [];
  const args = c.args.map((a) => {
    if ("scalar" in a) return a.scalar;
    const t = fromJson(a.tensor, a.tensor.requiresGrad);
    leaves.push(t);
    return t;
  });
  const rest = c.kwargs ? [...args.slice(1), c.kwargs] : args.slice(1);
  const self = args[0] as Tensor;
  const methods = (t: Tensor) => t as unknown as Record<string, AnyFn>;
  if (c.mode === "function") return { out: (torch as unknown as Record<string, AnyFn>)[c.alias]!(self, ...rest), leaves };
  if (c.mode === "method") return { out: methods(self)[c.alias]!(...rest), leaves };
  const copy = self.clone();
  return { out: methods(copy)[`${c.alias}_`]!(...rest), leaves };
}

describe(`elementwise_aliases.json (PyTorch ${fixture.torch})`, () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      if (c.error !== undefined) {
        assert.throws(() => run(c), (e: unknown) => e instanceof torch.KindlingError && e.message === c.error);
        return;
      }
      const { out, leaves } = run(c);
      checkTensor(out, c.out!, "out", { rtol: 1e-6, atol: 1e-7 });
      if (c.backwardError !== undefined || c.grads) {
        const w = torch.linspace(-1, 1.5, out.numel(), { dtype: out.dtype }).reshape([...out.shape]);
        const backward = () => out.mul(w).sum().backward();
        if (c.backwardError !== undefined) {
          assert.throws(backward, (e: unknown) => e instanceof torch.KindlingError && e.message === c.backwardError);
          return;
        }
        backward();
        c.grads!.forEach((g, i) => g && checkTensor(leaves[i]!.grad, g, `grad ${i}`, { rtol: 1e-6, atol: 1e-7 }));
      }
    });
  }
  test("torch.positive returns its input itself", () => {
    const x = torch.tensor([1, 2]);
    assert.equal(torch.positive(x), x);
  });
});
