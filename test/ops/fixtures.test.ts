/**
 * Checks kindling's ops against PyTorch: forward outputs and input gradients of every case in
 * test/fixtures/ops*.json (regenerate with `npm run fixtures`). Errors are normwise relative errors
 * (see test/helpers/fixture.ts): <= 1e-5 in float64, <= 1e-4 in float32; integer and bool outputs,
 * shapes and dtypes must match exactly.
 */
import { describe, test } from "node:test";
import { readdirSync } from "node:fs";
import * as torch from "../../src/index.ts";
import {
  type Arg,
  type CaseJson,
  type Kwargs,
  type Tensor,
  buildInputs,
  checkTensor,
  fromJson,
  loadFixtures,
} from "../helpers/fixture.ts";

type OpResult = Tensor | { values: Tensor; indices: Tensor };
type OpFn = (args: Arg[], kw: Kwargs) => OpResult;

function T(a: Arg | undefined): Tensor {
  if (a === undefined || typeof a === "number") throw new Error(`expected a tensor argument, got ${String(a)}`);
  return a;
}

function num(v: number | number[] | undefined, what: string): number {
  if (typeof v !== "number") throw new Error(`kwarg ${what} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function arr(v: number[] | undefined, what: string): number[] {
  if (!Array.isArray(v)) throw new Error(`kwarg ${what} must be an array, got ${JSON.stringify(v)}`);
  return v;
}

/** A binary op whose either operand may be a JS number. */
function binary(f: (a: Tensor | number, b: Tensor | number) => Tensor): OpFn {
  return (a) => {
    if (typeof a[0] === "number" && typeof a[1] === "number") throw new Error("two scalar operands");
    return f(a[0]!, a[1]!);
  };
}

/** Ops keyed by the fixture's "op"; the PyTorch side is PY in scripts/fixtures/gen_ops.py. */
const OPS: Record<string, OpFn> = {
  add: binary((a, b) => torch.add(a, b)),
  sub: binary((a, b) => torch.sub(a, b)),
  mul: binary((a, b) => torch.mul(a, b)),
  div: binary((a, b) => torch.div(a, b)),
  pow: (a) => {
    const e = a[1]!;
    return typeof e === "number" ? torch.pow(T(a[0]), e) : torch.pow(T(a[0]), e);
  },
  neg: (a) => torch.neg(T(a[0])),
  exp: (a) => torch.exp(T(a[0])),
  log: (a) => torch.log(T(a[0])),
  sqrt: (a) => torch.sqrt(T(a[0])),
  abs: (a) => torch.abs(T(a[0])),
  tanh: (a) => torch.tanh(T(a[0])),
  sigmoid: (a) => torch.sigmoid(T(a[0])),
  relu: (a) => torch.relu(T(a[0])),
  clamp: (a, k) => torch.clamp(T(a[0]), k.min ?? null, k.max ?? null),
  maximum: (a) => torch.maximum(T(a[0]), T(a[1])),
  minimum: (a) => torch.minimum(T(a[0]), T(a[1])),
  where: (a) => torch.where(T(a[0]), T(a[1]), T(a[2])),
  eq: binary((a, b) => torch.eq(T(a), b)),
  ne: binary((a, b) => torch.ne(T(a), b)),
  gt: binary((a, b) => torch.gt(T(a), b)),
  lt: binary((a, b) => torch.lt(T(a), b)),
  ge: binary((a, b) => torch.ge(T(a), b)),
  le: binary((a, b) => torch.le(T(a), b)),
  maskedFill: (a, k) => torch.maskedFill(T(a[0]), T(a[1]), num(k.value, "value")),
  sum: (a, k) => (k.dim === undefined ? torch.sum(T(a[0])) : torch.sum(T(a[0]), k.dim, k.keepdim ?? false)),
  mean: (a, k) => (k.dim === undefined ? torch.mean(T(a[0])) : torch.mean(T(a[0]), k.dim, k.keepdim ?? false)),
  max: (a, k) => (k.dim === undefined ? torch.max(T(a[0])) : torch.max(T(a[0]), num(k.dim, "dim"), k.keepdim ?? false)),
  min: (a, k) => (k.dim === undefined ? torch.min(T(a[0])) : torch.min(T(a[0]), num(k.dim, "dim"), k.keepdim ?? false)),
  argmax: (a, k) =>
    k.dim === undefined ? torch.argmax(T(a[0])) : torch.argmax(T(a[0]), num(k.dim, "dim"), k.keepdim ?? false),
  argmin: (a, k) =>
    k.dim === undefined ? torch.argmin(T(a[0])) : torch.argmin(T(a[0]), num(k.dim, "dim"), k.keepdim ?? false),
  logsumexp: (a, k) => torch.logsumexp(T(a[0]), k.dim ?? [], k.keepdim ?? false),
  var: (a, k) => torch.var(T(a[0]), k.dim ?? null, { unbiased: k.unbiased ?? true, keepdim: k.keepdim ?? false }),
  std: (a, k) => torch.std(T(a[0]), k.dim ?? null, { unbiased: k.unbiased ?? true, keepdim: k.keepdim ?? false }),
  matmul: (a) => torch.matmul(T(a[0]), T(a[1])),
  softmax: (a, k) => torch.softmax(T(a[0]), num(k.dim, "dim")),
  logSoftmax: (a, k) => torch.logSoftmax(T(a[0]), num(k.dim, "dim")),
  gather: (a, k) => torch.gather(T(a[0]), num(k.dim, "dim"), T(a[1])),
  indexSelect: (a, k) => torch.indexSelect(T(a[0]), num(k.dim, "dim"), T(a[1])),
  cat: (a, k) => torch.cat(a.map(T), num(k.dim, "dim")),
  stack: (a, k) => torch.stack(a.map(T), num(k.dim, "dim")),
  reshape: (a, k) => T(a[0]).reshape(arr(k.shape, "shape")),
  transpose: (a, k) => T(a[0]).transpose(num(k.dim0, "dim0"), num(k.dim1, "dim1")),
  permute: (a, k) => T(a[0]).permute(arr(k.dims, "dims")),
  squeeze: (a, k) => (k.dim === undefined ? T(a[0]).squeeze() : T(a[0]).squeeze(num(k.dim, "dim"))),
  unsqueeze: (a, k) => T(a[0]).unsqueeze(num(k.dim, "dim")),
  expand: (a, k) => T(a[0]).expand(arr(k.shape, "shape")),
  narrow: (a, k) => T(a[0]).narrow(num(k.dim, "dim"), num(k.start, "start"), num(k.length, "length")),
  select: (a, k) => T(a[0]).select(num(k.dim, "dim"), num(k.index, "index")),
  contiguous: (a) => T(a[0]).contiguous(),
};

function isTensor(r: OpResult): r is Tensor {
  return typeof (r as Tensor).toTypedArray === "function";
}

function runCase(c: CaseJson): void {
  const op = OPS[c.op];
  if (op === undefined) throw new Error(`${c.name}: no harness entry for op "${c.op}"`);
  const { leaves, args } = buildInputs(c);
  const res = op(args, c.kwargs);

  let values: Tensor;
  if (c.outputs !== undefined) {
    if (isTensor(res)) throw new Error(`${c.name}: expected {values, indices}, got a single tensor`);
    checkTensor(res.values, c.outputs.values, `${c.name}: values`);
    checkTensor(res.indices, c.outputs.indices, `${c.name}: indices`);
    values = res.values;
  } else {
    if (!isTensor(res)) throw new Error(`${c.name}: expected a tensor, got {values, indices}`);
    if (c.output === undefined) throw new Error(`${c.name}: fixture has neither output nor outputs`);
    checkTensor(res, c.output, `${c.name}: output`);
    values = res;
  }

  if (c.gradOutput === null) return;
  if (!values.requiresGrad) throw new Error(`${c.name}: output does not require grad`);
  values.backward(fromJson(c.gradOutput));
  c.grads.forEach((g, i) => {
    if (g === null) return;
    checkTensor(leaves[i]!.grad, g, `${c.name}: grad of input ${i}`);
  });
}

const dir = new URL("../fixtures/", import.meta.url);
const files = readdirSync(dir)
  .filter((f) => /^ops.*\.json$/.test(f))
  .sort();

test("fixture files exist", () => {
  if (files.length === 0) throw new Error(`no ops*.json in ${dir.pathname}; run npm run fixtures`);
});

for (const file of files) {
  const fixtures = loadFixtures(new URL(file, dir));
  describe(`${file} (PyTorch ${fixtures.torch})`, () => {
    test("every op has a harness entry", () => {
      const missing = [...new Set(fixtures.cases.map((c) => c.op))].filter((op) => !(op in OPS));
      if (missing.length > 0) throw new Error(`ops without a harness entry: ${missing.join(", ")}`);
    });
    for (const c of fixtures.cases) {
      test(c.name, () => runCase(c));
    }
  });
}
