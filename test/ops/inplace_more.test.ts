/**
 * fillDiagonal_, tril_/triu_, cumsum_/cumprod_, addmm_/baddbmm_ (and addmv_/addr_/addbmm_) against
 * PyTorch 1.13 (scripts/fixtures/gen_tensor_methods16.py): values, dtypes, nodes, gradients, errors.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Call, runCases } from "./methods16_harness.ts";

type Tensor = torch.Tensor;
const c = (x: Tensor) => x.clone();

const calls: Record<string, Call> = {
  fillDiag_square: (x) => c(x).fillDiagonal_(7),
  fillDiag_tall: (x) => c(x).fillDiagonal_(-2.5),
  fillDiag_tallWrap: (x) => c(x).fillDiagonal_(-2.5, { wrap: true }),
  fillDiag_tallWrap2: (x) => c(x).fillDiagonal_(1, { wrap: true }),
  fillDiag_tallWrapShort: (x) => c(x).fillDiagonal_(1, { wrap: true }),
  fillDiag_wideWrap: (x) => c(x).fillDiagonal_(3, { wrap: true }),
  fillDiag_cube: (x) => c(x).fillDiagonal_(NaN),
  fillDiag_int: (x) => c(x).fillDiagonal_(1.7),
  fillDiag_bool: (x) => c(x).fillDiagonal_(2),
  fillDiag_empty: (x) => c(x).fillDiagonal_(1),
  fillDiag_transposed: (x) => c(x).t().fillDiagonal_(5),
  fillDiag_viewWrap: (x) => c(x).index(":, 1:").fillDiagonal_(9, { wrap: true }),
  fillDiag_0dValue: (x, v) => c(x).fillDiagonal_(v!),
  fillDiag_errGradValue: (x, v) => c(x).fillDiagonal_(v!.mul(1)),
  fillDiag_err1dValue: (x, v) => c(x).fillDiagonal_(v!),
  fillDiag_err1d: (x) => c(x).fillDiagonal_(1),
  fillDiag_errUnequal: (x) => c(x).fillDiagonal_(1),
  fillDiag_errLeaf: (x) => x.fillDiagonal_(1),

  tril_: (x) => c(x).tril_(),
  tril_neg: (x) => c(x).tril_(-1),
  triu_: (x) => c(x).triu_(),
  triu_pos: (x) => c(x).triu_(2),
  triu_int: (x) => c(x).triu_(-1),
  tril_bool: (x) => c(x).tril_(1),
  tril_transposed: (x) => c(x).t().tril_(),
  tril_empty: (x) => c(x).tril_(),
  tril_err1d: (x) => c(x).tril_(),

  cumsum_0: (x) => c(x).cumsum_(0),
  cumsum_neg: (x) => c(x).cumsum_(-1),
  cumsum_0d: (x) => c(x).cumsum_(0),
  cumsum_empty: (x) => c(x).cumsum_(1),
  cumsum_int32wrap: (x) => c(x).cumsum_(0),
  cumsum_int64: (x) => c(x).cumsum_(1),
  cumsum_dtypeSame: (x) => c(x).cumsum_(0, { dtype: "float32" }),
  cumsum_transposed: (x) => c(x).t().cumsum_(0),
  cumsum_errBool: (x) => c(x).cumsum_(0),
  cumsum_errDtype: (x) => c(x).cumsum_(0, { dtype: "float32" }),
  cumsum_errDtype64: (x) => c(x).cumsum_(0, { dtype: "float64" }),
  cumsum_errDim: (x) => c(x).cumsum_(2),
  cumprod_0: (x) => c(x).cumprod_(0),
  cumprod_zeros: (x) => c(x).cumprod_(-1),
  cumprod_0d: (x) => c(x).cumprod_(0),
  cumprod_int: (x) => c(x).cumprod_(0),
  cumprod_errBool: (x) => c(x).cumprod_(0),

  addmm_: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_scaled: (s, a, b) => c(s).addmm_(a!, b!, { beta: 0.5, alpha: -2 }),
  addmm_beta0: (s, a, b) => c(s).addmm_(a!, b!, { beta: 0 }),
  addmm_transposed: (s, a, b) => c(s).t().addmm_(a!.t(), b!),
  addmm_int: (s, a, b) => c(s).addmm_(a!, b!, { beta: 2, alpha: 3 }),
  addmm_int32alpha: (s, a, b) => c(s).addmm_(a!, b!, { alpha: 2.5 }),
  addmm_empty: (s, a, b) => c(s).addmm_(a!, b!, { beta: 2 }),
  addmm_errBroadcast: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_errRows: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_errSelfDtype: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_errMatDtype: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_errBool: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_errShapes: (s, a, b) => c(s).addmm_(a!, b!),
  addmm_err1d: (s, a, b) => c(s).addmm_(a!, b!),
  baddbmm_: (s, a, b) => c(s).baddbmm_(a!, b!),
  baddbmm_scaled: (s, a, b) => c(s).baddbmm_(a!, b!, { beta: -1, alpha: 0.25 }),
  baddbmm_beta0: (s, a, b) => c(s).baddbmm_(a!, b!, { beta: 0 }),
  baddbmm_int: (s, a, b) => c(s).baddbmm_(a!, b!, { alpha: 2.5 }),
  baddbmm_errBroadcast: (s, a, b) => c(s).baddbmm_(a!, b!),
  baddbmm_errSelfDtype: (s, a, b) => c(s).baddbmm_(a!, b!),
  baddbmm_errBatchDtype: (s, a, b) => c(s).baddbmm_(a!, b!),
  baddbmm_errBool: (s, a, b) => c(s).baddbmm_(a!, b!),
  baddbmm_errBatch: (s, a, b) => c(s).baddbmm_(a!, b!),
  addmv_: (s, a, b) => c(s).addmv_(a!, b!, { beta: 0.5, alpha: 2 }),
  addr_: (s, a, b) => c(s).addr_(a!, b!, { alpha: -1 }),
  addbmm_: (s, a, b) => c(s).addbmm_(a!, b!, { beta: 2 }),
};

const COMPOSED = "kindling's out-of-place op is composed (scaled product plus input): its last node is AddBackward0";
runCases(["fillDiag_", "tril_", "triu_", "cumsum_", "cumprod_", "addmm_", "baddbmm_", "addmv_", "addr_", "addbmm_"], calls, {
  nodeDiffers: Object.fromEntries(
    ["addmm_", "addmm_scaled", "addmm_beta0", "addmm_empty", "baddbmm_", "baddbmm_scaled", "baddbmm_beta0", "addmv_", "addr_", "addbmm_"].map((n) => [n, COMPOSED]),
  ),
  tol: { rtol: 1e-5, atol: 1e-6 },
});

test("in-place methods return self, bump its version and run under noGrad on a leaf", () => {
  const x = torch.randn([3, 3], { requiresGrad: true });
  torch.noGrad(() => {
    const v = x.version;
    assert.equal(x.fillDiagonal_(0), x);
    assert.equal(x.version, v + 1);
    assert.equal(x.tril_(), x);
    assert.equal(x.cumsum_(0), x);
  });
  assert.deepEqual([x.index("0, 0").item(), x.index("0, 2").item()], [0, 0]);
});

test("cumprod_ keeps self's old values for its backward", () => {
  const x = torch.tensor([2, 3, 4], { requiresGrad: true });
  const y = x.mul(1);
  y.cumprod_(0);
  y.backward(torch.ones([3]));
  assert.deepEqual(x.grad!.tolist(), [1 + 3 + 12, 2 + 8, 6]);
});

test("unknown options are refused", () => {
  assert.throws(() => torch.zeros([2, 2]).fillDiagonal_(1, { warp: true } as never), /warp/);
  assert.throws(() => torch.zeros([2]).cumsum_(0, { dtyp: "float32" } as never), /dtyp/);
  assert.throws(() => torch.zeros([2, 2]).addmm_(torch.zeros([2, 2]), torch.zeros([2, 2]), { gamma: 1 } as never), /gamma/);
});
