/**
 * maskedScatter(_), put(_), indexReduce(_), diagonalScatter / selectScatter / sliceScatter, narrowCopy,
 * splitWithSizes, unsafeSplit / unsafeChunk, sumToSize, angle and the prelu method against PyTorch 1.13
 * (scripts/fixtures/gen_tensor_methods16.py): values, dtypes, nodes, gradients, errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Call, fixture, runCases } from "./methods16_harness.ts";

type Tensor = torch.Tensor;
type Mode = torch.IndexReduceMode;

const calls: Record<string, Call> = {
  ms_basic: (x, m, s) => x.maskedScatter(m!, s!),
  ms_broadcastMask: (x, m, s) => x.maskedScatter(m!, s!),
  ms_broadcastSelf: (x, m, s) => x.maskedScatter(m!, s!),
  ms_0d: (x, m, s) => x.maskedScatter(m!, s!),
  ms_empty: (x, m, s) => x.maskedScatter(m!, s!),
  ms_int: (x, m, s) => torch.maskedScatter(x, m!, s!),
  ms_transposed: (x, m, s) => x.t().maskedScatter(m!, s!),
  ms_intMask: (x, m, s) => x.maskedScatter(m!, s!),
  ms_inplace: (x, m, s) => x.clone().maskedScatter_(m!, s!),
  ms_errFew: (x, m, s) => x.maskedScatter(m!, s!),
  ms_errDtype: (x, m, s) => x.maskedScatter(m!, s!),

  put_basic: (x, i, s) => x.clone().put_(i!, s!),
  put_dup: (x, i, s) => x.clone().put_(i!, s!),
  put_acc: (x, i, s) => x.clone().put_(i!, s!, { accumulate: true }),
  put_2dIndex: (x, i, s) => x.clone().put_(i!, s!),
  put_fn: (x, i, s) => torch.put(x, i!, s!),
  put_fnAcc: (x, i, s) => torch.put(x, i!, s!, true),
  put_method: (x, i, s) => x.put(i!, s!, { accumulate: true }),
  put_transposed: (x, i, s) => x.clone().t().put_(i!, s!),
  put_int32acc: (x, i, s) => x.clone().put_(i!, s!, { accumulate: true }),
  put_boolAcc: (x, i, s) => x.clone().put_(i!, s!, { accumulate: true }),
  put_empty: (x, i, s) => x.clone().put_(i!, s!),
  put_errRange: (x, i, s) => x.clone().put_(i!, s!),
  put_errRangeNeg: (x, i, s) => x.clone().put_(i!, s!),
  put_errNumel: (x, i, s) => x.clone().put_(i!, s!),
  put_errDtype: (x, i, s) => x.clone().put_(i!, s!),
  put_errIndex: (x, i, s) => x.clone().put_(i!, s!),
  put_errEmpty: (x, i, s) => x.clone().put_(i!, s!),

  ...Object.fromEntries((["prod", "mean", "amax", "amin"] as Mode[]).flatMap((mode) => [
    [`ir_${mode}_self`, (x: Tensor, i?: Tensor, s?: Tensor) => x.indexReduce(0, i!, s!, mode, { includeSelf: true })],
    [`ir_${mode}_noself`, (x: Tensor, i?: Tensor, s?: Tensor) => x.indexReduce(0, i!, s!, mode, { includeSelf: false })],
  ])),
  ir_amax_tieSelf: (x, i, s) => x.indexReduce(0, i!, s!, "amax"),
  ir_amax_tieExcluded: (x, i, s) => x.indexReduce(0, i!, s!, "amax", { includeSelf: false }),
  ir_amin_nan: (x, i, s) => x.indexReduce(0, i!, s!, "amin"),
  ir_prod_zero: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_dim1: (x, i, s) => x.indexReduce(1, i!, s!, "mean"),
  ir_intMean: (x, i, s) => x.indexReduce(0, i!, s!, "mean"),
  ir_intMeanNoSelf: (x, i, s) => x.indexReduce(0, i!, s!, "mean", { includeSelf: false }),
  ir_int32Index: (x, i, s) => x.indexReduce(0, i!, s!, "amax"),
  ir_0d: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_emptyIndex: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_fn: (x, i, s) => torch.indexReduce(x, 0, i!, s!, "amin"),
  ir_inplace: (x, i, s) => x.clone().indexReduce_(0, i!, s!, "prod", { includeSelf: false }),
  ir_errReduce: (x, i, s) => x.indexReduce(0, i!, s!, "sum" as Mode),
  ir_errIndex2d: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_errIndexDtype: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_errDtype: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_errRange: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_errNeg: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_errCount: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),
  ir_errBool: (x, i, s) => x.indexReduce(0, i!, s!, "prod"),

  ds_basic: (x, s) => torch.diagonalScatter(x, s!),
  ds_offset: (x, s) => x.diagonalScatter(s!, 1),
  ds_offsetNeg: (x, s) => torch.diagonalScatter(x, s!, { offset: -1 }),
  ds_batched: (x, s) => torch.diagonalScatter(x, s!, 0, 1, 2),
  ds_dims: (x, s) => torch.diagonalScatter(x, s!, 1, -1, 0),
  ds_dimsOk: (x, s) => torch.diagonalScatter(x, s!, 1, -1, 0),
  ds_cast: (x, s) => torch.diagonalScatter(x, s!),
  ds_int: (x, s) => torch.diagonalScatter(x, s!),
  ds_errSize: (x, s) => torch.diagonalScatter(x, s!, 1),
  ds_errDims: (x, s) => torch.diagonalScatter(x, s!, 0, 0, 0),
  ss_row: (x, s) => torch.selectScatter(x, s!, 0, 1),
  ss_colNeg: (x, s) => x.selectScatter(s!, 1, -1),
  ss_cast: (x, s) => torch.selectScatter(x, s!, 0, 1),
  ss_3d: (x, s) => torch.selectScatter(x, s!, 2, 0),
  ss_errRange: (x, s) => torch.selectScatter(x, s!, 1, 4),
  ss_errRangeNeg: (x, s) => torch.selectScatter(x, s!, 0, -4),
  ss_errSize: (x, s) => torch.selectScatter(x, s!, 0, 1),
  ss_err0d: (x, s) => torch.selectScatter(x, s!, 0, 0),
  sl_step: (x, s) => torch.sliceScatter(x, s!, 1, 0, 4, 2),
  sl_dim0: (x, s) => x.sliceScatter(s!, 0, 1, 3, 1),
  sl_clamp: (x, s) => torch.sliceScatter(x, s!, 1, -10, 1),
  sl_negBounds: (x, s) => torch.sliceScatter(x, s!, { dim: 1, start: -3, end: -1 }),
  sl_stepNeg: (x, s) => torch.sliceScatter(x, s!, -2, -3, 3, 2),
  sl_empty: (x, s) => torch.sliceScatter(x, s!, 1, 10, 20),
  sl_reversed: (x, s) => torch.sliceScatter(x, s!, 1, 3, 1),
  sl_errStep: (x, s) => torch.sliceScatter(x, s!, 1, 1, 3, 0),
  sl_errSize: (x, s) => torch.sliceScatter(x, s!, 1, 1, 3),
  sl_err0d: (x, s) => torch.sliceScatter(x, s!, 0, 0, 1),

  nc_basic: (x) => x.narrowCopy(1, 1, 2),
  nc_negStart: (x) => torch.narrowCopy(x, 0, -2, 2),
  nc_empty: (x) => x.narrowCopy(1, 4, 0),
  nc_errRange: (x) => x.narrowCopy(1, 3, 2),
  nc_err0d: (x) => x.narrowCopy(0, 0, 1),
  sws_basic: (x) => x.splitWithSizes([1, 3], 1),
  sws_fn: (x) => torch.splitWithSizes(x, [2, 0, 1]),
  sws_errSum: (x) => torch.splitWithSizes(x, [1, 1]),
  sws_errNeg: (x) => torch.splitWithSizes(x, [4, -1]),
  us_basic: (x) => x.unsafeSplit(3, 1),
  us_fn: (x) => torch.unsafeSplit(x, 2),
  usws_basic: (x) => x.unsafeSplitWithSizes([1, 3], 1),
  usws_fn: (x) => torch.unsafeSplitWithSizes(x, [2, 0, 1]),
  usws_errSum: (x) => torch.unsafeSplitWithSizes(x, [1, 1]),
  uc_basic: (x) => x.unsafeChunk(2, 1),
  uc_uneven: (x) => torch.unsafeChunk(x, 3),
  sts_row: (x) => x.sumToSize(1, 4),
  sts_col: (x) => x.sumToSize([3, 1]),
  sts_lead: (x) => x.sumToSize(4),
  sts_same: (x) => x.sumToSize(3, 4),
  sts_scalar: (x) => x.sumToSize([]),
  sts_int: (x) => x.sumToSize(1),
  sts_bool: (x) => x.sumToSize(1, 2),
  sts_errSize: (x) => x.sumToSize(2, 4),
  sts_errRank: (x) => x.sumToSize(1, 3, 4),

  angle_float: (x) => x.angle(),
  angle_fn64: (x) => torch.angle(x),
  angle_int: (x) => torch.angle(x),
  angle_bool: (x) => x.angle(),
  prelu_single: (x, w) => x.prelu(w!),
  prelu_channels: (x, w) => torch.prelu(x, w!),
};

const COMPOSED = "kindling composes it of other ops, whose node is last";
runCases(["ms_", "put_", "ir_", "ds_", "ss_", "sl_", "nc_", "sws_", "usws_", "us_", "uc_", "sts_", "angle_", "prelu_"], calls, {
  nodeDiffers: {
    ir_0d: "a 0-d input is reduced as one element and reshaped back: ViewBackward0 last",
    ...Object.fromEntries(["sws_basic", "sws_fn", "sts_row", "sts_col", "sts_lead", "sts_scalar", "prelu_single", "prelu_channels"].map((n) => [n, COMPOSED])),
  },
  tol: { rtol: 1e-5, atol: 1e-6 },
});

test("narrowCopy copies, records PyTorch's NotImplemented node, and its backward raises PyTorch's error", () => {
  const x = torch.randn([3, 4], { requiresGrad: true });
  const y = x.narrowCopy(1, 1, 2);
  assert.equal(y.gradFn?.name, fixture.values.narrowCopyNode);
  assert.ok(y.isContiguous());
  assert.throws(() => y.sum().backward(), { message: fixture.values.narrowCopyBackward as string });
  const z = torch.zeros([2, 3]);
  z.narrowCopy(1, 0, 2).fill_(1);
  assert.deepEqual(z.tolist(), [[0, 0, 0], [0, 0, 0]]);
});

test("unsafeSplit pieces are not views: writing one in place leaves the input and its graph alone", () => {
  const x = torch.randn([4, 2], { requiresGrad: true });
  const h = x.mul(2);
  const [a, b] = h.unsafeSplit(2);
  b!.mul_(3);
  a!.add(b!).sum().backward();
  assert.deepEqual(x.grad!.tolist(), [[2, 2], [2, 2], [6, 6], [6, 6]]);
});

test("sliceScatter's omitted bounds are the whole dim (PyTorch 1.13's binding fails there)", () => {
  const x = torch.zeros([3, 4]);
  const s = torch.ones([3, 2]);
  assert.deepEqual(torch.sliceScatter(x, s, 1, 2).tolist(), torch.sliceScatter(x, s, 1, 2, 4, 1).tolist());
  assert.deepEqual(torch.sliceScatter(x, torch.ones([3, 4])).tolist(), torch.ones([3, 4]).tolist());
});

test("the scatter ops' gradients can be differentiated again", () => {
  const x = torch.randn([3, 3], { requiresGrad: true, dtype: "float64" });
  const s = torch.randn([3], { requiresGrad: true, dtype: "float64" });
  const y = torch.diagonalScatter(x.mul(x), s.mul(s));
  const [gx, gs] = torch.autograd.grad([y.sum()], [x, s], { createGraph: true });
  const [ggx] = torch.autograd.grad([gx!.sum().add(gs!.sum())], [x], { allowUnused: true });
  const eye = torch.eye(3, 3, { dtype: "float64" });
  assert.deepEqual(ggx!.tolist(), eye.neg().add(1).mul(2).tolist());
});

test("bad masks, in-place shapes, options and sizes are refused clearly", () => {
  const x = torch.zeros([2, 3]);
  assert.throws(() => x.maskedScatter(torch.ones([2, 3]), torch.ones([6])), /expected BoolTensor or ByteTensor for mask, got Float/);
  assert.throws(() => torch.zeros([3]).maskedScatter_(torch.ones([2, 3], { dtype: "bool" }), torch.ones([6])), /number of sizes provided \(1\)/);
  assert.throws(() => x.put_(torch.tensor([0]), torch.ones([1]), { acumulate: true } as never), /acumulate/);
  assert.throws(() => x.indexReduce(0, torch.tensor([0]), torch.ones([1, 3]), "prod", { includeself: false } as never), /includeself/);
  assert.throws(() => x.indexReduce(0, torch.tensor([0]), torch.ones([1, 2]), "prod"), /source's size 2 at dimension 1 does not match self's size 3/);
  assert.throws(() => torch.sliceScatter(x, x, { dims: 1 } as never), /dims/);
  assert.throws(() => (x.sumToSize as () => Tensor)(), /missing 1 required positional arguments: "size"/);
});
