/**
 * Elementwise and reduction kernels of the WASM backend (appended to the GEMM module, sharing its
 * memory). The JS backend's per-element loops run at 2-4 ns per float32; these run at memory speed,
 * so even with the copies in and out of linear memory they win on anything but tiny arrays.
 *
 * Every loop works on whole vectors: the driver (src/backend/wasm/elementwise.ts) leaves 16 bytes of
 * slack after each buffer, and an output row that spills into the next row is overwritten when that
 * row is computed, so there is no scalar tail code.
 * Only ops whose SIMD result equals the JS backend's bit for bit are here (JS computes in doubles and
 * rounds once, which for + - * / sqrt of float32 operands gives the correctly rounded float32).
 */
import { Fn, SIMD } from "./encoder.ts";

export const UNARY_OPS = ["relu", "neg", "abs", "sqrt", "square"] as const;
export const BINARY_OPS = ["add", "sub", "mul", "div", "reluGrad"] as const;
/** Inner-dimension layout of (a, b): v = contiguous vector, s = one value per row (broadcast). */
export const BINARY_MODES = ["vv", "vs", "sv"] as const;

/** Pushes op(x) for the v128 in local x. */
function unaryOp(f: Fn, op: (typeof UNARY_OPS)[number], x: number): void {
  f.get(x);
  switch (op) {
    // max(x, +0): +0 for -0 and negatives, NaN stays NaN, as the JS formula.
    case "relu": f.v128f32(0).v(SIMD.f32x4Max); break;
    case "neg": f.v(SIMD.f32x4Neg); break;
    case "abs": f.v(SIMD.f32x4Abs); break;
    case "sqrt": f.v(SIMD.f32x4Sqrt); break;
    case "square": f.get(x).v(SIMD.f32x4Mul); break;
  }
}

/** Pushes op(x, y) for v128 locals x, y. */
function binaryOp(f: Fn, op: (typeof BINARY_OPS)[number], x: number, y: number): void {
  if (op === "reluGrad") {
    // +0 where x <= 0, else y: a NaN x compares false and passes y, as the JS formula.
    f.get(y).get(x).v128f32(0).v(SIMD.f32x4Le).v(SIMD.v128AndNot);
    return;
  }
  const code = { add: SIMD.f32x4Add, sub: SIMD.f32x4Sub, mul: SIMD.f32x4Mul, div: SIMD.f32x4Div }[op];
  f.get(x).get(y).v(code);
}

/** u_<op>(src, dst, n): dst[0..n) = op(src[0..n)), rounded up to whole vectors. */
function unary(op: (typeof UNARY_OPS)[number]): Fn {
  const f = new Fn(["i32", "i32", "i32"]);
  const [src, dst, n] = [0, 1, 2];
  const p = f.local("i32"), end = f.local("i32"), x = f.local("v128");
  f.get(n).i32(4).mul().set(end);
  f.forLoop(p, () => f.i32(0), () => f.get(end), () => f.i32(16), () => {
    f.get(src).get(p).add().v(SIMD.load, 0, 2).set(x);
    f.get(dst).get(p).add();
    unaryOp(f, op, x);
    f.v(SIMD.store, 0, 2);
  });
  return f;
}

/**
 * b_<op>_<mode>(a, aRow, b, bRow, out, outer, inner): out[r, j] = op(a[r, j], b[r, j]) over a
 * contiguous [outer, inner] output; row r of an operand starts at its pointer + r * row bytes
 * (row 0 bytes = broadcast along rows), and a broadcast (s) operand holds one value per row.
 */
function binary(op: (typeof BINARY_OPS)[number], mode: (typeof BINARY_MODES)[number]): Fn {
  const f = new Fn(["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [a, aRow, b, bRow, out, outer, inner] = [0, 1, 2, 3, 4, 5, 6];
  const r = f.local("i32"), q = f.local("i32"), rowBytes = f.local("i32");
  const pa = f.local("i32"), pb = f.local("i32"), po = f.local("i32");
  const x = f.local("v128"), y = f.local("v128");
  f.get(inner).i32(4).mul().set(rowBytes);
  f.forLoop(r, () => f.i32(0), () => f.get(outer), () => f.i32(1), () => {
    f.get(a).get(r).get(aRow).mul().add().set(pa);
    f.get(b).get(r).get(bRow).mul().add().set(pb);
    f.get(out).get(r).get(rowBytes).mul().add().set(po);
    // Broadcast values are loaded once per row, outside the loop V8 would not hoist them from.
    if (mode === "sv") f.get(pa).v(SIMD.load32Splat, 0, 2).set(x);
    if (mode === "vs") f.get(pb).v(SIMD.load32Splat, 0, 2).set(y);
    f.forLoop(q, () => f.i32(0), () => f.get(rowBytes), () => f.i32(16), () => {
      if (mode !== "sv") f.get(pa).get(q).add().v(SIMD.load, 0, 2).set(x);
      if (mode !== "vs") f.get(pb).get(q).add().v(SIMD.load, 0, 2).set(y);
      f.get(po).get(q).add();
      binaryOp(f, op, x, y);
      f.v(SIMD.store, 0, 2);
    });
  });
  return f;
}

/**
 * sum_mid(x, out, outer, size, inner): out[o, i] = sum_j x[o, j, i], accumulated in doubles in j
 * order exactly like the JS backend, four columns at a time.
 */
function sumMiddle(): Fn {
  const f = new Fn(["i32", "i32", "i32", "i32", "i32"]);
  const [x, out, outer, size, inner] = [0, 1, 2, 3, 4];
  const o = f.local("i32"), i = f.local("i32"), j = f.local("i32"), p = f.local("i32");
  const rowBytes = f.local("i32"), base = f.local("i32");
  const v = f.local("v128"), lo = f.local("v128"), hi = f.local("v128");
  f.get(inner).i32(4).mul().set(rowBytes);
  f.forLoop(o, () => f.i32(0), () => f.get(outer), () => f.i32(1), () => {
    f.get(x).get(o).get(size).mul().get(rowBytes).mul().add().set(base);
    f.forLoop(i, () => f.i32(0), () => f.get(rowBytes), () => f.i32(16), () => {
      f.v128f32(0).set(lo).v128f32(0).set(hi);
      f.get(base).get(i).add().set(p);
      f.forLoop(j, () => f.i32(0), () => f.get(size), () => f.i32(1), () => {
        f.get(p).v(SIMD.load, 0, 2).set(v);
        f.get(lo).get(v).v(SIMD.f64x2PromoteLowF32x4).v(SIMD.f64x2Add).set(lo);
        f.get(hi).get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7])
          .v(SIMD.f64x2PromoteLowF32x4).v(SIMD.f64x2Add).set(hi);
        f.get(p).get(rowBytes).add().set(p);
      });
      f.get(out).get(o).get(rowBytes).mul().add().get(i).add();
      f.get(lo).v(SIMD.f32x4DemoteF64x2Zero).get(hi).v(SIMD.f32x4DemoteF64x2Zero)
        .shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
      f.v(SIMD.store, 0, 2);
    });
  });
  return f;
}

/**
 * sgd(p, g, n, negLr): p[i] = fround(p[i] + negLr * g[i]) over n floats rounded up to whole vectors,
 * computed in doubles like src/optim/sgd.ts's plain-SGD loop (the product of two float32 values is
 * exact in a double, so this is the JS expression bit for bit).
 */
function sgdPlain(): Fn {
  const f = new Fn(["i32", "i32", "i32", "f32"]);
  const [p, g, n, negLr] = [0, 1, 2, 3];
  const q = f.local("i32"), end = f.local("i32"), nl = f.local("v128");
  const vp = f.local("v128"), vg = f.local("v128"), lo = f.local("v128");
  const HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
  f.get(negLr).v(SIMD.f32x4Splat).v(SIMD.f64x2PromoteLowF32x4).set(nl);
  f.get(n).i32(4).mul().set(end);
  f.forLoop(q, () => f.i32(0), () => f.get(end), () => f.i32(16), () => {
    f.get(p).get(q).add().v(SIMD.load, 0, 2).set(vp);
    f.get(g).get(q).add().v(SIMD.load, 0, 2).set(vg);
    f.get(vp).v(SIMD.f64x2PromoteLowF32x4).get(vg).v(SIMD.f64x2PromoteLowF32x4).get(nl).v(SIMD.f64x2Mul)
      .v(SIMD.f64x2Add).v(SIMD.f32x4DemoteF64x2Zero).set(lo);
    f.get(p).get(q).add();
    f.get(lo);
    f.get(vp).get(vp).shuffle(HIGH).v(SIMD.f64x2PromoteLowF32x4);
    f.get(vg).get(vg).shuffle(HIGH).v(SIMD.f64x2PromoteLowF32x4).get(nl).v(SIMD.f64x2Mul);
    f.v(SIMD.f64x2Add).v(SIMD.f32x4DemoteF64x2Zero);
    f.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    f.v(SIMD.store, 0, 2);
  });
  return f;
}

export function elementwiseFunctions(): { name: string; fn: Fn }[] {
  const fns = UNARY_OPS.map((op) => ({ name: `u_${op}`, fn: unary(op) }));
  for (const op of BINARY_OPS) for (const mode of BINARY_MODES) fns.push({ name: `b_${op}_${mode}`, fn: binary(op, mode) });
  fns.push({ name: "sum_mid", fn: sumMiddle() });
  fns.push({ name: "sgd", fn: sgdPlain() });
  return fns;
}
