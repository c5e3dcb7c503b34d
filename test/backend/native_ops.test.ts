/**
 * The native backend's elementwise, broadcast, reduction, softmax and copy kernels against the JS
 * reference backend, on every SIMD level this CPU has: odd sizes (1, 3, 17, 33, 1023, 65537),
 * non-contiguous and broadcast views, NaN / inf / signed zeros. Exact ops must match bit for bit;
 * exp/log/tanh/sigmoid/expm1 within an ulp (float32 results are computed in double and rounded once,
 * as JS does, so they almost always match exactly); sums and softmax within 1e-6 (float32) / 1e-14
 * (float64) of JS's sequential double accumulation. Skipped when the addon is not built.
 */
import { test } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";

import type { Backend, BinaryOp, ReduceOp, StridedView, UnaryOp } from "../../src/backend/backend.ts";
import { jsBackend } from "../../src/backend/js/index.ts";
import { loadNativeBackend } from "../../src/backend/native/backend.ts";
import { loadNative } from "../../src/backend/native/loader.ts";
import type { NativeAddon, NativeKernels } from "../../src/backend/native/loader.ts";
import { mulberry32 } from "../helpers/rng.ts";

const addon = loadNative();
const full = addon;
const native = full ? loadNativeBackend() : null;
const SKIP = "native addon (with kernels) not built";

type Addon = NativeAddon & NativeKernels;
type F = Float32Array | Float64Array;
type FCtor = Float32ArrayConstructor | Float64ArrayConstructor;
const CTORS: [FCtor, string][] = [[Float32Array, "f32"], [Float64Array, "f64"]];
const SIZES = [1, 3, 17, 33, 1023, 65537];
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-42, 3e38, -3e38, 88.5, -104, 710, -746, 1, -1, 0.5];

/** Values over many magnitudes and both signs, with the specials sprinkled in. */
function data(Ctor: FCtor, n: number, seed: number, specials = true): F {
  const r = mulberry32(seed);
  const x = new Ctor(n);
  for (let i = 0; i < n; i++) x[i] = (r() - 0.5) * 2 * 10 ** (r() * 6 - 3);
  if (specials) for (let i = 0; i < SPECIALS.length && i < n; i++) x[Math.floor(r() * n)] = SPECIALS[i]!;
  return x;
}

/** Runs fn on every SIMD level (and restores the addon's level and thread count). */
function eachLevel(t: TestContext, fn: (level: string) => void): void {
  if (!full) {
    t.skip(SKIP);
    return;
  }
  const a = full as Addon;
  const saved = a.simdLevel();
  try {
    for (const level of a.supportedSimdLevels()) {
      a.setSimdLevel(level);
      fn(level);
    }
  } finally {
    a.setSimdLevel(saved);
  }
}

function same(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function assertExact(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!same(got[i]!, want[i]!)) assert.fail(`${what}: element ${i}: native ${got[i]} vs js ${want[i]}`);
  }
}

/** Within `ulps` units in the last place of the element's own precision (NaN/inf must match). */
function assertUlps(got: F, want: F, ulps: number, what: string): void {
  const eps = got instanceof Float32Array ? 2 ** -23 : 2 ** -52;
  const tiny = got instanceof Float32Array ? 2 ** -149 : 2 ** -1074;
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (same(a, b)) continue;
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) > ulps * Math.max(eps * Math.abs(b), tiny)) {
      assert.fail(`${what}: element ${i}: native ${a} vs js ${b}`);
    }
  }
}

/** Normwise: max |a - b| <= tol * max(max |b|, 1e-3), NaN positions equal. */
function assertNormwise(got: F, want: F, tol: number, what: string): void {
  let scale = 1e-3, err = 0;
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (Number.isNaN(b) || Number.isNaN(a) || !Number.isFinite(b)) {
      if (!same(a, b)) assert.fail(`${what}: element ${i}: native ${a} vs js ${b}`);
      continue;
    }
    scale = Math.max(scale, Math.abs(b));
    err = Math.max(err, Math.abs(a - b));
  }
  assert.ok(err <= tol * scale, `${what}: error ${err} > ${tol} * ${scale}`);
}

/**
 * Sums: any order of double accumulation is within ~n ulps of sum |x| of JS's sequential one, and
 * float32 results round that once: |a - b| <= rel * |b| + 1e-15 * sum |x|.
 */
function assertSum(got: F, want: F, absSum: Float64Array, rel: number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, b = want[i]!;
    if (same(a, b)) continue;
    if (!(Math.abs(a - b) <= rel * Math.abs(b) + 1e-15 * absSum[i]!)) assert.fail(`${what}: element ${i}: native ${a} vs js ${b}`);
  }
}

const MATH_OPS = new Set<UnaryOp>(["exp", "log", "tanh", "sigmoid", "expm1"]);
const UNARY: UnaryOp[] = ["neg", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "square", "sign", "reciprocal", "expm1", "floor", "ceil"];
const BINARY: BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum", "reluGrad", "eq", "ne", "gt", "lt", "ge", "le"];
const COMPARE = new Set<BinaryOp>(["eq", "ne", "gt", "lt", "ge", "le"]);

test("every unary op matches JS on odd sizes and special values", (t) => {
  eachLevel(t, (level) => {
    const nb = native as Backend;
    for (const [Ctor, dt] of CTORS) {
      for (const n of SIZES) {
        const x = data(Ctor, n, n * 7 + 1);
        for (const op of UNARY) {
          const want = new Ctor(n + 2).fill(7);
          const got = new Ctor(n + 2).fill(7);
          jsBackend.unary(op, x, want, n);
          nb.unary(op, x, got, n);
          const what = `${level} ${dt} ${op} n=${n}`;
          if (MATH_OPS.has(op)) assertUlps(got, want, Ctor === Float32Array ? 1 : 4, what);
          else assertExact(got, want, what);
        }
      }
    }
  });
});

test("float32 exp/log/tanh/sigmoid are bit-identical to JS on nearly every input", (t) => {
  eachLevel(t, (level) => {
    const n = 65537;
    const x = data(Float32Array, n, 99);
    for (const op of MATH_OPS) {
      const want = new Float32Array(n), got = new Float32Array(n);
      jsBackend.unary(op, x, want, n);
      (native as Backend).unary(op, x, got, n);
      let diff = 0;
      for (let i = 0; i < n; i++) if (!same(got[i]!, want[i]!)) diff++;
      assert.ok(diff <= 2, `${level} ${op}: ${diff} of ${n} differ from JS`);
    }
  });
});

test("unary ops work in place (out === x) and on subarrays", (t) => {
  eachLevel(t, () => {
    const base = data(Float32Array, 1100, 5);
    const x = base.subarray(37, 37 + 1023);
    const want = new Float32Array(1023);
    jsBackend.unary("sigmoid", x, want, 1023);
    (native as Backend).unary("sigmoid", x, x, 1023);
    assertUlps(x, want, 1, "in place");
  });
});

/** A view of `shape` over fresh data, laid out by `kind`. */
function view(Ctor: FCtor, shape: number[], kind: string, seed: number): StridedView {
  const nd = shape.length;
  const contiguous = (s: number[]) => {
    const st = new Array<number>(s.length);
    let acc = 1;
    for (let d = s.length - 1; d >= 0; d--) {
      st[d] = acc;
      acc *= s[d]!;
    }
    return st;
  };
  const count = shape.reduce((a, b) => a * b, 1);
  if (kind === "contiguous") return { data: data(Ctor, count + 3, seed), offset: 3, strides: contiguous(shape) };
  if (kind === "scalar") return { data: data(Ctor, 2, seed), offset: 1, strides: shape.map(() => 0) };
  if (kind === "row") {
    // Broadcast over every dim but the last (a bias).
    return { data: data(Ctor, shape[nd - 1]!, seed), offset: 0, strides: shape.map((_, d) => (d === nd - 1 ? 1 : 0)) };
  }
  if (kind === "col") {
    // Broadcast along the last dim (one value per row).
    const rows = shape.slice(0, -1);
    return { data: data(Ctor, count / shape[nd - 1]!, seed), offset: 0, strides: [...contiguous(rows), 0] };
  }
  if (kind === "transposed") {
    // The same values stored with the dims reversed.
    const rev = [...shape].reverse();
    const st = contiguous(rev).reverse();
    return { data: data(Ctor, count, seed), offset: 0, strides: st };
  }
  // "strided": every other element of a twice-larger last dim, with an offset.
  const big = [...shape.slice(0, -1), shape[nd - 1]! * 2];
  const st = contiguous(big);
  st[nd - 1] = 2;
  return { data: data(Ctor, big.reduce((a, b) => a * b, 1) + 1, seed), offset: 1, strides: st };
}

const LAYOUTS: [string, string][] = [
  ["contiguous", "contiguous"], ["contiguous", "scalar"], ["scalar", "contiguous"], ["contiguous", "row"],
  ["row", "contiguous"], ["col", "contiguous"], ["contiguous", "col"], ["transposed", "contiguous"],
  ["contiguous", "transposed"], ["strided", "row"], ["strided", "strided"], ["col", "row"],
];
const SHAPES = [[1], [17], [65537], [3, 33], [33, 17], [1023, 3], [5, 1, 7], [2, 3, 1023]];

test("every binary op matches JS bit for bit on contiguous, broadcast and strided layouts", (t) => {
  eachLevel(t, (level) => {
    const nb = native as Backend;
    for (const [Ctor, dt] of CTORS) {
      for (const shape of SHAPES) {
        const n = shape.reduce((a, b) => a * b, 1);
        for (const [ka, kb] of LAYOUTS) {
          const a = view(Ctor, shape, ka, n + 11), b = view(Ctor, shape, kb, n + 12);
          for (const op of BINARY) {
            const OutCtor = COMPARE.has(op) ? Uint8Array : Ctor;
            const want = new OutCtor(n), got = new OutCtor(n);
            jsBackend.binary(op, a, b, want, shape);
            nb.binary(op, a, b, got, shape);
            assertExact(got, want, `${level} ${dt} ${op} [${shape}] ${ka} x ${kb}`);
          }
        }
      }
    }
  });
});

test("binary ops in place (out is a) and 0-d operands", (t) => {
  eachLevel(t, () => {
    const nb = native as Backend;
    const prev = data(Float32Array, 1023, 1), g = data(Float32Array, 1023, 2);
    const want = new Float32Array(1023);
    jsBackend.binary("add", { data: prev, offset: 0, strides: [1] }, { data: g, offset: 0, strides: [1] }, want, [1023]);
    nb.binary("add", { data: prev, offset: 0, strides: [1] }, { data: g, offset: 0, strides: [1] }, prev, [1023]);
    assertExact(prev, want, "in place add");
    const o1 = new Float64Array(1), o2 = new Float64Array(1);
    const s1 = { data: Float64Array.of(3, NaN), offset: 1, strides: [] }, s2 = { data: Float64Array.of(2), offset: 0, strides: [] };
    jsBackend.binary("maximum", s1, s2, o1, []);
    nb.binary("maximum", s1, s2, o2, []);
    assertExact(o2, o1, "0-d maximum");
  });
});

test("binary ops with a scalar match JS (float-exact and inexact scalars, either side)", (t) => {
  eachLevel(t, (level) => {
    const nb = native as Backend;
    for (const [Ctor, dt] of CTORS) {
      for (const n of SIZES) {
        const x = data(Ctor, n, n + 3);
        for (const s of [0.5, 0.1, 1 / 3, 0, -0, NaN, Infinity, -1e300, 3]) {
          for (const op of BINARY) {
            for (const first of [false, true]) {
              const OutCtor = COMPARE.has(op) ? Uint8Array : Ctor;
              const want = new OutCtor(n), got = new OutCtor(n);
              jsBackend.binaryScalar(op, x, s, want, n, first);
              nb.binaryScalar(op, x, s, got, n, first);
              assertExact(got, want, `${level} ${dt} ${op} s=${s} first=${first} n=${n}`);
            }
          }
        }
      }
    }
  });
});

const REDUCE_SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 65537, 1], [3, 17, 33], [5, 1023, 1], [2, 3, 1023], [7, 33, 3], [1, 3, 65537], [1, 200000, 1],
];

test("sum/max/min over the middle axis match JS (indices included, NaN and ties)", (t) => {
  eachLevel(t, (level) => {
    const nb = native as Backend;
    for (const [Ctor, dt] of CTORS) {
      for (const [outer, size, inner] of REDUCE_SHAPES) {
        for (const withSpecials of [false, true]) {
          const x = data(Ctor, outer * size * inner, size + inner, withSpecials);
          // Repeated extremes and signed zeros for the tie rules.
          if (!withSpecials && x.length > 40) {
            x[10] = 5e3;
            x[30] = 5e3;
            x[12] = -0;
            x[13] = 0;
          }
          for (const op of ["sum", "max", "min"] as ReduceOp[]) {
            const want = new Ctor(outer * inner), got = new Ctor(outer * inner);
            const wi = new Float64Array(outer * inner), gi = new Float64Array(outer * inner);
            const what = `${level} ${dt} ${op} [${outer}, ${size}, ${inner}] specials=${withSpecials}`;
            if (op === "sum") {
              jsBackend.reduce(op, x, want, outer, size, inner);
              nb.reduce(op, x, got, outer, size, inner);
              const ax = new Float64Array(x.length), absSum = new Float64Array(outer * inner);
              jsBackend.unary("abs", Float64Array.from(x), ax, x.length);
              jsBackend.reduce("sum", ax, absSum, outer, size, inner);
              assertSum(got, want, absSum, Ctor === Float32Array ? 1e-6 : 1e-15, what);
            } else {
              jsBackend.reduce(op, x, want, outer, size, inner, wi);
              nb.reduce(op, x, got, outer, size, inner, gi);
              assertExact(got, want, what);
              assertExact(gi, wi, `${what} indices`);
            }
          }
        }
      }
    }
  });
});

test("float32 sums agree with JS's double accumulation exactly on typical data", (t) => {
  eachLevel(t, () => {
    const x = data(Float32Array, 32 * 1024, 4, false);
    const want = new Float32Array(1024), got = new Float32Array(1024);
    jsBackend.reduce("sum", x, want, 1, 32, 1024);
    (native as Backend).reduce("sum", x, got, 1, 32, 1024);
    assertExact(got, want, "column sums (bias gradient)");
  });
});

test("results do not depend on the thread count", (t) => {
  if (!full) return t.skip(SKIP);
  const a = full as Addon;
  const saved = a.getNumThreads();
  const nb = native as Backend;
  const x = data(Float32Array, 300001, 8, false);
  const run = () => {
    const s = new Float32Array(1), m = new Float32Array(1), mi = new Float64Array(1), e = new Float32Array(x.length);
    nb.reduce("sum", x, s, 1, x.length, 1);
    nb.reduce("max", x, m, 1, x.length, 1, mi);
    nb.unary("tanh", x, e, x.length);
    return [s[0]!, m[0]!, mi[0]!, ...e.subarray(0, 1000)];
  };
  try {
    a.setNumThreads(1);
    const one = run();
    a.setNumThreads(4);
    assertExact(run(), one, "4 threads vs 1");
  } finally {
    a.setNumThreads(saved);
  }
});

const SOFTMAX_SHAPES: [number, number, number][] = [[32, 10, 1], [3, 17, 33], [1, 65537, 1], [2, 1, 5], [5, 1023, 3], [1, 3, 1]];

test("softmax and log-softmax, forward and backward, match JS", (t) => {
  eachLevel(t, (level) => {
    const nb = native as Backend;
    for (const [Ctor, dt] of CTORS) {
      const tol = Ctor === Float32Array ? 1e-6 : 1e-13;
      for (const [outer, size, inner] of SOFTMAX_SHAPES) {
        const n = outer * size * inner;
        const x = data(Ctor, n, n, false);
        for (let i = 0; i < n; i += 7) x[i] = x[i]! * 1e4; // large magnitudes: max subtraction matters
        if (n > 40) {
          x[3] = -Infinity;
          x[20] = NaN;
        }
        const g = data(Ctor, n, n + 1, false);
        for (const log of [false, true]) {
          const what = `${level} ${dt} ${log ? "logSoftmax" : "softmax"} [${outer}, ${size}, ${inner}]`;
          const want = new Ctor(n), got = new Ctor(n);
          jsBackend.softmax(x, want, outer, size, inner, log);
          nb.softmax(x, got, outer, size, inner, log);
          assertNormwise(got, want, tol, what);
          const gw = new Ctor(n), gg = new Ctor(n);
          jsBackend.softmaxBackward(g, want, gw, outer, size, inner, log);
          nb.softmaxBackward(g, want, gg, outer, size, inner, log);
          assertNormwise(gg, gw, tol, `${what} backward`);
        }
      }
    }
  });
});

test("softmax of an all -inf row is NaN-free like JS (max taken as 0)", (t) => {
  eachLevel(t, () => {
    const x = Float32Array.of(-Infinity, -Infinity, -Infinity, 1, 2, 3);
    const want = new Float32Array(6), got = new Float32Array(6);
    jsBackend.softmax(x, want, 2, 3, 1, true);
    (native as Backend).softmax(x, got, 2, 3, 1, true);
    assertExact(got, want, "log-softmax of -inf row");
  });
});

test("copy of transposed, permuted, sliced and broadcast views matches JS for every dtype", (t) => {
  eachLevel(t, (level) => {
    const nb = native as Backend;
    const cases: { shape: number[]; strides: number[]; offset: number; len: number }[] = [
      { shape: [17, 33], strides: [1, 17], offset: 0, len: 17 * 33 },
      { shape: [1023, 65], strides: [1, 1023], offset: 0, len: 1023 * 65 },
      { shape: [3, 4, 5], strides: [1, 15, 3], offset: 2, len: 70 },
      { shape: [2, 33, 17], strides: [561, 1, 33], offset: 0, len: 1122 },
      { shape: [5, 7], strides: [0, 1], offset: 1, len: 8 },
      { shape: [5, 7], strides: [1, 0], offset: 0, len: 5 },
      { shape: [65537], strides: [3], offset: 1, len: 3 * 65537 },
      { shape: [9, 11], strides: [30, 2], offset: 4, len: 300 },
      { shape: [], strides: [], offset: 3, len: 4 },
      { shape: [4, 1, 6], strides: [6, 99, 1], offset: 0, len: 24 },
    ];
    const types = [Float32Array, Float64Array, Int32Array, Uint8Array] as const;
    for (const c of cases) {
      const n = c.shape.reduce((a, b) => a * b, 1);
      for (const T of types) {
        const src = new T(c.len);
        const r = mulberry32(c.len);
        for (let i = 0; i < c.len; i++) src[i] = T === Uint8Array ? Math.floor(r() * 256) : (r() - 0.5) * 1e4;
        for (const O of types) {
          const want = new O(n), got = new O(n);
          const sv = { data: src, offset: c.offset, strides: c.strides };
          jsBackend.copy(sv, c.shape, want);
          nb.copy(sv, c.shape, got);
          assertExact(got, want, `${level} copy ${T.name} -> ${O.name} [${c.shape}] strides [${c.strides}]`);
        }
      }
    }
  });
});

test("float32 and float64 calls run natively (the addon accepts them)", (t) => {
  if (!full) return t.skip(SKIP);
  const a = full as Addon;
  const names = a.opNames();
  for (const T of [Float32Array, Float64Array]) {
    const x = new T(6).fill(0.5), out = new T(6);
    assert.equal(a.unary(names.unary.indexOf("exp"), x, out, 6), true);
    assert.equal(a.binary(names.binary.indexOf("mul"), x, 0, x, 0, out, Float64Array.of(2, 2, 3, 3, 1, 0, 1)), true);
    assert.equal(a.binary(names.binary.indexOf("gt"), x, 0, x, 0, new Uint8Array(6), Float64Array.of(1, 6, 1, 0)), true);
    assert.equal(a.binaryScalar(names.binary.indexOf("div"), x, 0.1, out, 6, true), true);
    assert.equal(a.reduce(names.reduce.indexOf("max"), x, out, 2, 3, 1, new Float64Array(2)), true);
    assert.equal(a.softmax(x, out, 2, 3, 1, true), true);
    assert.equal(a.softmaxBackward(x, x, out, 2, 3, 1, false), true);
    assert.equal(a.copy(x, 0, out, Float64Array.of(2, 2, 3, 1, 2)), true);
  }
});

test("the addon declines what it does not cover and throws on malformed calls", (t) => {
  if (!full) return t.skip(SKIP);
  const a = full as Addon;
  const names = a.opNames();
  const add = names.binary.indexOf("add");
  const layout = Float64Array.of(1, 4, 1, 1);
  // Integer and mixed dtypes: declined, nothing written.
  const out = new Int32Array(4).fill(9);
  assert.equal(a.binary(add, new Int32Array(4), 0, new Int32Array(4), 0, out, layout), false);
  assert.deepEqual([...out], [9, 9, 9, 9]);
  assert.equal(a.binary(add, new Float32Array(4), 0, new Float64Array(4), 0, new Float32Array(4), layout), false);
  assert.equal(a.unary(0, new Int32Array(4), new Int32Array(4), 4), false);
  // An output overlapping an input other than exactly in place: declined.
  const buf = new Float32Array(8);
  assert.equal(a.binary(add, buf, 0, buf, 0, buf.subarray(1, 5), layout), false);
  assert.equal(a.unary(0, buf, buf.subarray(2), 4), false);
  // A view reaching outside its array, an unknown op: thrown.
  assert.throws(() => a.binary(add, new Float32Array(3), 0, new Float32Array(4), 0, new Float32Array(4), layout), RangeError);
  assert.throws(() => a.binary(add, new Float32Array(4), 1, new Float32Array(4), 0, new Float32Array(4), layout), RangeError);
  assert.throws(() => a.unary(99, new Float32Array(4), new Float32Array(4), 4), RangeError);
  assert.throws(() => a.unary(0, new Float32Array(4), new Float32Array(2), 4), RangeError);
  assert.throws(() => a.reduce(0, new Float32Array(5), new Float32Array(1), 2, 3, 1, null), RangeError);
  assert.throws(() => a.copy([] as unknown as Float32Array, 0, new Float32Array(1), Float64Array.of(0)), TypeError);
  // Through the backend, declined calls still produce the JS results.
  const nb = native as Backend;
  const x = Int32Array.of(1, -2, 3), o = new Int32Array(3);
  nb.unary("neg", x, o, 3);
  assert.deepEqual([...o], [-1, 2, -3]);
});
