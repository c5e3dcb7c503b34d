/**
 * Shared pieces for the optimizer tests: the PyTorch fixture (test/fixtures/optim.json, written by
 * scripts/fixtures/gen_optim.py), building kindling optimizers and schedulers from its specs, and a
 * normwise relative error (see test/helpers/fixture.ts for why normwise).
 */
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type TensJson, fromJson, relError } from "../helpers/fixture.ts";
import { toCamel } from "../../src/optim/optimizer.ts";

type Tensor = torch.Tensor;
const { optim } = torch;
const { lrScheduler } = optim;

export type Options = Record<string, number | boolean | string | number[] | string[]>;

export interface OptimizerCase {
  name: string;
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop" | "Adagrad";
  dtype: "float32" | "float64";
  options: Options;
  groups: (Options & { params: number[] })[] | null;
  expected: {
    params: TensJson[];
    state_dict: { state: Record<string, Record<string, TensJson | number | null>>; param_groups: Record<string, unknown>[] };
  };
}

export interface SchedulerCase {
  name: string;
  optimizer: "sgd" | "adam";
  schedulers: { type: string; options: Options }[];
  metrics: number[] | null;
  lrs: number[][];
  momenta: number[][];
}

export interface ClipCase {
  name: string;
  max_norm: number;
  norm_type: number | "inf";
  total_norm: number;
  grads: TensJson[];
}

export interface OptimFixture {
  torch: string;
  steps: number;
  inputs: Record<"float32" | "float64", { params: TensJson[]; grads: (TensJson | null)[][] }>;
  optimizers: OptimizerCase[];
  schedulers: SchedulerCase[];
  clip: { grads: TensJson[]; cases: ClipCase[] };
}

export const FIXTURE = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as OptimFixture;

/** torch keyword names -> kindling option names (weight_decay -> weightDecay, T_max -> tMax). */
export function camelOptions(o: Options): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const c = toCamel(k);
    out[c[0]!.toLowerCase() + c.slice(1)] = v;
  }
  return out;
}

const OPTIMIZERS = {
  SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop, Adagrad: optim.Adagrad,
} as const;

export function freshParams(c: { dtype: "float32" | "float64" }): Tensor[] {
  return FIXTURE.inputs[c.dtype].params.map((p) => fromJson(p, true));
}

export function makeOptimizer(c: OptimizerCase, params: Tensor[]): torch.optim.Optimizer {
  const Cls = OPTIMIZERS[c.optimizer] as unknown as new (p: unknown, o: Record<string, unknown>) => torch.optim.Optimizer;
  const spec = c.groups === null ? params : c.groups.map((g) => ({ ...camelOptions(g), params: g.params.map((i) => params[i]!) }));
  return new Cls(spec, camelOptions(c.options));
}

/** Sets the fixture's gradients for step `i` (null = no gradient this step). */
export function setGrads(c: { dtype: "float32" | "float64" }, params: Tensor[], i: number): void {
  FIXTURE.inputs[c.dtype].grads[i]!.forEach((g, j) => (params[j]!.grad = g === null ? null : fromJson(g)));
}

export function maxRelError(actual: Tensor, expected: TensJson): number {
  return relError(actual.toTypedArray(), expected.data).err;
}

export const LAMBDAS: Record<string, (e: number) => number> = {
  pow095: (e) => 0.95 ** e,
  inv: (e) => 1.0 / (e + 1),
  warmup: (e) => Math.min(1.0, (e + 1) / 3.0),
};

export function schedulerOptimizer(kind: "sgd" | "adam"): torch.optim.Optimizer {
  const a = torch.zeros([2], { requiresGrad: true });
  const b = torch.zeros([2], { requiresGrad: true });
  const groups = [{ params: [a], lr: 0.1 }, { params: [b], lr: 0.05 }];
  return kind === "sgd" ? new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new optim.Adam(groups, { lr: 0.1 });
}

export type AnyScheduler = torch.optim.lrScheduler.LRScheduler | torch.optim.lrScheduler.ReduceLROnPlateau;

export function makeScheduler(opt: torch.optim.Optimizer, type: string, options: Options): AnyScheduler {
  const o = camelOptions(options);
  if (o.lrLambda !== undefined) {
    const names = o.lrLambda as string | string[];
    o.lrLambda = Array.isArray(names) ? names.map((n) => LAMBDAS[n]!) : LAMBDAS[names]!;
  }
  const S = lrScheduler as unknown as Record<string, new (opt: torch.optim.Optimizer, o: Record<string, unknown>) => AnyScheduler>;
  const Cls = S[type];
  if (Cls === undefined) throw new Error(`no scheduler ${type}`);
  return new Cls(opt, o);
}

/** Momentum per group: beta1 for Adam-style optimizers. */
export function momenta(opt: torch.optim.Optimizer): number[] {
  return opt.paramGroups.map((g) => {
    const x = g as unknown as { betas?: number[]; momentum?: number };
    return x.betas !== undefined ? x.betas[0]! : x.momentum!;
  });
}

export function relDiff(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}
