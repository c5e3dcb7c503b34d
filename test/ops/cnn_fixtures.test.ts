/**
 * Checks the CNN ops against PyTorch 1.13 (test/fixtures/cnn.json, from scripts/fixtures/gen_cnn.py):
 * forward output, every leaf gradient of sum(output * gradOutput), pool indices and batch-norm running
 * statistics. Normwise relative error <= 1e-4 in float32, <= 1e-5 in float64 (test/helpers/fixture.ts).
 */
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import * as F from "../../src/ops/cnn_index.ts";
import { type TensJson, type Tensor, checkTensor, fromJson, loadFixtures, relError } from "../helpers/fixture.ts";

interface CnnCase {
  name: string;
  op: string;
  dtype: "float32" | "float64";
  kwargs: Record<string, unknown>;
  inputs: Record<string, (TensJson & { requiresGrad: boolean }) | null>;
  output: TensJson;
  gradOutput: TensJson;
  grads: Record<string, TensJson>;
  extra: Record<string, TensJson>;
}

type Leaves = Record<string, Tensor | null>;
type Run = (a: Leaves, kw: Record<string, any>, extra: Record<string, Tensor>) => Tensor;

const T = (a: Leaves, k: string): Tensor => {
  const t = a[k];
  if (!t) throw new Error(`missing input ${k}`);
  return t;
};

const RUN: Record<string, Run> = {
  conv2d: (a, kw) => F.conv2d(T(a, "input"), T(a, "weight"), a.bias ?? null, kw),
  conv1d: (a, kw) => F.conv1d(T(a, "input"), T(a, "weight"), a.bias ?? null, kw),
  maxPool2d: (a, kw, extra) => {
    const [out, idx] = F.maxPool2d(T(a, "input"), kw.kernelSize, { ...kw, returnIndices: true });
    extra.indices = idx;
    return out;
  },
  avgPool2d: (a, kw) => F.avgPool2d(T(a, "input"), kw.kernelSize, kw),
  adaptiveAvgPool2d: (a, kw) => F.adaptiveAvgPool2d(T(a, "input"), kw.outputSize),
  batchNorm: (a, kw, extra) => {
    const x = T(a, "input");
    if (!kw.training) return F.batchNorm(x, a.runningMean!, a.runningVar!, a.weight ?? null, a.bias ?? null, false, kw.momentum, kw.eps);
    // Running stats are updated in place; work on copies so the fixture's inputs stay as recorded.
    const rm = a.runningMean ? a.runningMean.clone() : null;
    const rv = a.runningVar ? a.runningVar.clone() : null;
    const outs: Tensor[] = [];
    for (let s = 0; s < kw.steps; s++) outs.push(F.batchNorm(x.select(0, s), rm, rv, a.weight ?? null, a.bias ?? null, true, kw.momentum, kw.eps));
    if (rm && rv) Object.assign(extra, { runningMean: rm, runningVar: rv });
    return torch.stack(outs);
  },
  layerNorm: (a, kw) => F.layerNorm(T(a, "input"), kw.normalizedShape, a.weight ?? null, a.bias ?? null, kw.eps),
  pad: (a, kw) => F.pad(T(a, "input"), kw.pad, { mode: kw.mode, value: kw.value }),
};

const file = loadFixtures(new URL("../fixtures/cnn.json", import.meta.url));
const cases = file.cases as unknown as CnnCase[];
/** Worst error per op and dtype, printed at the end so the achieved parity is visible in the log. */
const worst = new Map<string, number>();

function track(c: CnnCase, actual: Tensor, expected: TensJson): void {
  if (expected.dtype !== "float32" && expected.dtype !== "float64") return;
  const { err } = relError(actual.toTypedArray(), expected.data);
  const key = `${c.op} ${c.dtype}`;
  worst.set(key, Math.max(worst.get(key) ?? 0, err));
}

describe(`CNN ops vs PyTorch ${file.torch} (${cases.length} cases)`, () => {
  for (const c of cases) {
    test(c.name, () => {
      const run = RUN[c.op];
      if (!run) throw new Error(`no runner for op ${c.op}`);
      const leaves: Leaves = {};
      for (const [k, v] of Object.entries(c.inputs)) leaves[k] = v ? fromJson(v, v.requiresGrad) : null;
      const extra: Record<string, Tensor> = {};
      const out = run(leaves, c.kwargs, extra);
      checkTensor(out, c.output, `${c.name}: output`);
      track(c, out, c.output);
      for (const [k, v] of Object.entries(c.extra)) {
        checkTensor(extra[k], v, `${c.name}: ${k}`);
        track(c, extra[k]!, v);
      }
      out.backward(fromJson(c.gradOutput));
      for (const [k, v] of Object.entries(c.grads)) {
        checkTensor(leaves[k]?.grad, v, `${c.name}: grad of ${k}`);
        track(c, leaves[k]!.grad!, v);
      }
      for (const [k, v] of Object.entries(leaves)) {
        if (v && v.requiresGrad && !(k in c.grads)) throw new Error(`${c.name}: fixture lacks the grad of ${k}`);
      }
    });
  }
  test("worst errors", () => {
    const lines = [...worst].sort().map(([k, e]) => `  ${k.padEnd(28)} ${e.toExponential(2)}`);
    console.log(`max normwise relative error per op:\n${lines.join("\n")}`);
  });
});
