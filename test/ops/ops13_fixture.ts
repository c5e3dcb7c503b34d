/**
 * Replays test/fixtures/composite_ops.json (scripts/fixtures/gen_ops13.py): builds each case's arguments,
 * runs the kindling op named by OPS, and checks values, dtypes, shapes, gradients and error messages.
 * Non-finite numbers are stored as strings; they must match exactly, finite values within a normwise
 * relative error of 1e-5 (float64) or 1e-4 (float32).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
type Num = number | "inf" | "-inf" | "nan";
export interface TensJson { shape: number[]; dtype: torch.DType; data: Num[] }
type ArgJson = { t: TensJson & { grad: boolean; permute?: number[] } } | { ts: ArgJson[] } | { v: unknown };
type OutJson = { t: TensJson } | { list: TensJson[] } | { vi: [TensJson, TensJson] } | { v: unknown };
export interface Case13 {
  name: string;
  op: string;
  args: ArgJson[];
  out?: OutJson;
  weights?: (TensJson | null)[];
  grads?: (TensJson | null)[];
  error?: string;
  prefix?: boolean;
}

export type Value = Tensor | Tensor[] | number | string | boolean | null | unknown[];
export type Result = Tensor | Tensor[] | { values: Tensor; indices: Tensor } | boolean;

function decode(v: unknown): unknown {
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (v === "nan") return NaN;
  if (Array.isArray(v)) return v.map(decode);
  return v;
}

export function fromJson(t: TensJson): Tensor {
  const data = t.data.map((v) => decode(v) as number);
  return torch.tensor(data, { dtype: t.dtype }).reshape(t.shape);
}

export function loadCases(): Case13[] {
  const url = new URL("../fixtures/composite_ops.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { cases: Case13[] }).cases;
}

/** The op's arguments, and the leaves whose gradients the fixture recorded, in order. */
export function buildArgs(c: Case13): { args: Value[]; leaves: Tensor[] } {
  const leaves: Tensor[] = [];
  const one = (a: ArgJson): Value => {
    if ("t" in a) {
      const leaf = fromJson(a.t).detach();
      if (a.t.grad) leaf.requiresGrad_(true);
      leaves.push(leaf);
      return a.t.permute ? leaf.permute(a.t.permute) : leaf;
    }
    if ("ts" in a) return a.ts.map(one) as Tensor[];
    return decode(a.v) as Value;
  };
  return { args: c.args.map(one), leaves };
}

export function checkTensor(actual: Tensor, expected: TensJson, where: string): void {
  assert.deepEqual([...actual.shape], expected.shape, `${where}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${where}: dtype`);
  const got = (actual.reshape([-1]).tolist() as (number | boolean)[]).map(Number);
  const want = expected.data.map((v) => decode(v) as number);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (!Number.isFinite(w)) {
      assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${where}: element ${i} is ${g}, expected ${w}`);
      continue;
    }
    assert.ok(Number.isFinite(g), `${where}: element ${i} is ${g}, expected ${w}`);
    diff = Math.max(diff, Math.abs(g - w));
    scale = Math.max(scale, Math.abs(w));
  }
  const isFloat = expected.dtype === "float32" || expected.dtype === "float64";
  if (!isFloat) {
    assert.deepEqual(got, want, `${where}: values`);
    return;
  }
  const tol = expected.dtype === "float64" ? 1e-5 : 1e-4;
  assert.ok(diff <= tol * Math.max(scale, 1e-3), `${where}: max abs diff ${diff} (scale ${scale})\n got ${got}\nwant ${want}`);
}

/** Checks outputs, then backpropagates sum(out_i * w_i) and checks the leaves' gradients. */
export function checkCase(c: Case13, run: (args: Value[]) => Result): void {
  const { args, leaves } = buildArgs(c);
  if (c.error !== undefined) {
    assert.throws(() => run(args), (e: Error) => {
      const ok = c.prefix ? e.message.startsWith(c.error!) : e.message === c.error;
      assert.ok(ok, `message ${JSON.stringify(e.message)}\n   expected ${JSON.stringify(c.error)}`);
      return true;
    });
    return;
  }
  const out = run(args);
  const o = c.out!;
  let outs: Tensor[] = [];
  if ("v" in o) assert.equal(out, o.v, `${c.name}: value`);
  else if ("t" in o) {
    outs = [out as Tensor];
    checkTensor(outs[0]!, o.t, c.name);
  } else if ("vi" in o) {
    const r = out as { values: Tensor; indices: Tensor };
    outs = [r.values, r.indices];
    checkTensor(r.values, o.vi[0], `${c.name} values`);
    checkTensor(r.indices, o.vi[1], `${c.name} indices`);
  } else {
    outs = out as Tensor[];
    assert.equal(outs.length, o.list.length, `${c.name}: number of outputs`);
    o.list.forEach((t, i) => checkTensor(outs[i]!, t, `${c.name} output ${i}`));
  }
  let loss: Tensor | null = null;
  (c.weights ?? []).forEach((w, i) => {
    if (w === null) return;
    assert.ok(outs[i]!.requiresGrad, `${c.name}: output ${i} should require grad`);
    const term = outs[i]!.mul(fromJson(w)).sum();
    loss = loss === null ? term : loss.add(term);
  });
  if (loss !== null) (loss as Tensor).backward();
  (c.grads ?? []).forEach((g, i) => {
    const leaf = leaves[i]!;
    if (g === null) assert.equal(leaf.grad, null, `${c.name}: leaf ${i} should get no gradient`);
    else checkTensor(leaf.grad!, g, `${c.name} grad ${i}`);
  });
}
