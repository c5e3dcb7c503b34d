/**
 * Reading test/fixtures/indexing.json and indexing_ops.json (scripts/fixtures/gen_indexing.py and
 * gen_indexing_ops.py): index expressions as JSON
 * items turned into kindling's array form, inputs laid out as PyTorch made them (permuted views of a
 * contiguous base), and the expected errors.
 */
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";
import { type TensJson, fromJson } from "./defects_fixture.ts";

export { checkTensor, fromJson, type TensJson } from "./defects_fixture.ts";

type Tensor = torch.Tensor;

export type ItemJson =
  | { int: number }
  | { slice: [number | null, number | null, number | null] }
  | { none: true }
  | { ellipsis: true }
  | { bool: boolean }
  | { list: torch.IndexList }
  | { tensor: TensJson };

export type XJson = TensJson & { perm: number[] | null; requiresGrad?: boolean };
export type ValueJson = (TensJson & { requiresGrad: boolean }) | { scalar: number };

export interface GetCase {
  name: string;
  x: XJson;
  expr: ItemJson[];
  str: string | null;
  out: TensJson;
  view: boolean;
  w: TensJson | null;
  grad: TensJson | null;
}

export interface PutCase {
  name: string;
  x: XJson;
  expr: ItemJson[];
  str: string | null;
  value: ValueJson;
  accumulate: boolean;
  out: TensJson;
  w: TensJson | null;
  grad: TensJson | null;
  valueGrad: TensJson | null;
}

export interface ErrorCase {
  name: string;
  op: "get" | "put";
  x: XJson;
  expr: ItemJson[];
  str: string | null;
  value?: ValueJson;
  class: string;
  pyType: string;
  message: string;
}

export type ArgJson = (TensJson & { requiresGrad: boolean }) | number | boolean;

export interface OpCase {
  name: string;
  op: "scatter" | "scatter_" | "scatterAdd" | "scatterAdd_" | "nonzero" | "maskedSelect" | "take";
  x: TensJson & { requiresGrad: boolean };
  args: Record<string, ArgJson>;
  out: TensJson | TensJson[] | null;
  w: TensJson | null;
  grads: Record<string, TensJson>;
  error?: { class: string; pyType: string; message: string };
}

export interface IndexingFixtures {
  torch: string;
  get: GetCase[];
  put: PutCase[];
  errors: ErrorCase[];
}

const read = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8"));
export const fixtures = read("indexing.json") as IndexingFixtures;
export const opFixtures = read("indexing_ops.json") as { torch: string; ops: OpCase[] };

/** One JSON item as kindling's index item. */
export function item(j: ItemJson): torch.IndexItem {
  if ("int" in j) return j.int;
  if ("slice" in j) return torch.Slice(...j.slice);
  if ("none" in j) return null;
  if ("ellipsis" in j) return torch.Ellipsis;
  if ("bool" in j) return j.bool;
  if ("list" in j) return j.list;
  return fromJson(j.tensor);
}

export const items = (expr: readonly ItemJson[]): torch.IndexItem[] => expr.map(item);

/** The base leaf (requiring grad when asked) and x = base.permute(perm), as the generator made them. */
export function makeX(j: XJson, requiresGrad: boolean): { base: Tensor; x: Tensor } {
  const base = fromJson(j, requiresGrad);
  return { base, x: j.perm ? base.permute(j.perm) : base };
}

export function makeValue(j: ValueJson): torch.Tensor | number {
  return "scalar" in j ? j.scalar : fromJson(j, j.requiresGrad);
}

/** kindling's error class for a fixture's class name. */
export function errorClass(name: string): new (...a: never[]) => Error {
  const cls = (torch as unknown as Record<string, unknown>)[name];
  if (typeof cls !== "function") throw new Error(`no error class ${name}`);
  return cls as new (...a: never[]) => Error;
}

/** Runs fn and checks it throws the class and (a message starting with) PyTorch's message. */
export function expectError(fn: () => unknown, cls: string, message: string, where: string): void {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === null) throw new Error(`${where}: expected ${cls}: ${message}; nothing was thrown`);
  if (!(thrown instanceof errorClass(cls))) throw new Error(`${where}: expected ${cls}, got ${(thrown as Error).name}: ${(thrown as Error).message}`);
  // kindling may add detail after PyTorch's text (the shapes of a broadcast, say).
  if (!(thrown as Error).message.startsWith(message)) {
    throw new Error(`${where}: message\n  got      ${(thrown as Error).message}\n  expected ${message}`);
  }
}
