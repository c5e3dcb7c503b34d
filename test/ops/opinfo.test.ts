/**
 * OpInfo-style checks of every elementwise op in the op tables against PyTorch 1.13
 * (test/fixtures/opinfo.json, written by scripts/fixtures/gen_opinfo.py from the table's op list):
 * every dtype, 0-d / size-0 / size-1 / non-contiguous inputs, NaN, infinities, signed zeros and ties,
 * JS numbers and 0-d tensors as operands, broadcasting and keyword variants. Each case checks the
 * value, dtype, shape and requiresGrad of the output (or PyTorch's error class and message), the
 * gradients for a non-trivial incoming gradient, and the Tensor-method form where the op has one.
 * Rerun on every backend by scripts/run-tests.mjs (test/ops/ is an op suite).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { BINARY } from "../../src/ops/op_table_binary.ts";
import { COMPOSITE } from "../../src/ops/op_table_composite.ts";
import { UNARY } from "../../src/ops/op_table_unary.ts";
import type { Api } from "../../src/ops/op_spec.ts";
import { type DTypeName, checkTensor, decode } from "./defects_fixture.ts";

type Tensor = torch.Tensor;
type Num = number | "nan" | "inf" | "-inf";
interface Tens { s: number[]; d: DTypeName; v: Num[] }
type View = ["t"] | ["step", number] | ["expand", number[]];
type ArgJson = { n: Num } | (Tens & { g?: boolean; view?: View });
interface ErrorJson { class: string; message: string }
interface OpInfoCase {
  op: string;
  name: string;
  args: ArgJson[];
  kwargs?: Record<string, number | string>;
  /** The in-place method (`lerp_`) on a copy of the first operand. */
  inplace?: boolean;
  /** Every tensor of the case is its values repeated this many times (long inputs for the vector kernels). */
  tile?: number;
  out?: Tens & { rg: boolean };
  error?: ErrorJson;
  go?: Tens;
  grads?: (Tens | null)[];
  backwardError?: ErrorJson;
}

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/opinfo.json", import.meta.url), "utf8")) as {
  torch: string;
  cases: OpInfoCase[];
};
const spec = JSON.parse(readFileSync(new URL("../fixtures/opinfo_ops.json", import.meta.url), "utf8")) as {
  unary: { name: string }[];
  binary: { name: string }[];
  composite: { name: string }[];
};

/**
 * Elementwise tolerances: kindling computes float32 ops in double and rounds once, PyTorch with float32
 * vector math (within a few ulp), and gradients chain a few such ops.
 */
const TOL: Record<string, { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 1e-6 },
  float64: { rtol: 1e-12, atol: 1e-14 },
};

const asJson = (t: Tens) => ({ shape: t.s, dtype: t.d, data: t.v });

function untiled<T extends Tens>(t: T, k: number): T {
  return { ...t, s: [t.s[0]! * k], v: Array.from({ length: k }, () => t.v).flat() };
}

/** The case with tiled tensors written out in full. */
function expand(c: OpInfoCase): OpInfoCase {
  const k = c.tile;
  if (!k) return c;
  return {
    ...c,
    args: c.args.map((a) => ("n" in a ? a : untiled(a, k))),
    out: c.out && untiled(c.out, k),
    go: c.go && untiled(c.go, k),
    grads: c.grads?.map((g) => g && untiled(g, k)),
  };
}

function leafOf(a: Tens & { g?: boolean }): Tensor {
  const data = a.v.map(decode);
  const storage = a.d === "float32" ? Float32Array.from(data)
    : a.d === "int32" ? Int32Array.from(data)
    : a.d === "bool" ? Uint8Array.from(data)
    : Float64Array.from(data);
  const t = torch.tensor(storage, { dtype: a.d }).reshape(a.s).detach();
  return a.g ? t.requiresGrad_(true) : t;
}

function viewOf(t: Tensor, view: View | undefined): Tensor {
  if (!view) return t;
  if (view[0] === "t") return t.transpose(-2, -1);
  if (view[0] === "step") return t.slice(0, 0, t.shape[0], view[1]);
  return t.expand(view[1]);
}

/** Fresh leaves and the operands built from them (a view of a leaf where the case says so). */
function build(c: OpInfoCase): { leaves: (Tensor | null)[]; args: (Tensor | number)[] } {
  const leaves: (Tensor | null)[] = [];
  const args: (Tensor | number)[] = [];
  for (const a of c.args) {
    if ("n" in a) {
      leaves.push(null);
      args.push(decode(a.n));
    } else {
      const t = leafOf(a);
      leaves.push(t);
      args.push(viewOf(t, a.view));
    }
  }
  return { leaves, args };
}

const rows: Record<string, { api: Api }> = { ...UNARY, ...BINARY, ...COMPOSITE };
type AnyFn = (...a: unknown[]) => Tensor;

function functionOf(op: string, inplace?: boolean): AnyFn {
  if (inplace) return (self, ...rest) => ((self as Tensor).clone() as unknown as Record<string, AnyFn>)[`${op}_`]!(...rest);
  const where = (rows[op]!.api === "F" ? torch.nn.F : torch) as unknown as Record<string, AnyFn>;
  return where[op]!;
}

function call(c: OpInfoCase, fn: AnyFn, args: unknown[]): Tensor {
  return c.kwargs ? fn(...args, c.kwargs) : fn(...args);
}

function expectError(run: () => unknown, err: ErrorJson, where: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof torch.KindlingError, `${where}: expected a ${err.class}, got ${String(e)}`);
    assert.equal(e.name, err.class, `${where}: error class (${e.message})`);
    // kindling's broadcast error adds the two shapes to PyTorch's sentence.
    if (err.class === "ShapeError") assert.ok(e.message.startsWith(err.message), `${where}: error message ${e.message}`);
    else assert.equal(e.message, err.message, `${where}: error message`);
    return true;
  });
}

/** float32 tolerances when float32 takes part anywhere (a float64 gradient of a float32 product is float32-exact only). */
function tolerance(c: OpInfoCase): { rtol: number; atol: number } {
  const dtypes = [...c.args.map((a) => ("n" in a ? null : a.d)), c.out?.d];
  return TOL[dtypes.includes("float32") ? "float32" : "float64"]!;
}

function checkOut(out: Tensor, c: OpInfoCase, where: string): void {
  const e = c.out!;
  checkTensor(out, asJson(e), where, tolerance(c));
  assert.equal(out.requiresGrad, e.rg, `${where}: requiresGrad`);
}

function runCase(c: OpInfoCase): void {
  const fn = functionOf(c.op, c.inplace);
  const { leaves, args } = build(c);
  if (c.error) {
    expectError(() => call(c, fn, args), c.error, "function");
  } else {
    const out = call(c, fn, args);
    checkOut(out, c, "function");
    if (c.go) {
      const go = leafOf(c.go);
      if (c.backwardError) {
        expectError(() => out.backward(go), c.backwardError, "backward");
      } else {
        out.backward(go);
        c.grads!.forEach((g, i) => {
          if (g !== null) checkTensor(leaves[i]!.grad, asJson(g), `grad of argument ${i}`, tolerance(c));
        });
      }
    }
  }
  // The method form gets the same operands (fresh leaves) and must give the same result.
  if (rows[c.op]!.api === "torch+method" && typeof args[0] !== "number" && !c.inplace) {
    const m = build(c);
    const self = m.args[0] as Tensor;
    const method = (self as unknown as Record<string, AnyFn>)[c.op]!.bind(self);
    if (c.error) expectError(() => call(c, method, m.args.slice(1)), c.error, "method");
    else checkOut(call(c, method, m.args.slice(1)), c, "method");
  }
}

describe(`opinfo.json (PyTorch ${fixtures.torch}, backend ${torch.getBackend()})`, () => {
  test("the fixtures cover exactly the table's public ops", () => {
    const tableOps = Object.entries(rows).filter(([, r]) => r.api !== "internal").map(([n]) => n).sort();
    assert.deepEqual([...spec.unary, ...spec.binary, ...spec.composite].map((o) => o.name).sort(), tableOps, "opinfo_ops.json is stale: npm run gen:ops");
    assert.deepEqual([...new Set(fixtures.cases.map((c) => c.op))].sort(), tableOps, "opinfo.json is stale: npm run fixtures");
  });
  const byOp = new Map<string, OpInfoCase[]>();
  for (const c of fixtures.cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);
  for (const [op, cases] of byOp) {
    describe(op, () => {
      for (const c of cases) test(c.name, () => runCase(expand(c)));
    });
  }
});
