/**
 * Tensor queries (isCpu, layout, getDevice, dataPtr, ...), apply_ / map_ and the refused casts, against
 * PyTorch 1.13 (scripts/fixtures/gen_tensor_methods16.py).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import { type Call, fixture, runCases } from "./methods16_harness.ts";

type Tensor = torch.Tensor;
type Elem = number | boolean;
const num = (v: Elem) => v as number;

const calls: Record<string, Call> = {
  ap_float: (t) => t.clone().apply_((v) => num(v) * 2 + 1),
  ap_order: (t) => t.clone().t().apply_((v) => num(v) * 10),
  ap_int: (t) => t.clone().apply_((v) => num(v) * 2.7),
  ap_int32half: (t) => t.clone().apply_((v) => num(v) / 2),
  ap_bool: (t) => t.clone().apply_((v) => !v),
  ap_boolFive: (t) => t.clone().apply_(() => 5),
  ap_nan: (t) => t.clone().apply_((v) => (Number.isNaN(v) ? -1 : v)),
  ap_0d: (t) => t.clone().apply_((v) => num(v) - 1),
  ap_empty: (t) => t.clone().apply_((v) => num(v) - 1),
  ap_errGrad: (t) => t.apply_((v) => v),
  ap_errGradNonLeaf: (t) => t.clone().apply_((v) => v),
  mp_float: (t, o) => t.clone().map_(o!, (a, b) => num(a) * num(b) - 1),
  mp_broadcast: (t, o) => t.clone().map_(o!, (a, b) => num(a) + num(b)),
  mp_int: (t, o) => t.clone().map_(o!, (a, b) => Math.max(num(a), num(b))),
  mp_errGrad: (_t, o) => torch.ones([2]).map_(o!, (a) => a),
  mp_errDtype: (t, o) => t.clone().map_(o!, (a) => a),
  mp_errDtypeInt: (t, o) => t.clone().map_(o!, (a) => a),
  mp2_basic: (t, a, b) => t.clone().map2_(a!, b!, (v, p, q) => num(v) + num(p) * num(q)),
  mp2_broadcast: (t, a, b) => t.clone().map2_(a!, b!, (v, p, q) => num(v) - num(p) + num(q)),
  mp2_errDtypeX: (t, a, b) => t.clone().map2_(a!, b!, (v) => v),
  mp2_errDtypeY: (t, a, b) => t.clone().map2_(a!, b!, (v) => v),
  mp2_errGrad: (t, a, b) => t.clone().map2_(a!, b!, (v) => v),
};

runCases(["ap_", "mp_", "mp2_"], calls);

const q = fixture.values.queries as Record<string, boolean | number | string>;

test("placement and kind queries answer as PyTorch's cpu tensors do", () => {
  const x = torch.randn([2, 3], { requiresGrad: true });
  assert.equal(x.isCpu, q.isCpu);
  assert.equal(x.isSparse, q.isSparse);
  assert.equal(x.isQuantized, q.isQuantized);
  assert.equal(x.isMeta, q.isMeta);
  assert.equal(x.isNested, q.isNested);
  assert.equal(`torch.${x.layout}`, q.layout);
  assert.equal(x.layout, torch.strided);
  assert.equal(x.getDevice(), q.getDevice);
  assert.equal(torch.getDevice(x), q.torchGetDevice);
  assert.equal(x.isPinned(), q.isPinned);
  assert.equal(x.isShared(), q.isShared);
  assert.equal(x.isInference(), q.isInference);
  assert.equal(torch.isInference(x), q.torchIsInference);
  assert.equal(x.outputNr, q.outputNr);
  assert.equal(x.mul(2).outputNr, q.outputNrOfOp);
  const flags = { isSparseCsr: "is_sparse_csr", isMkldnn: "is_mkldnn", isMps: "is_mps", isXpu: "is_xpu", isIpu: "is_ipu", isVulkan: "is_vulkan", isOrt: "is_ort" } as const;
  for (const [k, py] of Object.entries(flags)) assert.equal(x[k as keyof typeof flags], q[py], k);
  // read-only, as PyTorch's properties
  assert.throws(() => { (x as unknown as { isCpu: boolean }).isCpu = false; }, TypeError);
});

test("dataPtr: views are offset by PyTorch's byte counts, equal pointers mean the same memory", () => {
  const ptr = fixture.values.dataPtr as Record<string, { row: number; col: number; transposed: boolean } | number | boolean>;
  for (const dtype of ["float32", "float64", "int32", "int64", "bool"] as const) {
    const t = torch.zeros([3, 4], { dtype });
    const want = ptr[dtype] as { row: number; col: number; transposed: boolean };
    assert.equal(t.index("1").dataPtr() - t.dataPtr(), want.row, dtype);
    assert.equal(t.index(":, 2").dataPtr() - t.dataPtr(), want.col, dtype);
    assert.equal(t.t().dataPtr() === t.dataPtr(), want.transposed, dtype);
  }
  assert.equal(torch.zeros([0]).dataPtr(), ptr.empty);
  const x = torch.randn([4]);
  assert.equal(x.clone().dataPtr() !== x.dataPtr(), ptr.clonesDiffer);
  assert.equal(x.view([2, 2]).dataPtr(), x.dataPtr());
  assert.notEqual(x.dataPtr(), 0);
});

test("apply_ and map_ return self, write through views and count as writes", () => {
  const x = torch.arange(6, { dtype: "float32" }).reshape([2, 3]);
  const v = x.version;
  const seen: Elem[] = [];
  assert.equal(x.apply_((e) => { seen.push(e); return e; }), x);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  assert.ok(x.version > v);
  x.index(":, 1").apply_(() => -1);
  assert.deepEqual(x.tolist(), [[0, -1, 2], [3, -1, 5]]);
  const b = torch.tensor([true, false]);
  const kinds: string[] = [];
  b.apply_((e) => { kinds.push(typeof e); return e; });
  assert.deepEqual(kinds, ["boolean", "boolean"]);
  // a self-overlapping map_ reads other's old values
  const y = torch.tensor([1, 2, 3]);
  y.map_(y.flip(0), (a, c) => num(a) * 10 + num(c));
  assert.deepEqual(y.tolist(), [13, 22, 31]);
  torch.noGrad(() => {
    assert.throws(() => torch.ones([2], { requiresGrad: true }).apply_((e) => e), /Can't call apply_\(\)/);
  });
});

test("apply_ and map_ refuse bad callables, results and shapes", () => {
  const x = torch.ones([2, 3]);
  assert.throws(() => x.apply_((() => "a") as never), /must be real number, not string/);
  assert.throws(() => x.apply_((() => undefined) as never), /must be real number, not undefined/);
  assert.throws(() => x.apply_(3 as never), /argument 1 \(callable\) must be a function/);
  assert.throws(() => torch.ones([3]).map_(torch.ones([2, 3]), (a) => a), /number of sizes provided \(1\)/);
  assert.throws(() => (x.apply_ as (...a: unknown[]) => Tensor)((e: Elem) => e, 2), /takes at most 1 argument/);
});

test("casts to dtypes kindling lacks are refused naming the dtype", () => {
  const x = torch.ones([2]);
  const refused: [() => unknown, RegExp][] = [
    [() => x.half(), /half\(\): kindling has no float16 dtype/],
    [() => x.bfloat16(), /bfloat16\(\): kindling has no bfloat16 dtype/],
    [() => x.byte(), /byte\(\): kindling has no uint8 dtype/],
    [() => x.char(), /char\(\): kindling has no int8 dtype/],
    [() => x.short(), /short\(\): kindling has no int16 dtype/],
    [() => x.cdouble(), /cdouble\(\): kindling has no complex128 dtype/],
    [() => x.cfloat(), /cfloat\(\): kindling has no complex64 dtype/],
  ];
  for (const [f, re] of refused) assert.throws(f, { name: "DTypeError", message: re });
});
