/**
 * im2col / col2im for float32 (src/backend/js/conv.ts's loops, same layout and results: they only
 * copy, or add one float32 to another, so the bits match). The driver (src/backend/wasm/window.ts)
 * stages one sample and a table of [lo, hi) output-column ranges per kernel column j (the columns
 * whose tap lands inside the row; validRange in the JS loop).
 *
 * Arguments (all i32, byte pointers first): x, cols, table, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW.
 */
import { Fn } from "./encoder.ts";

const PARAMS = ["x", "cols", "table", "C", "H", "W", "kH", "kW", "sH", "sW", "pH", "pW", "dH", "dW", "oH", "oW"] as const;

function windowFn(toCols: boolean): Fn {
  const f = new Fn(PARAMS.map(() => "i32" as const));
  const [x, cols, table, C, H, W, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW] = PARAMS.map((_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number,
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
          if (toCols) {
            f.forLoop(ow, () => f.i32(0), () => f.get(lo), () => f.i32(1), () => f.get(row).get(ow).i32(4).mul().add().f32(0).f32store(0));
            f.forLoop(ow, () => f.get(lo), () => f.get(hi), () => f.i32(1), () => {
              f.get(row).get(ow).i32(4).mul().add().get(src).f32load(0).f32store(0);
              f.get(src).get(step).add().set(src);
            });
            f.forLoop(ow, () => f.get(hi), () => f.get(oW), () => f.i32(1), () => f.get(row).get(ow).i32(4).mul().add().f32(0).f32store(0));
          } else {
            f.forLoop(ow, () => f.get(lo), () => f.get(hi), () => f.i32(1), () => {
              f.get(src).get(src).f32load(0).get(row).get(ow).i32(4).mul().add().f32load(0).f32add().f32store(0);
              f.get(src).get(step).add().set(src);
            });
          }
          f.end();
          f.get(row).get(oW).i32(4).mul().add().set(row);
        });
      });
    });
  });
  return f;
}

export function windowFunctions(): { name: string; fn: Fn }[] {
  return [{ name: "im2col", fn: windowFn(true) }, { name: "col2im", fn: windowFn(false) }];
}
