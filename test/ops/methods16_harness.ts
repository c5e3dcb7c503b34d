/**
 * Runs the cases of test/fixtures/tensor_methods16.json (scripts/fixtures/gen_tensor_methods16.py): each
 * case's call is written in the test under the fixture's name; this builds the leaves, runs it, and
 * checks outputs (values, dtype, shape, requiresGrad), the node name, the gradients of sum(out_i * w_i),
 * or PyTorch's error message.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type TensJson, checkTensor, fromJson } from "./defects_fixture.ts";

type Tensor = torch.Tensor;

interface Case {
  inputs: (TensJson & { requiresGrad: boolean })[];
  out?: (TensJson & { requiresGrad: boolean })[];
  node?: string | null;
  w?: (TensJson | null)[];
  grads?: (TensJson | null)[];
  error?: { type: string; message: string };
}

export const fixture = JSON.parse(readFileSync(new URL("../fixtures/tensor_methods16.json", import.meta.url), "utf8")) as {
  torch: string;
  cases: Record<string, Case>;
  values: Record<string, unknown>;
};

export type Call = (...xs: Tensor[]) => Tensor | readonly Tensor[];

export interface RunOptions {
  /** Cases whose node kindling names differently (its op is composed of others), with the reason. */
  nodeDiffers?: Readonly<Record<string, string>>;
  tol?: { rtol?: number; atol?: number };
}

function runCase(name: string, c: Case, call: Call, opts: RunOptions): void {
  const leaves = c.inputs.map((t) => fromJson(t, t.requiresGrad));
  if (c.error) {
    assert.throws(() => call(...leaves), (e: Error) => {
      assert.equal(e.message, c.error!.message, name);
      return true;
    });
    return;
  }
  const got = call(...leaves);
  const outs = got instanceof torch.Tensor ? [got] : [...got];
  assert.equal(outs.length, c.out!.length, `${name}: number of outputs`);
  outs.forEach((o, i) => checkTensor(o, c.out![i]!, `${name}: output ${i}`, opts.tol));
  if (c.node !== undefined && !(opts.nodeDiffers && name in opts.nodeDiffers)) {
    assert.equal(outs[0]!.gradFn?.name ?? null, c.node, `${name}: node`);
  }
  const terms = outs.flatMap((o, i) => (c.w![i] ? [o.mul(fromJson(c.w![i]!)).sum()] : []));
  if (terms.length === 0 || !leaves.some((l) => l.requiresGrad)) return;
  const loss = terms.reduce((a, b) => a.add(b));
  const wanted = leaves.filter((l) => l.requiresGrad);
  const grads = torch.autograd.grad([loss], wanted, { allowUnused: true });
  let k = 0;
  c.inputs.forEach((inp, i) => {
    if (!inp.requiresGrad) return;
    const g = grads[k++] ?? null;
    const want = c.grads![i];
    if (want === null || want === undefined) {
      // PyTorch's None: no path from the output (kindling may give zeros instead).
      if (g !== null) assert.ok(g.toTypedArray().every((v) => v === 0), `${name}: grad ${i} should be none or zeros`);
      return;
    }
    checkTensor(g, want, `${name}: grad ${i}`, opts.tol);
  });
}

/**
 * One test per fixture case whose name starts with `prefix`; every such case must have a call and
 * every call a case, so no case is silently skipped.
 */
export function runCases(prefixes: readonly string[], calls: Readonly<Record<string, Call>>, opts: RunOptions = {}): void {
  const names = Object.keys(fixture.cases).filter((n) => prefixes.some((p) => n.startsWith(p)));
  test(`fixture cases ${prefixes.join(", ")} and the calls written here match one to one`, () => {
    assert.deepEqual([...names].sort(), Object.keys(calls).sort());
  });
  for (const name of names) {
    const call = calls[name];
    if (call === undefined) continue;
    test(name, () => runCase(name, fixture.cases[name]!, call, opts));
  }
}
