/**
 * The native backend's fused recurrent cell steps (optional kernel "recurrentCells",
 * native/addon_recurrent.cc) against their reference, the vector-kernel / JS code the layers run
 * without it (src/ops/recurrent_lstm.ts, recurrent_steps.ts): the same layers, weights and inputs on
 * the native backend with and without the optional kernel; and its float32 sigmoid/tanh against the
 * float64 functions, special values included. Runs whatever KINDLING_BACKEND says (it picks the
 * native backend itself), skipped when the addon lacks the kernel.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../../src/index.ts";
import type { Backend } from "../../src/backend/backend.ts";
import type { RecurrentCells } from "../../src/backend/recurrent_cells.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { getBackend, registerBackend, setBackend } from "../../src/backend/registry.ts";

const native = loadNativeBackend();
const cells = native?.optionalKernel?.("recurrentCells");
const skip = cells ? false : "native addon without recurrentCells";
const calls: Record<string, number> = {};

if (native && cells) {
  const counted = Object.fromEntries(Object.entries(cells).map(([k, f]) => [k, (...a: unknown[]) => {
    calls[k] = (calls[k] ?? 0) + 1;
    return (f as (...x: unknown[]) => boolean)(...a);
  }])) as unknown as RecurrentCells;
  const variant = (fused: boolean): Backend => ({
    ...native,
    optionalKernel: ((name: string) => (name === "recurrentCells" ? (fused ? counted : undefined) : native.optionalKernel!(name as never))) as Backend["optionalKernel"],
  });
  registerBackend("native-fused-cells", () => variant(true));
  registerBackend("native-reference-cells", () => variant(false));
}

const previous = getBackend();
after(() => setBackend(previous));

type Kind = "LSTM" | "GRU" | "RNN";
interface Case {
  kind: Kind;
  opts: Record<string, unknown>;
  dtype: "float32" | "float64";
  packed?: number[];
}

/** Output, final states and every gradient of one forward/backward, as float64 arrays. */
function run(c: Case, backendName: string): Float64Array[] {
  setBackend(backendName);
  torch.manualSeed(7);
  const [I, H, T, B] = [5, 6, 7, 4];
  const opts = { ...c.opts, dtype: c.dtype };
  const m = c.kind === "LSTM" ? new torch.nn.LSTM(I, H, opts) : c.kind === "GRU" ? new torch.nn.GRU(I, H, opts) : new torch.nn.RNN(I, H, opts);
  const x = torch.randn([T, B, I], { dtype: c.dtype }).requiresGrad_();
  let input: torch.Tensor | torch.nn.PackedSequence = x;
  if (c.packed) input = torch.nn.utils.rnn.packPaddedSequence(x, torch.tensor(c.packed), { enforceSorted: false });
  const [out, hN] = (m as torch.nn.GRU).forward(input as torch.Tensor) as [torch.Tensor | torch.nn.PackedSequence, torch.Tensor | torch.Tensor[]];
  const y = out instanceof torch.Tensor ? out : (out as torch.nn.PackedSequence).data;
  const states = Array.isArray(hN) ? hN : [hN];
  let loss = y.mul(torch.randn(y.shape, { dtype: c.dtype })).sum();
  for (const s of states) loss = loss.add(s.mul(torch.randn(s.shape, { dtype: c.dtype })).sum());
  loss.backward();
  const flat = (t: torch.Tensor | null): Float64Array => Float64Array.from(t === null ? [] : (t.toTypedArray() as ArrayLike<number>));
  return [y, ...states, x.grad, ...m.parameters().map((p) => p.grad)].map((t) => flat(t ?? null));
}

const CASES: Case[] = [];
for (const dtype of ["float32", "float64"] as const) {
  CASES.push(
    { kind: "LSTM", opts: { numLayers: 2, bidirectional: true }, dtype },
    { kind: "LSTM", opts: { projSize: 3 }, dtype, packed: [7, 3, 5, 1] },
    { kind: "GRU", opts: { numLayers: 2, bidirectional: true }, dtype },
    { kind: "GRU", opts: { bias: false }, dtype, packed: [2, 7, 7, 4] },
    { kind: "RNN", opts: { bidirectional: true }, dtype, packed: [7, 3, 5, 1] },
    { kind: "RNN", opts: { nonlinearity: "relu", numLayers: 2 }, dtype },
  );
}

describe("fused recurrent cells = their reference", { skip }, () => {
  for (const c of CASES) {
    test(`${c.kind} ${JSON.stringify(c.opts)}${c.packed ? " packed" : ""} ${c.dtype}`, () => {
      const before = { ...calls };
      const got = run(c, "native-fused-cells");
      const fwd = c.kind === "LSTM" ? "lstmForward" : c.kind === "GRU" ? "gruForward" : "rnnForward";
      const bwd = c.kind === "LSTM" ? "lstmBackward" : c.kind === "GRU" ? "gruBackward" : "rnnBackward";
      assert.ok((calls[fwd] ?? 0) > (before[fwd] ?? 0) && (calls[bwd] ?? 0) > (before[bwd] ?? 0), "the fused kernels ran");
      const want = run(c, "native-reference-cells");
      // float32: sigmoid/tanh within a few float ulps of the reference's, carried through the steps.
      const tol = c.dtype === "float32" ? 2e-6 : 1e-13;
      assert.equal(got.length, want.length);
      got.forEach((g, i) => {
        assert.equal(g.length, want[i]!.length);
        let num = 0, den = 0;
        for (let j = 0; j < g.length; j++) {
          num += (g[j]! - want[i]![j]!) ** 2;
          den += want[i]![j]! ** 2;
        }
        assert.ok(Math.sqrt(num) <= tol * Math.sqrt(den) + 1e-30, `result ${i}: relative error ${Math.sqrt(num / (den || 1))}`);
      });
    });
  }
});

const ulps = (a: number, b: number): number => {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const f = new Float32Array([a, b]);
  const i = new Int32Array(f.buffer);
  const key = (v: number): number => (v < 0 ? -(v & 0x7fffffff) : v);
  return Math.abs(key(i[0]!) - key(i[1]!));
};

// Every power of two's neighbourhood from 2^-130 to 2^7, both signs, and the special values.
function probeValues(): Float32Array {
  const v: number[] = [0, -0, NaN, Infinity, -Infinity, 0.55, -0.55, 0.5499999, 88, 89, 104, 105, 1e30, -1e30, 1.4e-45];
  for (let e = -130; e <= 7; e++) for (const m of [1, 1.1, 1.37, 1.5, 1.73, 1.99]) v.push(m * 2 ** e, -m * 2 ** e);
  for (let k = 0; k < 4000; k++) v.push((k - 2000) / 97);
  return Float32Array.from(v);
}

describe("fused cells: float32 sigmoid and tanh", { skip }, () => {
  const xs = probeValues();
  const n = xs.length;
  const sig = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

  test("rnnForward: tanh within 2 ulps of Math.tanh rounded (NaN, +-0, +-inf kept), relu passes NaN", () => {
    const A = Float32Array.from(xs);
    const hS = new Float32Array(n);
    assert.equal(cells!.rnnForward(A, 0, hS, 1, n, false), true);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.tanh(xs[i]!));
      const u = ulps(A[i]!, want);
      assert.ok(u <= 2, `tanh(${xs[i]}) = ${A[i]}, want ${want} (${u} ulps)`);
      if (want === 0) assert.equal(Object.is(A[i], -0), Object.is(want, -0), `tanh(${xs[i]}) keeps the sign of zero`);
      assert.equal(hS[i], A[i]);
    }
    const R = Float32Array.from([NaN, -1, 2, -0]);
    assert.equal(cells!.rnnForward(R, 0, new Float32Array(4), 1, 4, true), true);
    assert.ok(Number.isNaN(R[0]!));
    assert.deepEqual([...R.subarray(1)], [0, 2, 0]);
  });

  test("lstmForward: sigmoid within 2 ulps of the float64 sigmoid rounded, subnormals included", () => {
    const H = n;
    const Z = new Float32Array(4 * H);
    Z.set(xs, 0);
    const z = (b: number): Float32Array => new Float32Array(b);
    assert.equal(cells!.lstmForward(Z, 0, z(H), z(H), z(H), z(H), 0, z(H), 0, 1, H), true);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(sig(xs[i]!));
      assert.ok(ulps(Z[i]!, want) <= 2, `sigmoid(${xs[i]}) = ${Z[i]}, want ${want}`);
    }
  });

  test("mixed or non-float arrays are declined; short arrays throw", () => {
    const f = new Float32Array(8), d = new Float64Array(8);
    assert.equal(cells!.rnnForward(f, 0, d, 2, 4, false), false);
    assert.equal(cells!.rnnBackward(f, f, 0, false, new Int32Array(8) as unknown as Float32Array, 0, 4, 2, 4), false);
    assert.throws(() => cells!.rnnForward(f, 1, f, 2, 4, false), RangeError);
    assert.throws(() => cells!.gruForward(f, 0, 4, f, f, 0, f, 0, f, 2, 4), RangeError);
  });
});
