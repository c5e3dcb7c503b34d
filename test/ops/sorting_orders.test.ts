/**
 * sort / topk / kthvalue / mode / median / nanmedian against PyTorch 1.13 (test/fixtures/sorting.json, scripts/fixtures/gen_sorting.py): the
 * index every tie reports must be PyTorch's, bit for bit, over hundreds of tie-heavy random rows
 * (sizes 1..300, NaN, -0/0, int and bool, dims other than the last, non-contiguous inputs), plus
 * values, dtypes, gradients and errors of sort/argsort/msort/topk.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Case13, type Result, type TensJson, type Value, checkCase, fromJson } from "./ops13_fixture.ts";

type Tensor = torch.Tensor;
type N = number;
interface Order {
  op: "sort" | "topk" | "kthvalue" | "mode" | "median" | "nanmedian";
  x: TensJson & { permute?: number[] };
  args: { dim: number; descending?: boolean; stable?: boolean; k?: number; largest?: boolean; sorted?: boolean; keepdim?: boolean };
  indices: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/sorting.json", import.meta.url), "utf8")) as { orders: Order[]; cases: Case13[] };

function runOrder(o: Order): torch.ValuesIndices {
  const base = fromJson(o.x);
  const x = o.x.permute ? base.permute(o.x.permute) : base;
  const a = o.args;
  if (o.op === "sort") return x.sort({ dim: a.dim, descending: a.descending!, stable: a.stable! });
  if (o.op === "topk") return torch.topk(x, a.k!, { dim: a.dim, largest: a.largest!, sorted: a.sorted! });
  if (o.op === "kthvalue") return x.kthvalue(a.k!, a.dim, a.keepdim);
  if (o.op === "mode") return torch.mode(x, { dim: a.dim, keepdim: a.keepdim! });
  return o.op === "median" ? x.median(a.dim, a.keepdim) : torch.nanmedian(x, a.dim, a.keepdim);
}

describe("tie order matches PyTorch 1.13 CPU", () => {
  for (const op of ["sort", "topk", "kthvalue", "mode", "median", "nanmedian"] as const) {
    test(`${op}: ${fixture.orders.filter((o) => o.op === op).length} tie-heavy rows`, () => {
      for (const o of fixture.orders.filter((k) => k.op === op)) {
        const where = `${op} ${o.x.dtype} [${o.x.shape}]${o.x.permute ? " permuted" : ""} ${JSON.stringify(o.args)} of ${JSON.stringify(o.x.data)}`;
        const r = runOrder(o);
        assert.deepEqual(r.indices.reshape([-1]).tolist(), o.indices, where);
        const base = fromJson(o.x);
        const x = o.x.permute ? base.permute(o.x.permute) : base;
        const reduced = o.op !== "sort" && o.op !== "topk" && !o.args.keepdim;
        const want = x.gather(o.args.dim, reduced ? r.indices.unsqueeze(o.args.dim) : r.indices).reshape([-1]).tolist() as number[];
        const got = r.values.reshape([-1]).tolist() as number[];
        assert.ok(got.every((v, i) => Object.is(v, want[i])), `${where}: values are the input at the indices`);
      }
    });
  }
});

const T = (v: Value) => v as Tensor;
const OPS: Record<string, (a: Value[]) => Result> = {
  sort: (a) => T(a[0]!).sort({ dim: a[1] as N, descending: a[2] as boolean, stable: a[3] as boolean }),
  argsort: (a) => torch.argsort(T(a[0]!), a[1] as N, a[2] as boolean),
  msort: (a) => (a.length % 2 ? torch.msort(T(a[0]!)) : T(a[0]!).msort()),
  topk: (a) => T(a[0]!).topk(a[1] as N, a[2] as N, a[3] as boolean, a[4] as boolean),
};

describe("sorting fixtures", () => {
  for (const c of fixture.cases) test(c.name, () => checkCase(c, OPS[c.op]!));
});
