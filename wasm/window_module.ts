/**
 * im2col / col2im and max pooling for float32 (src/backend/js/conv.ts's loops, same layout and results: they only
 * copy, or add one float32 to another, so the bits match). The driver (src/backend/wasm/window.ts)
 * stages one sample and a table of [lo, hi) output-column ranges per kernel column j (the columns
 * whose tap lands inside the row; validRange in the JS loop).
 *
 * Arguments (all i32, byte pointers first): x, cols, table, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW,
 * skip: bytes between the end of one column row (oH*oW floats) and the start of the next, so the
 * columns can be written into (or read from) a wider matrix, e.g. a GEMM operand staged with padding.
 */
import { Fn, SIMD } from "./encoder.ts";

const PARAMS = ["x", "cols", "table", "C", "H", "W", "kH", "kW", "sH", "sW", "pH", "pW", "dH", "dW", "oH", "oW", "skip"] as const;

function windowFn(toCols: boolean): Fn {
  const f = new Fn(PARAMS.map(() => "i32" as const));
  const [x, cols, table, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW, skip] = PARAMS.map((_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const c = f.local("i32"), i = f.local("i32"), j = f.local("i32"), oh = f.local("i32"), ow = f.local("i32");
  const plane = f.local("i32"), lo = f.local("i32"), hi = f.local("i32"), off = f.local("i32"), ih = f.local("i32");
  const row = f.local("i32"), src = f.local("i32"), step = f.local("i32");
  // The columns are walked in order, row after row of oW floats.
  f.get(cols).set(row);
  f.get(sW).i32(4).mul().set(step);
  f.forLoop(c, () => f.i32(0), () => f.get(C), () => f.i32(1), () => {
    f.get(x).get(c).get(H).mul().get(W).mul().i32(4).mul().add().set(plane);
    f.forLoop(i, () => f.i32(0), () => f.get(kH), () => f.i32(1), () => {
      f.forLoop(j, () => f.i32(0), () => f.get(kW), () => f.i32(1), () => {
        f.get(table).get(j).i32(8).mul().add().i32load(0).set(lo);
        f.get(table).get(j).i32(8).mul().add().i32load(4).set(hi);
        f.get(j).get(dW).mul().get(pW).sub().set(off);
        f.forLoop(oh, () => f.i32(0), () => f.get(oH), () => f.i32(1), () => {
          f.get(oh).get(sH).mul().get(pH).sub().get(i).get(dH).mul().add().set(ih);
          // Row outside the input, or no tap inside it.
          f.get(ih).i32(0).ltS().get(ih).get(H).geS().or().get(lo).get(hi).geS().or();
          f.if_();
          if (toCols) f.forLoop(ow, () => f.i32(0), () => f.get(oW), () => f.i32(1), () => f.get(row).get(ow).i32(4).mul().add().f32(0).f32store(0));
          f.else_();
          // src = byte address of x[plane + ih*W + off + lo*sW]
          f.get(plane).get(ih).get(W).mul().get(off).add().get(lo).get(sW).mul().add().i32(4).mul().add().set(src);
          if (toCols) f.forLoop(ow, () => f.i32(0), () => f.get(lo), () => f.i32(1), () => f.get(row).get(ow).i32(4).mul().add().f32(0).f32store(0));
          // Stride 1: the taps of a row are contiguous in x, four at a time; the rest (and other strides) one by one.
          f.get(lo).set(ow);
          f.get(sW).i32(1).sub().eqz().if_();
          f.forLoop(ow, () => f.get(lo), () => f.get(hi).i32(3).sub(), () => f.i32(4), () => {
            if (toCols) f.get(row).get(ow).i32(4).mul().add().get(src).v(SIMD.load, 0, 0).v(SIMD.store, 0, 0);
            else f.get(src).get(src).v(SIMD.load, 0, 0).get(row).get(ow).i32(4).mul().add().v(SIMD.load, 0, 0).v(SIMD.f32x4Add).v(SIMD.store, 0, 0);
            f.get(src).i32(16).add().set(src);
          });
          f.end();
          f.forLoop(ow, () => f.get(ow), () => f.get(hi), () => f.i32(1), () => {
            if (toCols) f.get(row).get(ow).i32(4).mul().add().get(src).f32load(0).f32store(0);
            else f.get(src).get(src).f32load(0).get(row).get(ow).i32(4).mul().add().f32load(0).f32add().f32store(0);
            f.get(src).get(step).add().set(src);
          });
          if (toCols) f.forLoop(ow, () => f.get(hi), () => f.get(oW), () => f.i32(1), () => f.get(row).get(ow).i32(4).mul().add().f32(0).f32store(0));
          f.end();
          f.get(row).get(oW).i32(4).mul().add().set(row);
        });
        f.get(row).get(skip).add().set(row);
      });
    });
  });
  return f;
}


/**
 * max_pool(x, out, indices, rows, colsTable, C, H, W, dH, dW, oH, oW): for each of C planes, each output's
 * maximum over rows [h0, h1) step dH and columns [w0, w1) step dW (from the two range tables, as the
 * JS loop computes them), and its flat index h*W + w as an f64. A tap is taken when it is greater or
 * NaN (so the first maximum and the last NaN win), with selects rather than branches.
 */
function maxPool(): Fn {
  const f = new Fn(Array.from({ length: 12 }, () => "i32" as const));
  const [x, out, indices, rows, colsTable, C, H, W, dH, dW, oH, oW] = Array.from({ length: 12 }, (_, i) => i) as [
    number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  const p = f.local("i32"), oh = f.local("i32"), ow = f.local("i32"), h = f.local("i32"), c = f.local("i32");
  const plane = f.local("i32"), h0 = f.local("i32"), h1 = f.local("i32"), w0 = f.local("i32"), w1 = f.local("i32");
  const k = f.local("i32"), at = f.local("i32"), pos = f.local("i32"), take = f.local("i32");
  const best = f.local("f32"), v = f.local("f32");
  f.i32(0).set(k);
  f.forLoop(p, () => f.i32(0), () => f.get(C), () => f.i32(1), () => {
    f.get(x).get(p).get(H).mul().get(W).mul().i32(4).mul().add().set(plane);
    f.forLoop(oh, () => f.i32(0), () => f.get(oH), () => f.i32(1), () => {
      f.get(rows).get(oh).i32(8).mul().add().i32load(0).set(h0);
      f.get(rows).get(oh).i32(8).mul().add().i32load(4).set(h1);
      f.forLoop(ow, () => f.i32(0), () => f.get(oW), () => f.i32(1), () => {
        f.get(colsTable).get(ow).i32(8).mul().add().i32load(0).set(w0);
        f.get(colsTable).get(ow).i32(8).mul().add().i32load(4).set(w1);
        f.f32(-Infinity).set(best);
        f.get(h0).get(W).mul().get(w0).add().set(at);
        f.forLoop(h, () => f.get(h0), () => f.get(h1), () => f.get(dH), () => {
          f.forLoop(c, () => f.get(w0), () => f.get(w1), () => f.get(dW), () => {
            f.get(h).get(W).mul().get(c).add().set(pos);
            f.get(plane).get(pos).i32(4).mul().add().f32load(0).set(v);
            f.get(v).get(best).f32gt().get(v).get(v).f32ne().or().set(take);
            f.get(v).get(best).get(take).select().set(best);
            f.get(pos).get(at).get(take).select().set(at);
          });
        });
        f.get(out).get(k).i32(4).mul().add().get(best).f32store(0);
        f.get(indices).get(k).i32(8).mul().add().get(at).f64ConvertI32S().f64store(0);
        f.get(k).i32(1).add().set(k);
      });
    });
  });
  return f;
}

/**
 * max_pool_2x2(x, out, indices, C, H, W, oH, oW): max_pool for the common 2x2 window, stride 2, no
 * padding or dilation, every window inside the input: the four taps read by address, no range tables.
 * Same taps in the same order and the same take rule, so the same values and indices.
 */
function maxPool2x2(): Fn {
  const f = new Fn(Array.from({ length: 8 }, () => "i32" as const));
  const [x, out, indices, C, H, W, oH, oW] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  const p = f.local("i32"), oh = f.local("i32"), ow = f.local("i32"), src = f.local("i32"), idx = f.local("i32");
  const o = f.local("i32"), io = f.local("i32"), at = f.local("i32"), take = f.local("i32"), rowBytes = f.local("i32");
  const best = f.local("f32"), v = f.local("f32");
  f.get(out).set(o);
  f.get(indices).set(io);
  f.get(W).i32(4).mul().set(rowBytes);
  /** Tap at byte offset `off` from src, flat index idx + `di`: taken when greater or NaN. */
  const tap = (off: () => void, di: () => void): void => {
    f.get(src);
    off();
    f.add().f32load(0).set(v);
    f.get(v).get(best).f32gt().get(v).get(v).f32ne().or().set(take);
    f.get(v).get(best).get(take).select().set(best);
    f.get(idx);
    di();
    f.add().get(at).get(take).select().set(at);
  };
  f.forLoop(p, () => f.i32(0), () => f.get(C), () => f.i32(1), () => {
    f.forLoop(oh, () => f.i32(0), () => f.get(oH), () => f.i32(1), () => {
      // idx = (2*oh)*W within the plane; src = its byte address
      f.get(oh).i32(2).mul().get(W).mul().set(idx);
      f.get(x).get(p).get(H).mul().get(W).mul().get(idx).add().i32(4).mul().add().set(src);
      f.forLoop(ow, () => f.i32(0), () => f.get(oW), () => f.i32(1), () => {
        f.get(src).f32load(0).set(best);
        f.get(idx).set(at);
        tap(() => f.i32(4), () => f.i32(1));
        tap(() => f.get(rowBytes), () => f.get(W));
        tap(() => f.get(rowBytes).i32(4).add(), () => f.get(W).i32(1).add());
        f.get(o).get(best).f32store(0);
        f.get(io).get(at).f64ConvertI32S().f64store(0);
        f.get(o).i32(4).add().set(o);
        f.get(io).i32(8).add().set(io);
        f.get(src).i32(8).add().set(src);
        f.get(idx).i32(2).add().set(idx);
      });
    });
  });
  return f;
}

/**
 * max_pool_2x2v(x, out, indices, C, H, W, oH, oW): max_pool_2x2 four outputs at a time (oW a multiple
 * of 4): the taps of four windows deinterleaved from two vectors of each input row, the same taps in
 * the same order and the same take rule (greater, or NaN) as lane-wise selects, so the same values and
 * indices.
 */
function maxPool2x2Simd(): Fn {
  const f = new Fn(Array.from({ length: 8 }, () => "i32" as const));
  const [x, out, indices, C, H, W, oH, oW] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
  const p = f.local("i32"), oh = f.local("i32"), q = f.local("i32"), src = f.local("i32"), o = f.local("i32"), io = f.local("i32");
  const rowBytes = f.local("i32"), base = f.local("i32");
  const [a0, a1, b0, b1, best, at, t, i0, take, wv] = Array.from({ length: 10 }, () => f.local("v128"));
  const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27], ODD = EVEN.map((b) => b + 4);
  f.get(out).set(o);
  f.get(indices).set(io);
  f.get(W).i32(4).mul().set(rowBytes);
  f.get(W).v(SIMD.i32x4Splat).set(wv);
  /** Tap vector t with indices i0 + `di` (pushed by di()): taken where greater or NaN. */
  const tap = (di: () => void): void => {
    f.get(t).get(best).v(SIMD.f32x4Gt).get(t).get(t).v(SIMD.f32x4Ne).v(SIMD.v128Or).set(take);
    f.get(t).get(best).get(take).v(SIMD.v128Bitselect).set(best);
    f.get(i0);
    di();
    f.v(SIMD.i32x4Add).get(at).get(take).v(SIMD.v128Bitselect).set(at);
  };
  f.forLoop(p, () => f.i32(0), () => f.get(C), () => f.i32(1), () => {
    f.forLoop(oh, () => f.i32(0), () => f.get(oH), () => f.i32(1), () => {
      f.get(oh).i32(2).mul().get(W).mul().set(base);
      f.get(x).get(p).get(H).mul().get(W).mul().get(base).add().i32(4).mul().add().set(src);
      f.forLoop(q, () => f.i32(0), () => f.get(oW), () => f.i32(4), () => {
        f.get(src).v(SIMD.load, 0, 2).set(a0);
        f.get(src).v(SIMD.load, 16, 2).set(a1);
        f.get(src).get(rowBytes).add().v(SIMD.load, 0, 2).set(b0);
        f.get(src).get(rowBytes).add().v(SIMD.load, 16, 2).set(b1);
        // Flat indices of the first taps: base + 2 * (q + lane).
        f.get(base).get(q).i32(2).mul().add().v(SIMD.i32x4Splat).v128i32([0, 2, 4, 6]).v(SIMD.i32x4Add).tee(i0).set(at);
        f.get(a0).get(a1).shuffle(EVEN).set(best);
        f.get(a0).get(a1).shuffle(ODD).set(t);
        tap(() => f.v128i32([1, 1, 1, 1]));
        f.get(b0).get(b1).shuffle(EVEN).set(t);
        tap(() => f.get(wv));
        f.get(b0).get(b1).shuffle(ODD).set(t);
        tap(() => f.get(wv).v128i32([1, 1, 1, 1]).v(SIMD.i32x4Add));
        f.get(o).get(best).v(SIMD.store, 0, 2);
        f.get(io).get(at).v(SIMD.f64x2ConvertLowI32x4S).v(SIMD.store, 0, 3);
        f.get(io).get(at).get(at).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).v(SIMD.f64x2ConvertLowI32x4S).v(SIMD.store, 16, 3);
        f.get(o).i32(16).add().set(o);
        f.get(io).i32(32).add().set(io);
        f.get(src).i32(32).add().set(src);
      });
    });
  });
  return f;
}

/**
 * bias_sums(src, out, planes, H, W): out[p] = the sum of plane p ([H x W] floats), as the reduction of
 * a conv's bias gradient (sum over dims 3, then 2) runs on the JS backend: each row summed in a double
 * from 0 and rounded to float32, then those in a double in row order, rounded. Same bits. Four rows
 * are summed side by side (four independent chains: the adds' latency, not their count, bounds one).
 */
function biasSums(): Fn {
  const f = new Fn(Array.from({ length: 5 }, () => "i32" as const));
  const [src, out, planes, H, W] = [0, 1, 2, 3, 4] as const;
  const p = f.local("i32"), h = f.local("i32"), w = f.local("i32"), at = f.local("i32"), rowBytes = f.local("i32");
  const step = f.local("i32"), plane = f.local("f64");
  const acc = Array.from({ length: 4 }, () => f.local("f64"));
  /** Sums `n` rows from byte `at` on, then adds each (rounded to float32) to the plane's sum, in order. */
  const rows = (n: number): void => {
    for (let i = 0; i < n; i++) f.f64zero().set(acc[i]!);
    f.forLoop(w, () => f.i32(0), () => f.get(rowBytes), () => f.i32(4), () => {
      for (let i = 0; i < n; i++) {
        f.get(acc[i]!).get(at).get(w).add();
        if (i > 0) f.get(rowBytes).i32(i).mul().add();
        f.f32load(0).f64PromoteF32().f64add().set(acc[i]!);
      }
    });
    for (let i = 0; i < n; i++) f.get(plane).get(acc[i]!).f32DemoteF64().f64PromoteF32().f64add().set(plane);
    f.get(at).get(rowBytes).i32(n).mul().add().set(at);
  };
  f.get(W).i32(4).mul().set(rowBytes);
  f.get(src).set(at);
  f.forLoop(p, () => f.i32(0), () => f.get(planes), () => f.i32(1), () => {
    f.f64zero().set(plane);
    f.get(H).i32(-4).and().set(step);
    f.forLoop(h, () => f.i32(0), () => f.get(step), () => f.i32(4), () => rows(4));
    f.forLoop(h, () => f.get(step), () => f.get(H), () => f.i32(1), () => rows(1));
    f.get(out).get(p).i32(4).mul().add().get(plane).f32DemoteF64().f32store(0);
  });
  return f;
}

/**
 * fill_rows(dst, ld, values, rows, bytes): row r (at dst + r * ld bytes) set to `bytes` bytes of
 * float32 values[r] (a conv's bias, before its GEMM accumulates onto it); exactly, no spill.
 */
function fillRows(): Fn {
  const f = new Fn(Array.from({ length: 5 }, () => "i32" as const));
  const [dst, ld, values, rows, bytes] = [0, 1, 2, 3, 4] as const;
  const r = f.local("i32"), q = f.local("i32"), row = f.local("i32"), whole = f.local("i32"), v = f.local("v128");
  f.get(bytes).i32(-16).and().set(whole);
  f.forLoop(r, () => f.i32(0), () => f.get(rows), () => f.i32(1), () => {
    f.get(dst).get(r).get(ld).mul().add().set(row);
    f.get(values).get(r).i32(4).mul().add().v(SIMD.load32Splat, 0, 2).set(v);
    f.forLoop(q, () => f.i32(0), () => f.get(whole), () => f.i32(16), () => f.get(row).get(q).add().get(v).v(SIMD.store, 0, 2));
    f.forLoop(q, () => f.get(whole), () => f.get(bytes), () => f.i32(4), () => {
      f.get(row).get(q).add().get(values).get(r).i32(4).mul().add().f32load(0).f32store(0);
    });
  });
  return f;
}

/**
 * copy_rows(dst, dLd, src, sLd, rows, bytes): `rows` rows of `bytes` bytes each, row r from
 * src + r * sLd to dst + r * dLd (all in bytes): a conv pass's blocks between a sample's layout and a
 * GEMM's padded operand, exactly, since neighbouring blocks may belong to another thread.
 */
function copyRows(): Fn {
  const f = new Fn(Array.from({ length: 6 }, () => "i32" as const));
  const [dst, dLd, src, sLd, rows, bytes] = [0, 1, 2, 3, 4, 5] as const;
  const r = f.local("i32");
  f.forLoop(r, () => f.i32(0), () => f.get(rows), () => f.i32(1), () => {
    f.get(dst).get(r).get(dLd).mul().add().get(src).get(r).get(sLd).mul().add().get(bytes).memCopy();
  });
  return f;
}

/**
 * relu(dst, bytes): max(y, 0) over `bytes` bytes of float32 in place (a conv pass's output, fused with
 * a ReLU); wasm's max as the elementwise relu uses it: NaN stays NaN, -0 gives +0. `two` pushes the
 * address twice: the store's, then the load's.
 */
function relu(): Fn {
  const f = new Fn(["i32", "i32"]);
  const q = f.local("i32"), whole = f.local("i32"), two = (): Fn => f.get(0).get(q).add().get(0).get(q).add();
  f.get(1).i32(-16).and().set(whole);
  f.forLoop(q, () => f.i32(0), () => f.get(whole), () => f.i32(16), () => two().v(SIMD.load, 0, 2).v128f32(0).v(SIMD.f32x4Max).v(SIMD.store, 0, 2));
  f.forLoop(q, () => f.get(whole), () => f.get(1), () => f.i32(4), () => two().f32load(0).f32(0).f32max().f32store(0));
  return f;
}

export function windowFunctions(): { name: string; fn: Fn }[] {
  return [{ name: "copy_rows", fn: copyRows() }, { name: "max_pool_2x2v", fn: maxPool2x2Simd() }, { name: "bias_sums", fn: biasSums() },
    { name: "fill_rows", fn: fillRows() }, { name: "im2col", fn: windowFn(true) }, { name: "col2im", fn: windowFn(false) }, { name: "max_pool", fn: maxPool() }, { name: "max_pool_2x2", fn: maxPool2x2() },
    { name: "relu", fn: relu() }];
}
