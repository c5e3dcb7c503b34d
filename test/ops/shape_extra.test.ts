/**
 * The extra shape / join / diagonal / index / reduction ops against PyTorch 1.13
 * (test/fixtures/shape_extra.json, from scripts/fixtures/gen_shape_extra.py): values, dtypes, gradients of
 * sum(out * w), error messages, and that an output PyTorch returns as a view shares its input's memory.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Case13, type Result, type Value, buildArgs, checkCase } from "./ops13_fixture.ts";

type Tensor = torch.Tensor;
type N = number;
type D = torch.DType;
const T = (v: Value) => v as Tensor;
const Ts = (v: Value) => v as Tensor[];
const nums = (v: Value) => v as number[];
const dims = (v: Value) => v as number | number[] | null;
const opt = <V>(v: Value) => (v === null ? undefined : (v as V));

/** Mirrors PY in scripts/fixtures/gen_shape_extra.py; each entry calls the public API as a user would. */
const OPS: Record<string, (a: Value[]) => Result> = {
  movedim: (a) => torch.movedim(T(a[0]!), a[1] as N | N[], a[2] as N | N[]),
  moveaxis: (a) => T(a[0]!).moveaxis(a[1] as N | N[], a[2] as N | N[]),
  swapaxes: (a) => torch.swapaxes(T(a[0]!), a[1] as N, a[2] as N),
  swapdims: (a) => T(a[0]!).swapdims(a[1] as N, a[2] as N),
  unflatten: (a) => T(a[0]!).unflatten(a[1] as N, nums(a[2]!)),
  broadcastTo: (a) => torch.broadcastTo(T(a[0]!), nums(a[1]!)),
  broadcastTensors: (a) => torch.broadcastTensors(...Ts(a[0]!)),
  ravel: (a) => torch.ravel(T(a[0]!)),
  typeAs: (a) => T(a[0]!).typeAs(T(a[1]!)),
  reshapeAs: (a) => T(a[0]!).reshapeAs(T(a[1]!)),
  newZeros: (a) => T(a[0]!).newZeros(nums(a[1]!)),
  newOnes: (a) => T(a[0]!).newOnes(...nums(a[1]!), { dtype: opt<D>(a[2]!) }),
  newFull: (a) => T(a[0]!).newFull(nums(a[1]!), a[2] as N),
  newTensor: (a) => T(a[0]!).newTensor(a[1] as N[][]),
  concat: (a) => torch.concat(Ts(a[0]!), a[1] as N),
  concatenate: (a) => torch.concatenate(Ts(a[0]!), a[1] as N),
  atleast1d: (a) => (Ts(a[0]!).length === 1 ? torch.atleast1d(Ts(a[0]!)[0]!) : torch.atleast1d(...Ts(a[0]!))),
  atleast2d: (a) => (Ts(a[0]!).length === 1 ? torch.atleast2d(Ts(a[0]!)[0]!) : torch.atleast2d(Ts(a[0]!))),
  atleast3d: (a) => (Ts(a[0]!).length === 1 ? torch.atleast3d(Ts(a[0]!)[0]!) : torch.atleast3d(...Ts(a[0]!))),
  hstack: (a) => torch.hstack(Ts(a[0]!)),
  vstack: (a) => torch.vstack(Ts(a[0]!)),
  dstack: (a) => torch.dstack(Ts(a[0]!)),
  columnStack: (a) => torch.columnStack(Ts(a[0]!)),
  rowStack: (a) => torch.rowStack(Ts(a[0]!)),
  tensorSplit: (a) => T(a[0]!).tensorSplit(a[1] as N | N[] | Tensor, a[2] as N),
  hsplit: (a) => torch.hsplit(T(a[0]!), a[1] as N | N[]),
  vsplit: (a) => T(a[0]!).vsplit(a[1] as N | N[]),
  dsplit: (a) => torch.dsplit(T(a[0]!), a[1] as N | N[]),
  diagonal: (a) => torch.diagonal(T(a[0]!), a[1] as N, a[2] as N, a[3] as N),
  diagEmbed: (a) => T(a[0]!).diagEmbed({ offset: a[1] as N, dim1: a[2] as N, dim2: a[3] as N }),
  diag: (a) => T(a[0]!).diag(a[1] as N),
  diagflat: (a) => torch.diagflat(T(a[0]!), a[1] as N),
  trace: (a) => T(a[0]!).trace(),
  trilIndices: (a) => torch.trilIndices(a[0] as N, a[1] as N, a[2] as N, { dtype: a[3] as D }),
  triuIndices: (a) => torch.triuIndices(a[0] as N, a[1] as N, a[2] as N, { dtype: a[3] as D }),
  rot90: (a) => T(a[0]!).rot90(a[1] as N, nums(a[2]!)),
  fliplr: (a) => torch.fliplr(T(a[0]!)),
  flipud: (a) => T(a[0]!).flipud(),
  takeAlongDim: (a) => T(a[0]!).takeAlongDim(T(a[1]!), a[2] as N | null),
  indexAdd: (a) => torch.indexAdd(T(a[0]!), a[1] as N, T(a[2]!), T(a[3]!), { alpha: a[4] as N }),
  indexCopy: (a) => T(a[0]!).indexCopy(a[1] as N, T(a[2]!), T(a[3]!)),
  indexFill: (a) => torch.indexFill(T(a[0]!), a[1] as N, T(a[2]!), a[3] as N),
  indexFillT: (a) => T(a[0]!).indexFill(a[1] as N, T(a[2]!), T(a[3]!)),
  countNonzero: (a) => torch.countNonzero(T(a[0]!), dims(a[1]!)),
  argwhere: (a) => T(a[0]!).argwhere(),
  nansum: (a) => T(a[0]!).nansum(dims(a[1]!), a[2] as boolean, { dtype: opt<D>(a[3]!) }),
  nanmean: (a) => torch.nanmean(T(a[0]!), dims(a[1]!), a[2] as boolean),
  stdMean: (a) => torch.stdMean(T(a[0]!), dims(a[1]!), { unbiased: a[2] as boolean, keepdim: a[3] as boolean }),
  varMean: (a) => torch.varMean(T(a[0]!), dims(a[1]!), { correction: a[2] as N, keepdim: a[3] as boolean }),
  cartesianProd: (a) => torch.cartesianProd(...Ts(a[0]!)),
  combinations: (a) => torch.combinations(T(a[0]!), a[1] as N, a[2] as boolean),
  blockDiag: (a) => torch.blockDiag(...Ts(a[0]!)),
  kron: (a) => T(a[0]!).kron(T(a[1]!)),
  kronC: (a) => torch.kron(T(a[0]!), T(a[1]!)),
  cross: (a) => (a[2] === null ? T(a[0]!).cross(T(a[1]!)) : torch.cross(T(a[0]!), T(a[1]!), a[2] as N)),
  linalgCross: (a) => torch.linalg.cross(T(a[0]!), T(a[1]!), a[2] as N),
  mv: (a) => T(a[0]!).mv(T(a[1]!)),
  addmv: (a) => torch.addmv(T(a[0]!), T(a[1]!), T(a[2]!), { beta: a[3] as N, alpha: a[4] as N }),
  addr: (a) => T(a[0]!).addr(T(a[1]!), T(a[2]!), { beta: a[3] as N, alpha: a[4] as N }),
  addbmm: (a) => torch.addbmm(T(a[0]!), T(a[1]!), T(a[2]!), { beta: a[3] as N, alpha: a[4] as N }),
  inner: (a) => torch.inner(T(a[0]!), T(a[1]!)),
  vdot: (a) => T(a[0]!).vdot(T(a[1]!)),
  ger: (a) => torch.ger(T(a[0]!), T(a[1]!)),
  tensordot: (a) => torch.tensordot(T(a[0]!), T(a[1]!), a[2] as torch.TensordotDims),
  chainMatmul: (a) => torch.chainMatmul(...Ts(a[0]!)),
  dist: (a) => T(a[0]!).dist(T(a[1]!), a[2] as N),
  cdist: (a) => torch.cdist(T(a[0]!), T(a[1]!), a[2] as N),
  renorm: (a) => T(a[0]!).renorm(a[1] as N, a[2] as N, a[3] as N),
  inv: (a) => torch.linalg.inv(T(a[0]!)),
  inverse: (a) => T(a[0]!).inverse(),
  det: (a) => (T(a[0]!).ndim === 2 ? T(a[0]!).det() : torch.linalg.det(T(a[0]!))),
  slogdet: (a) => torch.linalg.slogdet(T(a[0]!)),
  solve: (a) => torch.linalg.solve(T(a[0]!), T(a[1]!), { left: a[2] as boolean }),
  trapezoid: (a) => torch.trapezoid(T(a[0]!), opt<Tensor>(a[1]!) ?? null, { dx: opt<N>(a[2]!), dim: a[3] as N }),
  trapz: (a) => (a[1] === null ? torch.trapz(T(a[0]!), { dx: a[2] as N, dim: a[3] as N }) : torch.trapz(T(a[0]!), T(a[1]!), { dim: a[3] as N })),
  cumulativeTrapezoid: (a) => torch.cumulativeTrapezoid(T(a[0]!), opt<Tensor>(a[1]!) ?? null, { dx: opt<N>(a[2]!), dim: a[3] as N }),
};

interface ExtraCase extends Case13 { views?: boolean[] }
const url = new URL("../fixtures/shape_extra.json", import.meta.url);
const cases = (JSON.parse(readFileSync(url, "utf8")) as { cases: ExtraCase[] }).cases;

/** Where PyTorch returns a view of the first tensor argument, kindling's output shares its memory. */
function checkViews(c: ExtraCase): void {
  if (!c.views?.some((v) => v)) return;
  const { args, leaves } = buildArgs(c);
  const out = OPS[c.op]!(args);
  const outs = out instanceof torch.Tensor ? [out] : (out as Tensor[]);
  c.views.forEach((isView, i) => {
    if (isView) assert.equal(outs[i]!.storage, leaves[0]!.storage, `${c.name}: output ${i} should be a view of its input`);
  });
}

for (const op of [...new Set(cases.map((c) => c.op))]) {
  describe(`shape_extra fixtures: ${op}`, () => {
    for (const c of cases.filter((k) => k.op === op)) {
      test(c.name, () => {
        checkCase(c, OPS[op]!);
        checkViews(c);
      });
    }
  });
}
