/** issue 13's ops against PyTorch 1.13 (test/fixtures/composite_ops.json), on whichever backend is selected. */
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Result, type Value, checkCase, loadCases } from "./ops13_fixture.ts";

type Tensor = torch.Tensor;
type N = number;
const T = (v: Value) => v as Tensor;
const nums = (v: Value) => v as number[];
const dims = (v: Value) => v as number | number[] | null;

/** Mirrors PY in scripts/fixtures/gen_ops13.py; each entry calls the public API as a user would. */
const OPS: Record<string, (a: Value[]) => Result> = {
  chunk: (a) => T(a[0]!).chunk(a[1] as N, a[2] as N),
  split: (a) => torch.split(T(a[0]!), a[1] as N | N[], a[2] as N),
  unbind: (a) => T(a[0]!).unbind(a[1] as N),
  flip: (a) => T(a[0]!).flip(nums(a[1]!)),
  roll: (a) => torch.roll(T(a[0]!), a[1] as N | N[], dims(a[2]!)),
  repeat: (a) => T(a[0]!).repeat(...nums(a[1]!)),
  tile: (a) => torch.tile(T(a[0]!), nums(a[1]!)),
  repeatInterleave: (a) => torch.repeatInterleave(T(a[0]!), a[1] as N | Tensor, a[2] as N | null),
  tril: (a) => T(a[0]!).tril(a[1] as N),
  triu: (a) => torch.triu(T(a[0]!), a[1] as N),
  diff: (a) => torch.diff(T(a[0]!), a[1] as N, a[2] as N, { prepend: a[3] as Tensor | null, append: a[4] as Tensor | null }),
  meshgrid: (a) => torch.meshgrid(a[0] as Tensor[], { indexing: a[1] as "ij" }),
  sort: (a) => T(a[0]!).sort({ dim: a[1] as N, descending: a[2] as boolean, stable: true }),
  argsort: (a) => torch.argsort(T(a[0]!), { dim: a[1] as N, descending: a[2] as boolean, stable: true }),
  topk: (a) => T(a[0]!).topk(a[1] as N, a[2] as N, a[3] as boolean),
  cumsum: (a) => T(a[0]!).cumsum(a[1] as N, { dtype: a[2] as torch.DType | null }),
  cumprod: (a) => torch.cumprod(T(a[0]!), a[1] as N, { dtype: a[2] as torch.DType | null }),
  outer: (a) => torch.outer(T(a[0]!), T(a[1]!)),
  dot: (a) => T(a[0]!).dot(T(a[1]!)),
  addmm: (a) => torch.addmm(T(a[0]!), T(a[1]!), T(a[2]!), { beta: a[3] as N, alpha: a[4] as N }),
  baddbmm: (a) => T(a[0]!).baddbmm(T(a[1]!), T(a[2]!), { beta: a[3] as N, alpha: a[4] as N }),
  vectorNorm: (a) => torch.linalg.vectorNorm(T(a[0]!), a[1] as N, dims(a[2]!), a[3] as boolean),
  matrixNorm: (a) => torch.linalg.matrixNorm(T(a[0]!), a[1] as N, nums(a[2]!), a[3] as boolean),
  linalgNorm: (a) => torch.linalg.norm(T(a[0]!), a[1] as N | null, dims(a[2]!), a[3] as boolean),
  norm: (a) => T(a[0]!).norm(a[1] as N, dims(a[2]!), a[3] as boolean),
  all: (a) => (a[1] === null ? torch.all(T(a[0]!)) : T(a[0]!).all(a[1] as N, a[2] as boolean)),
  any: (a) => (a[1] === null ? T(a[0]!).any() : torch.any(T(a[0]!), a[1] as N, a[2] as boolean)),
  equal: (a) => torch.equal(T(a[0]!), T(a[1]!)),
  allclose: (a) => T(a[0]!).allclose(T(a[1]!), { rtol: a[2] as N, atol: a[3] as N, equalNan: a[4] as boolean }),
  isclose: (a) => torch.isclose(T(a[0]!), T(a[1]!), { rtol: a[2] as N, atol: a[3] as N, equalNan: a[4] as boolean }),
  einsum: (a) => torch.einsum(a[0] as string, ...(a[1] as Tensor[])),
  viewAs: (a) => T(a[0]!).viewAs(T(a[1]!)),
  vectorNormDtype: (a) => torch.linalg.vectorNorm(T(a[0]!), a[1] as N, null, false, { dtype: a[2] as torch.DType }),
  multinomial: (a) => torch.multinomial(T(a[0]!), a[1] as N, a[2] as boolean),
};

const cases = loadCases();
const groups = [...new Set(cases.map((c) => c.op))];
for (const op of groups) {
  describe(`ops13 fixtures: ${op}`, () => {
    for (const c of cases.filter((k) => k.op === op)) {
      test(c.name, () => checkCase(c, OPS[op]!));
    }
  });
}
