/**
 * Shared by the issue-15 layer tests (scripts/fixtures/gen_nn15.py): fixture types, tensors from the
 * fixtures (NaN and the infinities written as strings), the comparison (NaN and infinities where PyTorch
 * has them, the rest at the normwise relative tolerance of helpers/fixture.ts) and the generic call
 * `F[fn](...inputs, ...args, kwargs)` / `new nn[module](...args, kwargs)`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { TOLERANCE, relError } from "../helpers/fixture.ts";

export type Tensor = torch.Tensor;
export type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
export type Value = number | string;

export interface Tens {
  shape: number[];
  dtype: "float32" | "float64" | "int32" | "int64" | "bool";
  data: Value[];
}

export function loadJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

const num = (v: Value): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number));

export function tensor(t: Tens, requiresGrad = false): Tensor {
  const x = torch.tensor(t.data.map(num), { dtype: t.dtype }).reshape(t.shape).detach();
  return requiresGrad ? x.requiresGrad_(true) : x;
}

/** Shape and dtype exactly; NaN and infinities at PyTorch's places; finite values at the dtype's tolerance. */
export function check(actual: Tensor | null | undefined, expected: Tens, where: string): void {
  assert.ok(actual, `${where}: no tensor`);
  assert.deepEqual([...actual.shape], expected.shape, `${where}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${where}: dtype`);
  const a = Array.from(actual.toTypedArray() as ArrayLike<number>, Number);
  const e = expected.data.map(num);
  const fa: number[] = [];
  const fe: number[] = [];
  e.forEach((v, i) => {
    if (Number.isFinite(v)) {
      fa.push(a[i]!);
      fe.push(v);
    } else assert.ok(Object.is(a[i], v) || (Number.isNaN(v) && Number.isNaN(a[i])), `${where}: element ${i} is ${a[i]}, PyTorch ${v}`);
  });
  if (expected.dtype !== "float32" && expected.dtype !== "float64") {
    assert.deepEqual(fa, fe, `${where}: values`);
    return;
  }
  const { err, at } = relError(fa, fe);
  assert.ok(err <= TOLERANCE[expected.dtype]!, `${where}: relative error ${err.toExponential(2)} at ${at} (${fa[at]} vs ${fe[at]})`);
}

export interface Call {
  name: string;
  fn?: string;
  module?: string;
  args: Json[];
  kwargs: Record<string, Json>;
}

type Fn = (...a: unknown[]) => Tensor | Tensor[];

/** Arguments as JSON holds them, the infinities written as strings. */
function decode(v: Json): unknown {
  if (v === "inf" || v === "-inf") return num(v);
  if (Array.isArray(v)) return v.map(decode);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
  return v;
}

/** A trailing options object only when there are keywords (PyTorch's keyword arguments). */
const tail = (c: Call): unknown[] => [...c.args.map(decode), ...(Object.keys(c.kwargs).length > 0 ? [decode(c.kwargs)] : [])];

export function build(c: Call): torch.nn.AnyModule {
  const C = (torch.nn as unknown as Record<string, new (...a: unknown[]) => torch.nn.AnyModule>)[c.module!];
  assert.ok(C, `nn.${c.module} is not exported`);
  return new C(...tail(c));
}

/** Runs the fixture's call on `inputs`: the F function, or a module built from args and kwargs. */
export function run(c: Call, inputs: Tensor[]): Tensor[] {
  let out: Tensor | Tensor[];
  if (c.fn !== undefined) {
    const f = (torch.nn.F as unknown as Record<string, Fn>)[c.fn];
    assert.ok(f, `F.${c.fn} is not exported`);
    out = f(...inputs, ...tail(c));
  } else {
    out = (build(c) as unknown as { forward: Fn }).forward(...inputs);
  }
  return Array.isArray(out) ? out : [out];
}
