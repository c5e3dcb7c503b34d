/**
 * Generates the GEMM WebAssembly module: a register-tiled micro-kernel swept over packed panels
 * (`macro`) and the packing routines that build those panels from row-major staging buffers.
 *
 * Layout contract with the JS driver (src/backend/wasm/gemm.ts), all pointers are byte offsets:
 * - packed A: for each MR-row tile, kc groups of MR floats (column k of the tile), contiguous.
 * - packed B: for each NR-column tile, kc groups of NR floats (row k of the tile), contiguous.
 * - C: a row-major buffer whose rows and columns are padded to whole tiles, so the kernel never
 *   handles edges; the driver copies only the valid part back out.
 */
import { Fn, SIMD, encodeModule, type Memory } from "./encoder.ts";
import { elementwiseFunctions } from "./elementwise_module.ts";
import { windowFunctions } from "./window_module.ts";

export interface KernelShape {
  MR: number;
  NR: number;
  relaxed: boolean;
}

/**
 * 4x8 is the largest tile V8 (11.x, x64) keeps in registers: its scheduler hoists the MR broadcasts
 * above the FMAs, so MR*NR/4 accumulators + NR/4 B vectors + MR broadcasts must fit in xmm0-14;
 * 5x8 and 6x8 spill and run at half speed. V8 unrolls the k loop by itself; unrolling it here was slower.
 */
export const DEFAULT_SHAPE: Omit<KernelShape, "relaxed"> = { MR: 4, NR: 8 };

/**
 * macro(pA, aK, aT, pB, bK, bT, pC, mTiles, nTiles, kc, ldc, alpha, beta, load):
 * C tile = alpha * (A tile @ B tile) + (load ? beta * C tile : 0), for every tile pair.
 * Tile `it` of A starts at pA + it*aT and its column k at + k*aK (packed: aK = MR*4, aT = kc*MR*4;
 * read in place from a staged K x M matrix: aK = its row stride, aT = MR*4); likewise for B.
 */
function macroKernel(s: KernelShape): Fn {
  const { MR, NR } = s;
  const NV = NR / 4;
  const f = new Fn(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "f32", "f32", "i32"]);
  const [pA, aK, aT, pB, bK, bT, pC, mTiles, nTiles, kc, ldc, alpha, beta, load] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const jt = f.local("i32"), it = f.local("i32"), a = f.local("i32"), b = f.local("i32");
  const cCol = f.local("i32"), c = f.local("i32"), k = f.local("i32"), bTile = f.local("i32");
  const vAlpha = f.local("v128"), vBeta = f.local("v128");
  const acc: number[][] = [];
  for (let r = 0; r < MR; r++) acc.push(Array.from({ length: NV }, () => f.local("v128")));
  const bv = Array.from({ length: NV }, () => f.local("v128"));
  const av = f.local("v128");

  f.get(alpha).v(SIMD.f32x4Splat).set(vAlpha);
  f.get(beta).v(SIMD.f32x4Splat).set(vBeta);

  f.forLoop(jt, () => f.i32(0), () => f.get(nTiles), () => f.i32(1), () => {
    f.get(pB).get(jt).get(bT).mul().add().set(bTile);
    f.get(pC).get(jt).i32(NR * 4).mul().add().set(cCol);
    f.forLoop(it, () => f.i32(0), () => f.get(mTiles), () => f.i32(1), () => {
      f.get(pA).get(it).get(aT).mul().add().set(a);
      f.get(bTile).set(b);
      for (const row of acc) for (const x of row) f.f32(0).v(SIMD.f32x4Splat).set(x);
      f.forLoop(k, () => f.i32(0), () => f.get(kc), () => f.i32(1), () => {
        for (let v = 0; v < NV; v++) f.get(b).v(SIMD.load, v * 16, 2).set(bv[v]!);
        for (let r = 0; r < MR; r++) {
          f.get(a).v(SIMD.load32Splat, r * 4, 2).set(av);
          for (let v = 0; v < NV; v++) {
            if (s.relaxed) f.get(av).get(bv[v]!).get(acc[r]![v]!).v(SIMD.f32x4RelaxedMadd).set(acc[r]![v]!);
            else f.get(acc[r]![v]!).get(av).get(bv[v]!).v(SIMD.f32x4Mul).v(SIMD.f32x4Add).set(acc[r]![v]!);
          }
        }
        f.get(a).get(aK).add().set(a);
        f.get(b).get(bK).add().set(b);
      });
      f.get(cCol).get(it).i32(MR).mul().get(ldc).mul().add().set(c);
      f.get(load).if_();
      for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) {
        f.get(c).get(acc[r]![v]!).get(vAlpha).v(SIMD.f32x4Mul);
        f.get(c).v(SIMD.load, v * 16, 2).get(vBeta).v(SIMD.f32x4Mul).v(SIMD.f32x4Add).v(SIMD.store, v * 16, 2);
        if (v === NV - 1 && r < MR - 1) f.get(c).get(ldc).add().set(c);
      }
      f.else_();
      for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) {
        f.get(c).get(acc[r]![v]!).get(vAlpha).v(SIMD.f32x4Mul).v(SIMD.store, v * 16, 2);
        if (v === NV - 1 && r < MR - 1) f.get(c).get(ldc).add().set(c);
      }
      f.end();
    });
  });
  return f;
}

/**
 * pack<W>N(src, ld, k0, kc, t0, nt, dst): the staged matrix holds row k of op(X) contiguously
 * (ld bytes apart), so each tile row is W consecutive floats: a straight SIMD copy.
 */
function packContiguous(W: number): Fn {
  const f = new Fn(["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [src, ld, k0, kc, t0, nt, dst] = [0, 1, 2, 3, 4, 5, 6];
  const t = f.local("i32"), k = f.local("i32"), p = f.local("i32");
  f.forLoop(t, () => f.i32(0), () => f.get(nt), () => f.i32(1), () => {
    f.get(src).get(k0).get(ld).mul().add().get(t0).get(t).add().i32(W * 4).mul().add().set(p);
    f.forLoop(k, () => f.i32(0), () => f.get(kc), () => f.i32(1), () => {
      for (let v = 0; v < W / 4; v++) f.get(dst).get(p).v(SIMD.load, v * 16, 2).v(SIMD.store, v * 16, 2);
      f.get(p).get(ld).add().set(p);
      f.get(dst).i32(W * 4).add().set(dst);
    });
  });
  return f;
}

/**
 * pack<W>T(src, ld, k0, kc, t0, nt, dst): the staged matrix holds column k of op(X) contiguously,
 * i.e. row r of the tile is a stored row, so a tile row gathers one float from each of W rows.
 */
function packStrided(W: number): Fn {
  const f = new Fn(["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [src, ld, k0, kc, t0, nt, dst] = [0, 1, 2, 3, 4, 5, 6];
  const t = f.local("i32"), k = f.local("i32"), p = f.local("i32");
  f.forLoop(t, () => f.i32(0), () => f.get(nt), () => f.i32(1), () => {
    f.get(src).get(k0).i32(4).mul().add().get(t0).get(t).add().i32(W).mul().get(ld).mul().add().set(p);
    f.forLoop(k, () => f.i32(0), () => f.get(kc), () => f.i32(1), () => {
      for (let w = 0; w < W; w++) {
        f.get(dst).get(p);
        if (w > 0) f.get(ld).i32(w).mul().add();
        f.f32load().f32store(w * 4);
      }
      f.get(p).i32(4).add().set(p);
      f.get(dst).i32(W * 4).add().set(dst);
    });
  });
  return f;
}

const FN = { macro: 0, packAN: 1, packAT: 2, packBN: 3, packBT: 4, gemm: 5 } as const;

/** Pushes min(a, b) of two locals. */
function min(f: Fn, a: () => void, b: () => void): void {
  a(); b(); a(); b();
  f.ltS().select();
}

/**
 * gemm(aRaw, aLd, aTrans, bRaw, bLd, bTrans, C, ldc, K, mt0, mt1, nt0, nt1, packA, packB,
 *      alpha, beta, loadC, KC, MCt, NCt, direct):
 * the blocked loop nest (B panel kc x NC, A block MC x kc) over C tiles [mt0, mt1) x [nt0, nt1).
 * `aTrans` means the staged A holds op(A) column-wise rows (stored K x M), likewise for B.
 * `direct` bit 0 (with aTrans) / bit 1 (without bTrans): the kernel reads that operand in place instead
 * of packing it, which pays when it is reused by few tiles of the other operand.
 * `direct` bit 2 / bit 3: A / B is already packed whole (by packA?/packB? over all its tiles, k block pc
 * at aRaw + pc * aLd), so that threads splitting the other dimension do not each pack it again.
 * Threads run it on disjoint tile ranges with their own pack buffers.
 */
function driver(s: KernelShape): Fn {
  const { MR, NR } = s;
  const f = new Fn(["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32",
    "i32", "i32", "f32", "f32", "i32", "i32", "i32", "i32", "i32"]);
  const [aRaw, aLd, aTrans, bRaw, bLd, bTrans, C, ldc, K, mt0, mt1, nt0, nt1, packA, packB] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  const [alpha, beta, loadC, KC, MCt, NCt, direct] = [15, 16, 17, 18, 19, 20, 21];
  const jc = f.local("i32"), pc = f.local("i32"), ic = f.local("i32");
  const nt = f.local("i32"), kc = f.local("i32"), mt = f.local("i32");
  const aBase = f.local("i32"), aK = f.local("i32"), aT = f.local("i32");
  const bBase = f.local("i32"), bK = f.local("i32"), bT = f.local("i32");
  f.forLoop(jc, () => f.get(nt0), () => f.get(nt1), () => f.get(NCt), () => {
    min(f, () => f.get(NCt), () => f.get(nt1).get(jc).sub());
    f.set(nt);
    f.forLoop(pc, () => f.i32(0), () => f.get(K), () => f.get(KC), () => {
      min(f, () => f.get(KC), () => f.get(K).get(pc).sub());
      f.set(kc);
      f.get(direct).i32(2).and().if_();
      f.get(bRaw).get(pc).get(bLd).mul().add().get(jc).i32(NR * 4).mul().add().set(bBase);
      f.get(bLd).set(bK).i32(NR * 4).set(bT);
      f.else_();
      f.get(direct).i32(8).and().if_();
      // Packed once for all threads: k block pc starts at pc * bLd, its tile jc at jc * kc * NR floats.
      f.get(bRaw).get(pc).get(bLd).mul().add().get(jc).get(kc).mul().i32(NR * 4).mul().add().set(bBase);
      f.else_();
      const bArgs = (): Fn => f.get(bRaw).get(bLd).get(pc).get(kc).get(jc).get(nt).get(packB);
      f.get(bTrans).if_();
      bArgs().call(FN.packBT).else_();
      bArgs().call(FN.packBN).end();
      f.get(packB).set(bBase);
      f.end();
      f.i32(NR * 4).set(bK).get(kc).i32(NR * 4).mul().set(bT);
      f.end();
      f.forLoop(ic, () => f.get(mt0), () => f.get(mt1), () => f.get(MCt), () => {
        min(f, () => f.get(MCt), () => f.get(mt1).get(ic).sub());
        f.set(mt);
        f.get(direct).i32(1).and().if_();
        f.get(aRaw).get(pc).get(aLd).mul().add().get(ic).i32(MR * 4).mul().add().set(aBase);
        f.get(aLd).set(aK).i32(MR * 4).set(aT);
        f.else_();
        f.get(direct).i32(4).and().if_();
        f.get(aRaw).get(pc).get(aLd).mul().add().get(ic).get(kc).mul().i32(MR * 4).mul().add().set(aBase);
        f.else_();
        const aArgs = (): Fn => f.get(aRaw).get(aLd).get(pc).get(kc).get(ic).get(mt).get(packA);
        f.get(aTrans).if_();
        aArgs().call(FN.packAN).else_();
        aArgs().call(FN.packAT).end();
        f.get(packA).set(aBase);
        f.end();
        f.i32(MR * 4).set(aK).get(kc).i32(MR * 4).mul().set(aT);
        f.end();
        f.get(aBase).get(aK).get(aT).get(bBase).get(bK).get(bT);
        f.get(C).get(ic).i32(MR).mul().get(ldc).mul().add().get(jc).i32(NR * 4).mul().add();
        f.get(mt).get(nt).get(kc).get(ldc).get(alpha);
        // After the first k block, C already holds the partial sum: accumulate with beta 1.
        f.get(beta).f32(1).get(pc).eqz().select();
        f.get(loadC).get(pc).or();
        f.call(FN.macro);
      });
    });
  });
  return f;
}

export function buildGemmModule(shape: KernelShape, mem: Memory): Uint8Array {
  const { MR, NR } = shape;
  return encodeModule(mem, [
    { name: "macro", fn: macroKernel(shape) },
    { name: "packAN", fn: packContiguous(MR) },
    { name: "packAT", fn: packStrided(MR) },
    { name: "packBN", fn: packContiguous(NR) },
    { name: "packBT", fn: packStrided(NR) },
    { name: "gemm", fn: driver(shape) },
    // After the GEMM functions, whose indices FN fixes.
    ...elementwiseFunctions(),
    ...windowFunctions(),
  ]);
}
