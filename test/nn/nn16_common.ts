/**
 * Shared by the issue-16 layer tests (scripts/fixtures/gen_nn16.py, test/fixtures/nn16.json): a module case
 * loads PyTorch's initial state_dict into kindling's module, then outputs, the gradients of sum(out * w)
 * w.r.t. inputs and parameters, buffers after the forward, the repr and the state keys are compared.
 */
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import { type Call, type Tens, type Tensor, build, check, loadJson, run, tensor } from "./nn15_common.ts";

export interface Case extends Call {
  /** null: an argument passed as null (EmbeddingBag's offsets). */
  inputs: { tensor: Tens | null; grad: boolean }[];
  state?: Record<string, Tens>;
  train?: boolean;
  outputs: Tens[];
  gradOutput: Tens | null;
  grads: (Tens | null)[];
  paramGrads?: Record<string, Tens>;
  buffers?: Record<string, Tens>;
  repr?: string;
  stateKeys?: string[];
  /** A lazy module: its repr and state keys before the first forward. */
  lazy?: { repr: string; stateKeys: string[] };
}

export interface ErrorCase extends Call {
  inputs: Tens[];
  error: string;
}

export interface Fixture {
  cases: Case[];
  errors: ErrorCase[];
  containers: { name: string; repr: string; keys: string[] }[];
}

export const fixture = (): Fixture => loadJson<Fixture>("nn16.json");

/** Runs one fixture case and checks everything PyTorch recorded for it. */
export function runCase(c: Case): void {
  const leaves = c.inputs.map((i) => (i.tensor === null ? null : tensor(i.tensor, i.grad))) as Tensor[];
  let outs: Tensor[];
  let mod: torch.nn.AnyModule | null = null;
  if (c.module !== undefined) {
    mod = build(c);
    if (c.lazy) {
      assert.equal(mod.toString(), c.lazy.repr, "repr before the first forward");
      assert.deepEqual(Object.keys(mod.stateDict()), c.lazy.stateKeys, "state keys before the first forward");
      const placeholders = mod.parameters();
      assert.ok(placeholders.every((p) => torch.nn.isUninitializedParameter(p) && p.numel() === 0), "uninitialized placeholders");
      // A dry run in eval mode without gradients infers the input size and leaves the running statistics alone.
      mod.eval();
      torch.noGrad(() => (mod as unknown as { forward: (...a: Tensor[]) => unknown }).forward(...leaves));
      assert.ok(placeholders.every((p, i) => p === mod!.parameters()[i] && !torch.nn.isUninitializedParameter(p)), "the same Parameter objects, materialised");
    }
    assert.equal(mod.toString(), c.repr, "repr");
    assert.deepEqual(Object.keys(mod.stateDict()), c.stateKeys, "state keys");
    mod.loadStateDict(Object.fromEntries(Object.entries(c.state ?? {}).map(([k, t]) => [k, tensor(t)])));
    mod.train(c.train ?? true);
    const out = (mod as unknown as { forward: (...a: Tensor[]) => Tensor | Tensor[] }).forward(...leaves);
    outs = Array.isArray(out) ? out : [out];
  } else {
    outs = run(c, leaves);
  }
  assert.equal(outs.length, c.outputs.length, "number of outputs");
  outs.forEach((o, i) => check(o, c.outputs[i]!, `output ${i}`));
  if (c.gradOutput) {
    outs[0]!.mul(tensor(c.gradOutput)).sum().backward();
    c.grads.forEach((g, i) => {
      if (g) check(leaves[i]!.grad, g, `grad of input ${i}`);
    });
    if (mod) {
      const named = new Map(mod.namedParameters());
      for (const [k, g] of Object.entries(c.paramGrads ?? {})) check(named.get(k)?.grad, g, `grad of ${k}`);
    }
  } else {
    assert.ok(!outs[0]!.requiresGrad, "no gradient expected");
  }
  if (mod && c.buffers) {
    const bufs = new Map(mod.namedBuffers());
    for (const [k, b] of Object.entries(c.buffers)) check(bufs.get(k), b, `buffer ${k}`);
  }
}

/** A fixture error case: kindling throws PyTorch's message. */
export function runError(c: ErrorCase): void {
  assert.throws(
    () => {
      const ins = c.inputs.map((t) => tensor(t));
      if (c.module !== undefined) {
        const m = build(c);
        if (ins.length > 0) (m as unknown as { forward: (...a: Tensor[]) => unknown }).forward(...ins);
      } else run(c, ins);
    },
    (e: Error) => {
      assert.equal(e.message, c.error);
      return true;
    },
  );
}
