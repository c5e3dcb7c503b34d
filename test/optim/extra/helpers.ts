/**
 * Shared pieces for issue 14's optimizer and scheduler tests: the PyTorch fixture
 * (test/fixtures/optim14.json, written by scripts/fixtures/gen_optim14.py), building optimizers from its
 * specs, and comparing state dicts with PyTorch's.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as torch from "../../../src/index.ts";
import { type TensJson, fromJson, relError } from "../../helpers/fixture.ts";
import { type Options, camelOptions } from "../helpers.ts";

type Tensor = torch.Tensor;
const { optim } = torch;

export type DType = "float32" | "float64";
export type StateJson = TensJson | number | null | (TensJson | number | null)[];
export interface StateDictJson {
  state: Record<string, Record<string, StateJson>>;
  param_groups: Record<string, unknown>[];
}

export interface OptimizerCase {
  name: string;
  optimizer: "Adadelta" | "NAdam" | "RAdam";
  dtype: DType;
  options: Options;
  groups: (Options & { params: number[] })[] | null;
  trajectory: TensJson[][];
  state_dict: StateDictJson;
}

export interface Optim14Fixture {
  torch: string;
  steps: number;
  inputs: Record<DType, { params: TensJson[]; grads: (TensJson | null)[][] }>;
  optimizers: OptimizerCase[];
}

export const FIXTURE = JSON.parse(readFileSync(new URL("../../fixtures/optim14.json", import.meta.url), "utf8")) as Optim14Fixture;

export const TOL: Record<DType, number> = { float32: 1e-6, float64: 1e-12 };

const OPTIMIZERS: Record<OptimizerCase["optimizer"], unknown> = {
  Adadelta: optim.Adadelta,
  NAdam: optim.NAdam,
  RAdam: optim.RAdam,
};

export function freshParams(dtype: DType): Tensor[] {
  return FIXTURE.inputs[dtype].params.map((p) => fromJson(p, true));
}

export function makeOptimizer(c: OptimizerCase, params: Tensor[]): torch.optim.Optimizer {
  const Cls = OPTIMIZERS[c.optimizer] as new (p: unknown, o: Record<string, unknown>) => torch.optim.Optimizer;
  const spec = c.groups === null ? params : c.groups.map((g) => ({ ...camelOptions(g), params: g.params.map((i) => params[i]!) }));
  return new Cls(spec, camelOptions(c.options));
}

/** Sets the fixture's gradients for step `i` (null = no gradient this step). */
export function setGrads(dtype: DType, params: Tensor[], i: number): void {
  FIXTURE.inputs[dtype].grads[i]!.forEach((g, j) => (params[j]!.grad = g === null ? null : fromJson(g)));
}

export function errorOf(actual: Tensor, expected: TensJson): number {
  assert.equal(actual.dtype, expected.dtype);
  assert.deepEqual([...actual.shape], expected.shape);
  return relError(actual.toTypedArray(), expected.data).err;
}

function isTensJson(v: unknown): v is TensJson {
  return v !== null && typeof v === "object" && !Array.isArray(v) && "data" in v;
}

/** One state value against PyTorch's: numbers exactly (or within tol), tensors normwise; returns the error. */
function compareValue(mine: unknown, theirs: StateJson, where: string, numTol: number): number {
  if (theirs === null) {
    assert.equal(mine, null, where);
    return 0;
  }
  if (typeof theirs === "number") {
    assert.equal(typeof mine, "number", `${where} is a number`);
    const d = Math.abs((mine as number) - theirs) / Math.max(Math.abs(theirs), 1e-300);
    assert.ok(d <= numTol, `${where}: ${String(mine)} vs ${theirs}`);
    return d;
  }
  if (Array.isArray(theirs)) {
    assert.ok(Array.isArray(mine), `${where} is a list`);
    assert.equal((mine as unknown[]).length, theirs.length, `${where} length`);
    let err = 0;
    theirs.forEach((t, i) => (err = Math.max(err, compareValue((mine as unknown[])[i], t, `${where}[${i}]`, numTol))));
    return err;
  }
  assert.ok(isTensJson(theirs));
  assert.ok(mine instanceof torch.Tensor, `${where} is a tensor`);
  return errorOf(mine, theirs);
}

/**
 * kindling's stateDict() against PyTorch's: the same parameters with state, the same keys, buffers within
 * tolerance, counters equal, and the groups' options under PyTorch's names with PyTorch's values.
 */
export function compareStateDict(sd: torch.optim.OptimizerStateDict, expected: StateDictJson, numTol = 0): number {
  assert.deepEqual(Object.keys(sd.state).sort(), Object.keys(expected.state).sort(), "parameters with state");
  let err = 0;
  for (const [idx, entry] of Object.entries(expected.state)) {
    const mine = sd.state[Number(idx)]! as Record<string, unknown>;
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(entry).sort(), `state ${idx} keys`);
    for (const [k, v] of Object.entries(entry)) err = Math.max(err, compareValue(mine[k], v, `state ${idx}.${k}`, numTol));
  }
  assert.equal(sd.param_groups.length, expected.param_groups.length);
  expected.param_groups.forEach((g, i) => assert.deepEqual({ ...sd.param_groups[i] }, g, `param_groups[${i}]`));
  return err;
}

/** PyTorch's state dict (from the fixture) as kindling tensors, for loadStateDict. */
export function stateDictFromJson(sd: StateDictJson): torch.optim.OptimizerStateDict {
  const conv = (v: StateJson): unknown => (Array.isArray(v) ? v.map(conv) : isTensJson(v) ? fromJson(v) : v);
  const state: Record<number, Record<string, unknown>> = {};
  for (const [k, entry] of Object.entries(sd.state)) state[Number(k)] = Object.fromEntries(Object.entries(entry).map(([key, v]) => [key, conv(v)]));
  return { state, param_groups: sd.param_groups } as unknown as torch.optim.OptimizerStateDict;
}

export function rejects(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof torch.ArgumentError, `expected an ArgumentError, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}
