/**
 * Attention layers against PyTorch 1.13 (test/fixtures/attention_*.json from scripts/fixtures/gen_attention.py):
 * PyTorch's state dict loads strictly (same keys in the same order), then the output, MultiheadAttention's
 * weights, the input, float-mask and parameter gradients and the repr must match. Normwise relative
 * error <= 1e-6 in float64 and 1e-4 in float32.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../../src/index.ts";
import { type TensJson, checkTensor, fromJson, relError } from "../../helpers/fixture.ts";
import { type AttnCase, buildModule, loadState, readCases, runForward } from "./build.ts";

const TOL = { float64: 1e-6, float32: 1e-4 } as const;
const worst: Record<string, { err: number; where: string }> = {};

function check(actual: torch.Tensor | null | undefined, expected: TensJson, where: string): void {
  checkTensor(actual, expected, where);
  const { err } = relError(actual!.toTypedArray(), expected.data);
  const dt = expected.dtype as keyof typeof TOL;
  assert.ok(err <= TOL[dt], `${where}: relative error ${err.toExponential(3)} > ${TOL[dt]}`);
  const w = worst[dt];
  if (!w || err > w.err) worst[dt] = { err, where };
}

function runCase(c: AttnCase): void {
  const module = buildModule(c);
  if (module !== null) {
    if (c.dtype === "float64") module.double();
    assert.deepEqual(Object.keys(module.stateDict()), Object.keys(c.state), "state dict keys, in PyTorch's order");
    module.loadStateDict(loadState(c), { strict: true });
    assert.equal(module.toString(), c.repr, "repr");
  }
  const r = runForward(c, module);
  check(r.out, c.output, `${c.name}: output`);
  if (c.weights === null) assert.equal(r.weights, null, `${c.name}: weights should be null`);
  else check(r.weights, c.weights, `${c.name}: weights`);
  let loss = r.out.mul(fromJson(c.gradOutput)).sum();
  if (c.gradWeights !== null) loss = loss.add(r.weights!.mul(fromJson(c.gradWeights)).sum());
  loss.backward();
  for (const [n, g] of Object.entries(c.inputGrads)) check(r.leaves[n]!.grad, g, `${c.name}: grad of input ${n}`);
  for (const [n, g] of Object.entries(c.maskGrads)) check(r.masks[n]!.grad, g, `${c.name}: grad of mask ${n}`);
  if (module !== null) {
    const params = new Map(module.namedParameters());
    const withGrad = [...params.keys()].filter((k) => params.get(k)!.grad !== null);
    assert.deepEqual(withGrad, Object.keys(c.paramGrads), `${c.name}: parameters with gradients`);
    for (const [k, g] of Object.entries(c.paramGrads)) check(params.get(k)!.grad, g, `${c.name}: grad of ${k}`);
  }
}

for (const file of ["attention_mha.json", "attention_transformer.json"]) {
  const cases = readCases(file);
  describe(`${file} matches PyTorch (${torch.getBackend()})`, () => {
    assert.ok(cases.length > 30);
    for (const c of cases) test(c.name, () => runCase(c));
  });
}

after(() => {
  for (const [dt, w] of Object.entries(worst)) console.log(`# worst ${dt} relative error ${w.err.toExponential(2)} (${w.where})`);
});
