/**
 * The defect classes of issue 12 against PyTorch 1.13 (test/fixtures/defects.json, written by
 * scripts/fixtures/gen_defects.py): 0-d tensors with a dim, two-tensor max/min, size-0 matrix products,
 * integer dtypes holding fractions, NaN from B in matmul where A is 0, type promotion with 0-d tensors
 * and numbers, NaN rules, gradients at ties/zeros/infinities, float64 erf, keyword arguments, and the
 * errors PyTorch raises (class and message). Rerun on every backend by scripts/run-tests.mjs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Arg, type DefectCase, type Tensor, buildInputs, checkTensor, fromJson, loadDefects } from "./defects_fixture.ts";

const F = torch.nn.F;
type Result = Tensor | readonly Tensor[] | { values: Tensor; indices: Tensor };
type Fn = (a: Arg[]) => Result;

function T(a: Arg | undefined): Tensor {
  if (a === undefined || typeof a === "number") throw new Error(`expected a tensor argument, got ${String(a)}`);
  return a;
}
const un = (f: (x: Tensor) => Result): Fn => (a) => f(T(a[0]));
const bin = (f: (x: Tensor, y: Tensor) => Result): Fn => (a) => f(T(a[0]), T(a[1]));
const whereOf = (a: Arg[]) => torch.where(T(a[0]), a[1]!, a[2]!);

/** The kindling side of each case; the PyTorch side is the lambda of the same name in gen_defects.py. */
const CASES: Record<string, Fn> = {};
const cases = (entries: Record<string, Fn>) => Object.assign(CASES, entries);
for (const d of [0, -1]) {
  cases({
    [`sum_0d_dim${d}`]: un((x) => x.sum(d)),
    [`mean_0d_dim${d}`]: un((x) => x.mean(d)),
    [`amax_0d_dim${d}`]: un((x) => torch.amax(x, d)),
    [`amin_0d_dim${d}`]: un((x) => torch.amin(x, d)),
    [`prod_0d_dim${d}`]: un((x) => x.prod(d)),
    [`logsumexp_0d_dim${d}`]: un((x) => torch.logsumexp(x, d)),
    [`argmax_0d_dim${d}`]: un((x) => x.argmax(d)),
    [`argmin_0d_dim${d}`]: un((x) => x.argmin(d)),
    [`max_0d_dim${d}`]: un((x) => x.max(d)),
    [`min_0d_dim${d}`]: un((x) => x.min(d)),
    [`softmax_0d_dim${d}`]: un((x) => torch.softmax(x, d)),
    [`logSoftmax_0d_dim${d}`]: un((x) => torch.logSoftmax(x, d)),
  });
}
cases({
  sum_0d_keepdim: un((x) => x.sum(0, true)),
  sum_0d_dimlist: un((x) => x.sum([0])),
  max_0d_keepdim: un((x) => x.max(0, true)),
  argmax_0d_keepdim: un((x) => x.argmax(0, true)),
  std_0d_dim0: un((x) => x.std(0)),
  var_0d_dim0: un((x) => x.var(0)),
  sum_0d_int_dim0: un((x) => x.sum(0)),
  sum_0d_dim1: un((x) => x.sum(1)),
  mean_0d_dim1: un((x) => x.mean(1)),
  amax_0d_dim1: un((x) => torch.amax(x, 1)),
  argmax_0d_dim1: un((x) => x.argmax(1)),
  max_0d_dim1: un((x) => x.max(1)),
  softmax_0d_dim1: un((x) => x.softmax(1)),
  logsumexp_0d_dim1: un((x) => torch.logsumexp(x, 1)),
  std_0d_dim1: un((x) => x.std(1)),
  prod_0d_dim1: un((x) => x.prod(1)),

  max_two_tensors: bin((x, y) => torch.max(x, y)),
  min_two_tensors: bin((x, y) => torch.min(x, y)),
  max_two_tensors_method: bin((x, y) => x.max(y)),
  min_two_tensors_broadcast: bin((x, y) => torch.min(x, y)),

  mm_k0: bin((x, y) => torch.mm(x, y)),
  matmul_k0_f64: bin((x, y) => torch.matmul(x, y)),
  matmul_m0: bin((x, y) => torch.matmul(x, y)),
  matmul_n0: bin((x, y) => x.matmul(y)),
  matmul_vec_k0: bin((x, y) => torch.matmul(x, y)),
  matmul_mat_vec_k0: bin((x, y) => torch.matmul(x, y)),
  matmul_batched_k0: bin((x, y) => torch.matmul(x, y)),
  bmm_b0: bin((x, y) => torch.bmm(x, y)),
  bmm_k0: bin((x, y) => torch.bmm(x, y)),
  bmm: bin((x, y) => torch.bmm(x, y)),
  to_cpu: un((x) => x.to("cpu").mul(2)),

  long_truncates: un((x) => x.long()),
  long_truncates_f64: un((x) => x.to("int64")),
  int_truncates: un((x) => x.int()),
  long_ends_graph: un((x) => x.long()),
  bool_ends_graph: un((x) => x.bool()),
  double_keeps_graph: un((x) => x.double()),
  pow_int_negative_scalar: un((x) => torch.pow(x, -1)),
  pow_int_negative_scalar_method: un((x) => x.pow(-2)),
  pow_int_negative_tensor: bin((x, y) => torch.pow(x, y)),
  pow_int_scalar: un((x) => torch.pow(x, 3)),
  where_int_float_scalar: (a) => torch.where(T(a[0]), T(a[1]), 2.5),
  sum_dtype_int_truncates: un((x) => torch.sum(x, 0, false, { dtype: "int64" })),
  sum_dtype_int32: un((x) => torch.sum(x, 0, false, { dtype: "int32" })),

  matmul_nan_zero_a_float32: bin((x, y) => x.matmul(y)),
  matmul_inf_zero_a_float32: bin((x, y) => x.matmul(y)),
  matmul_nan_zero_a_float64: bin((x, y) => x.matmul(y)),
  matmul_inf_zero_a_float64: bin((x, y) => x.matmul(y)),
  matmul_nan_transposed: bin((x, y) => x.t().matmul(y)),
  matmul_nan_big: bin((x, y) => x.matmul(y)),
  linear_nan: bin((x, w) => F.linear(x, w)),

  add_bool_bool: bin((x, y) => x.add(y)),
  mul_bool_bool: bin((x, y) => x.mul(y)),
  maximum_bool: bin((x, y) => torch.maximum(x, y)),
  add_bool_number: un((x) => x.add(1)),
  mul_bool_float: un((x) => x.mul(2.5)),
  div_bool_bool: bin((x, y) => x.div(y)),
  square_bool: un((x) => torch.square(x)),
  square_int32: un((x) => torch.square(x)),
  pow_bool_2: un((x) => x.pow(2)),
  where_numbers_int: (a) => torch.where(T(a[0]), 1, 2),
  where_numbers_float: (a) => torch.where(T(a[0]), 1.5, 2),
  where_float_number_int_tensor: (a) => torch.where(T(a[0]), 1.5, T(a[1])),
  where_f32_f64_0d: whereOf,
  where_int32_int64_0d: whereOf,
  where_f64_0d_int: whereOf,
  where_int_tensor_number: (a) => torch.where(T(a[0]), T(a[1]), 7),
  add_int32_int64_0d: bin((x, y) => x.add(y)),
  add_int32_f64_0d: bin((x, y) => x.add(y)),
  add_int32_0d_int64_0d: bin((x, y) => x.add(y)),
  add_int32_0d_float: un((x) => x.add(2.5)),
  add_f32_f64_0d: bin((x, y) => x.add(y)),
  mul_int32_bool_0d: bin((x, y) => x.mul(y)),
  lt_int32_int64_0d: bin((x, y) => x.lt(y)),
  ge_int64_int32_0d: bin((x, y) => x.ge(y)),
  eq_int32_int64_0d_wraps: bin((x, y) => x.eq(y)),
  gt_int32_0d_float_0d: bin((x, y) => x.gt(y)),
  eq_bool_int64_0d: bin((x, y) => x.eq(y)),
  eq_bool_int64_0d_two: bin((x, y) => x.eq(y)),
  add_bool_int32_0d: bin((x, y) => x.add(y)),
  where_bool_int64_0d: whereOf,
  ne_int32_0d_int64: bin((x, y) => x.ne(y)),
  lt_int32_number_wraps: un((x) => x.lt(3000000000)),
  eq_int32_number_wraps: un((x) => x.eq(4294967297)),
  eq_f32_number_rounds: un((x) => x.eq(0.1)),
  lt_f32_number_rounds: un((x) => x.lt(0.1)),
  mul_f32_number_rounds: un((x) => x.mul(0.1)),
  add_f32_number_rounds: un((x) => x.add(0.1)),
  mul_f32_number_rounds_big: un((x) => x.mul(0.1)),

  sign_nan_float32: un((x) => torch.sign(x)),
  sign_nan_float64: un((x) => x.sign()),
  logicalAnd_nan: bin((x, y) => torch.logicalAnd(x, y)),
  logicalOr_nan: bin((x, y) => torch.logicalOr(x, y)),
  logicalNot_nan: un((x) => torch.logicalNot(x)),
  relu_grad_nan: un((x) => torch.relu(x)),
  relu_grad_nan_big: un((x) => x.relu()),
  pow_one_nan_scalar: un((x) => torch.pow(x, NaN)),
  pow_number_one_nan: (a) => torch.pow(1, T(a[0])),
  pow_one_nan_tensor: bin((x, y) => torch.pow(x, y)),
  adaptiveAvgPool2d_nan: un((x) => F.adaptiveAvgPool2d(x, 2)),
  adaptiveAvgPool2d_nan_overlap: un((x) => F.adaptiveAvgPool2d(x, 3)),
  adaptiveAvgPool2d_inf: un((x) => F.adaptiveAvgPool2d(x, [1, 2])),
  crossEntropy_all_ignored_mean: bin((x, t) => F.crossEntropy(x, t)),
  crossEntropy_all_ignored_sum: bin((x, t) => F.crossEntropy(x, t, { reduction: "sum" })),
  crossEntropy_all_ignored_smooth: bin((x, t) => F.crossEntropy(x, t, { labelSmoothing: 0.2 })),
  nllLoss_all_ignored_mean: bin((x, t) => F.nllLoss(x, t)),

  amax_dim_ties: un((x) => torch.amax(x, 1)),
  amax_all_ties: un((x) => torch.amax(x)),
  amax_method_keepdim: un((x) => x.amax(0, true)),
  amin_dims_ties: un((x) => torch.amin(x, [0, 1])),
  amin_method: un((x) => x.amin(-1)),
  amax_int: un((x) => torch.amax(x, 0)),
  amax_nan: un((x) => torch.amax(x, 1)),
  prod_one_zero: un((x) => x.prod()),
  prod_two_zeros: un((x) => x.prod()),
  prod_dim_zeros: un((x) => x.prod(1)),
  prod_dim_keepdim_zeros: un((x) => x.prod(0, true)),
  std_zero_spread: un((x) => x.std()),
  std_zero_spread_dim: un((x) => x.std(1)),
  std_zero_spread_biased: un((x) => x.std(null, { unbiased: false })),
  pow_exponent_grad_base0: bin((x, y) => torch.pow(x, y)),
  pow_number_base0: (a) => torch.pow(0, T(a[0])),
  pow_base_grad_exp0: un((x) => torch.pow(x, 0)),
  clamp_inf_grad: un((x) => x.clamp(-1, 1)),
  clamp_min_nan_grad: un((x) => x.clamp(0)),
  floor_inf_grad: un((x) => torch.floor(x)),
  round_inf_grad: un((x) => torch.round(x)),
  ceil_inf_grad: un((x) => torch.ceil(x)),
  sign_inf_grad: un((x) => torch.sign(x)),
  maximum_nan_grad: bin((x, y) => torch.maximum(x, y)),
  minimum_nan_grad: bin((x, y) => torch.minimum(x, y)),
  maximum_inf_grad: bin((x, y) => torch.maximum(x, y)),

  erf_f64: un((x) => torch.erf(x)),
  gelu_f64: un((x) => F.gelu(x)),
  gelu_f64_grid: un((x) => F.gelu(x)),
  erf_f64_grid: un((x) => x.erf()),
  erf_f32: un((x) => torch.erf(x)),
});
for (const mode of ["trunc", "floor"] as const) {
  cases({
    [`div_${mode}_float`]: un((x) => torch.div(x, 2, { roundingMode: mode })),
    [`div_${mode}_int`]: un((x) => torch.div(x, 2, { roundingMode: mode })),
    [`div_${mode}_int_tensors`]: bin((x, y) => torch.div(x, y, { roundingMode: mode })),
    [`div_${mode}_method`]: bin((x, y) => x.div(y, { roundingMode: mode })),
  });
}
cases({
  div_floor_int_by_float: un((x) => torch.div(x, 2.5, { roundingMode: "floor" })),
  div_floor_number_by_tensor: un((x) => torch.div(7, x, { roundingMode: "floor" })),
  div_floor_by_zero_float: un((x) => torch.div(x, 0, { roundingMode: "floor" })),
  div_bad_rounding_mode: un((x) => torch.div(x, 2, { roundingMode: "round" as "floor" })),
  softmax_dtype: un((x) => torch.softmax(x, 1, { dtype: "float64" })),
  softmax_dtype_method: un((x) => x.softmax(0, { dtype: "float64" })),
  logSoftmax_dtype: un((x) => torch.logSoftmax(x, 1, { dtype: "float64" })),
  softmax_dtype_int_input: un((x) => torch.softmax(x, 0, { dtype: "float32" })),
  F_softmax_dtype: un((x) => F.softmax(x, 1, { dtype: "float64" })),
  sum_method_dtype: un((x) => x.sum(0, false, { dtype: "float32" })),
  sum_method_dtype_keepdim: un((x) => x.sum(1, true, { dtype: "float64" })),
  add_number_alpha: un((x) => torch.add(x, 2, { alpha: 3 })),
  add_number_alpha_int: un((x) => torch.add(x, 2, { alpha: 3 })),
  sub_number_alpha: un((x) => torch.sub(x, 2, { alpha: 0.5 })),
  add_method_number_alpha: un((x) => x.add(2, { alpha: -1 })),
  add_tensor_alpha: bin((x, y) => torch.add(x, y, { alpha: 2 })),
  add_int_float_alpha: un((x) => torch.add(x, 2, { alpha: 0.5 })),

  abs_bool: un((x) => torch.abs(x)),
  neg_bool: un((x) => x.neg()),
  relu_bool: un((x) => torch.relu(x)),
  argmax_bool: un((x) => torch.argmax(x)),
  argmin_bool_dim: un((x) => torch.argmin(x, 0)),
  sub_bool_bool: bin((x, y) => x.sub(y)),
  sub_bool_number: un((x) => x.sub(1)),
  rsub_number_bool: un((x) => torch.sub(1, x)),
  relu_int: un((x) => torch.relu(x)),
  abs_int: un((x) => torch.abs(x)),
  softmax_int: un((x) => torch.softmax(x, 0)),
  softmax_int_dim0: un((x) => torch.softmax(x, 0)),
  logSoftmax_int: un((x) => torch.logSoftmax(x, 1)),
  gelu_int: un((x) => F.gelu(x)),
  mm_vector: bin((x, y) => torch.mm(x, y)),
  mm_matrix_vector: bin((x, y) => torch.mm(x, y)),
  mm_3d: bin((x, y) => torch.mm(x, y)),
  mm_method_vector: bin((x, y) => x.mm(y)),
  bmm_2d: bin((x, y) => torch.bmm(x, y)),
  mm: bin((x, y) => torch.mm(x, y)),
});

function outputs(r: Result): Tensor[] {
  if (r instanceof torch.Tensor) return [r];
  if (Array.isArray(r)) return [...(r as readonly Tensor[])];
  const vi = r as { values: Tensor; indices: Tensor };
  return [vi.values, vi.indices];
}

function runCase(c: DefectCase): void {
  const fn = CASES[c.name];
  if (fn === undefined) throw new Error(`${c.name}: no harness entry`);
  const { leaves, args } = buildInputs(c);
  if (c.error) {
    const err = c.error;
    assert.throws(() => fn(args), (e: unknown) => {
      assert.ok(e instanceof torch.KindlingError, `${c.name}: expected a ${err.class}, got ${String(e)}`);
      assert.equal(e.name, err.class, `${c.name}: error class (${e.message})`);
      assert.equal(e.message, err.message, `${c.name}: error message`);
      return true;
    });
    return;
  }
  const outs = outputs(fn(args));
  const expected = c.output!;
  assert.equal(outs.length, expected.length, `${c.name}: number of outputs`);
  const tol = { rtol: c.rtol, atol: c.atol };
  expected.forEach((e, i) => checkTensor(outs[i], e, `${c.name}: output ${i}`, tol));
  if (!c.gradOutput) return;
  outs[0]!.backward(fromJson(c.gradOutput));
  c.grads!.forEach((g, i) => {
    if (g !== null) checkTensor(leaves[i]!.grad, g, `${c.name}: grad of input ${i}`, tol);
  });
}

const fixtures = loadDefects(new URL("../fixtures/defects.json", import.meta.url));

describe(`defects.json (PyTorch ${fixtures.torch}, backend ${torch.getBackend()})`, () => {
  test("every case has a harness entry and every entry a case", () => {
    const names = new Set(fixtures.cases.map((c) => c.name));
    assert.deepEqual(fixtures.cases.map((c) => c.name).filter((n) => !(n in CASES)), []);
    assert.deepEqual(Object.keys(CASES).filter((n) => !names.has(n)), []);
  });
  for (const c of fixtures.cases) test(c.name, () => runCase(c));
});

// Defects fixed in src/tensor.
describe("defects in src/tensor", () => {
  test("printing a tensor of 150k elements summarises it", () => {
    const s = String(torch.zeros([150_000]));
    assert.equal(s, "tensor([0., 0., 0.,  ..., 0., 0., 0.])");
  });
  test("assigning a number to .grad is a typed error", () => {
    const a = torch.ones([2], { requiresGrad: true });
    assert.throws(() => {
      (a as unknown as { grad: unknown }).grad = 0;
    }, { name: "ArgumentError", message: "assigned grad expected to be a Tensor or None but got grad of type number" });
    assert.throws(() => (a.grad = torch.ones([3])), { name: "ShapeError", message: /^assigned grad has data of a different size/ });
    assert.throws(() => (a.grad = torch.ones([2], { dtype: "float64" })), { name: "DTypeError", message: /^assigned grad has data of a different type/ });
    assert.equal(a.grad, null);
    a.backward(torch.ones([2]));
    assert.deepEqual(a.grad!.tolist(), [1, 1]);
  });
});
