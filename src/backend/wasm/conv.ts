/**
 * The wasm backend's optional kernel "convPasses" (src/backend/conv_passes.ts): src/ops/conv.ts's
 * im2col + GEMM steps as one job of per-sample tasks over the worker threads, as PyTorch does on
 * native: the batch is staged into linear memory once, then each task runs im2col, its own
 * single-thread GEMM and col2im for a few samples (columns and products never leave linear memory),
 * so the second thread shares the whole pass rather than only the GEMM. Samples whose columns are
 * small go side by side into one GEMM ([O x K] x [K x S*L]); a product whose rows are whole register
 * tiles is written straight into the staged output.
 *
 * float32 only. The forward and the input gradient do the same multiply-adds in the same order as
 * the per-sample loop on this backend (bit-identical, at any thread count: the k blocking depends on
 * K alone); the weight gradient sums each of a fixed number of sample ranges into its own partial,
 * then the partials in order: within float32 rounding of the loop, the same bits at any thread count.
 * Should linear memory not grow for the staging, the pass is declined and the loop runs.
 */
import type { Window2d } from "../backend.ts";
import type { ConvDims, ConvPasses } from "../conv_passes.ts";
import { TILE } from "./gemm_assets.ts";
import { BLOCKING, type GemmContext, align, runJob } from "./gemm.ts";
import { Job } from "./threads.ts";
import { writeRanges } from "./window.ts";

type F = Float32Array | Float64Array;
const { MR, NR } = TILE;

/** Column floats per GEMM (1 MB): samples side by side up to this many (at least one). */
const CHUNK_FLOATS = 1 << 18;
/** Below this many column floats per sample the loop's copies cost little: declined. */
const MIN_COLS = 4096;
/** Sample ranges (partial sums) of the weight gradient per group: fixed, so the bits do not depend on the threads. */
const WEIGHT_PARTS = 8;

const up = (x: number, m: number): number => Math.ceil(x / m) * m;
/** A row stride that is a multiple of 256 bytes maps a micro-panel onto few L1 sets: skew it (as gemm.ts). */
const skew = (n: number): number => (n % 64 === 0 ? n + 8 : n);

export function wasmConvPasses(ctx: GemmContext, prepare: (macs: number) => void): ConvPasses {
  const { rt } = ctx;
  const id = rt.id;

  /** Whether this backend takes the call: float32 arrays and enough columns per sample to matter. */
  const takes = (arrays: F[], win: Window2d): boolean =>
    arrays.every((a) => a instanceof Float32Array) && win.C * win.kH * win.kW * win.oH * win.oW >= MIN_COLS && id["copy_rows"] !== undefined;

  /**
   * The pass's frame: sizes, the memory plan (`take` hands out staging areas from byte 64 on, the
   * range table first), the threads, and `run`, which reserves the staging plus `scratch` bytes per
   * thread and runs the job (false, having written nothing, when memory cannot grow).
   */
  const frame = (win: Window2d, dims: ConvDims) => {
    const K = win.C * win.kH * win.kW, L = win.oH * win.oW, Og = dims.O / dims.G, plane = win.C * win.H * win.W;
    prepare(Og * L * K * dims.N * dims.G);
    const threads = ctx.pool ? Math.min(ctx.threads, 1 + ctx.pool.readyCount()) : 1;
    let at = 64;
    const take = (floats: number): number => {
      const p = at;
      at += align(4 * floats + 64);
      return p;
    };
    const table = take(2 * win.kW);
    const winArgs = [win.C, win.H, win.W, win.kH, win.kW, win.sH, win.sW, win.pH, win.pW, win.dH, win.dW, win.oH, win.oW];
    return {
      K, L, Og, plane, threads, take, table, winArgs,
      xOff: (n: number, g: number) => 4 * (n * dims.G + g) * plane,
      yOff: (n: number, g: number) => 4 * (n * dims.O + g * Og) * L,
      reserve: (scratch: number): number[] | null => {
        const base = align(at), bases = Array.from({ length: threads }, (_, t) => base + t * align(scratch));
        if (!rt.reserve(base + threads * align(scratch))) return null;
        writeRanges(rt, table, win);
        return bases;
      },
    };
  };

  /** The GEMM driver's arguments (wasm/gemm_module.ts); lds in floats, the packs at 0 and packA bytes of the thread's scratch. */
  const gemm = (a: number, aLd: number, aT: boolean, b: number, bLd: number, bT: boolean, c: number, ldc: number,
    M: number, N: number, K: number, beta: number, direct: number, packs: number): number[] => {
    const kc = Math.ceil(K / Math.ceil(K / BLOCKING.KC));
    return [a, 4 * aLd, aT ? 1 : 0, b, 4 * bLd, bT ? 1 : 0, c, 4 * ldc, K, 0, Math.ceil(M / MR), 0, Math.ceil(N / NR),
      packs, packs + packBytes(Math.min(BLOCKING.MC, up(M, MR)), K), 1, beta, beta, kc, BLOCKING.MC / MR, BLOCKING.NC / NR, direct];
  };
  const packBytes = (rows: number, K: number): number => align(4 * rows * Math.ceil(K / Math.ceil(K / BLOCKING.KC)));
  const GEMM_REL_PACKS = 3 << 13;

  /**
   * Stages A for every group, then packs it whole (direct bit 4): group g's `rows` x `cols` block of
   * `w` (at g * rows * cols) copied with row stride `ld`, and its packed tiles at the returned offset
   * + g * `groupBytes`. `trans`: the stored rows are the GEMM's K (the input gradient's W^T).
   */
  const prepackA = (w: Float32Array, G: number, rows: number, cols: number, ld: number, trans: boolean,
    stage: number, packed: number, groupBytes: number, M: number, K: number): void => {
    const f = rt.f32(), kc = Math.ceil(K / Math.ceil(K / BLOCKING.KC)), mT = Math.ceil(M / MR);
    const pack = rt.exports[trans ? "packAN" : "packAT"]!;
    for (let g = 0; g < G; g++) {
      f.fill(0, stage / 4, stage / 4 + ld * (rows + MR));
      for (let r = 0; r < rows; r++) f.set(w.subarray((g * rows + r) * cols, (g * rows + r + 1) * cols), stage / 4 + r * ld);
      const dst = packed + g * groupBytes;
      for (let pc = 0; pc < K; pc += kc) pack(stage, 4 * ld, pc, Math.min(kc, K - pc), 0, mT, dst + pc * mT * MR * 4);
    }
  };

  /** Samples per task: side by side up to ~CHUNK_FLOATS of columns, and enough tasks to share. */
  const perTask = (K: number, L: number, N: number, threads: number): number =>
    Math.max(1, Math.min(Math.floor(CHUNK_FLOATS / (K * L)), Math.ceil(N / (4 * threads))));

  const passes: ConvPasses = {
    fusesRelu: true,
    forward: (x, w, y, win, dims, beta, relu = false) => forward(x, w, null, y, win, dims, beta, relu),
    forwardBias: (x, w, bias, y, win, dims, relu = false) => forward(x, w, bias, y, win, dims, 1, relu),

    backwardInput(gy, w, gx, win, dims) {
      if (!takes([gy, w, gx], win)) return false;
      const fr = frame(win, dims);
      const { K, L, Og, threads, take } = fr;
      // C [K x S*L] = W_g^T [K x Og] . G [Og x S*L]
      const S = perTask(K, L, dims.N, threads), Np = up(S * L, NR), Mp = up(K, MR);
      const bDirect = K <= BLOCKING.DIRECT, inPlace = S === 1 && Np === L, bLd = inPlace ? L : bDirect ? skew(Np) : Np;
      const nx = dims.N * dims.G * fr.plane, ny = dims.N * dims.O * L;
      const gs = take(ny), gxs = take(nx), ws = take(Mp * (Og + MR)), apk = take(dims.G * Mp * Og);
      const bBytes = inPlace ? 0 : align(4 * Og * bLd), packs = bBytes + align(4 * Mp * Np);
      const bases = fr.reserve(packs + packBytes(Math.min(BLOCKING.MC, Mp), Og) + packBytes(Math.min(BLOCKING.NC, Np), Og));
      if (!bases) return false;
      prepackA(w as Float32Array, dims.G, Og, K, Mp, true, ws, apk, 4 * Mp * Og, K, Og);
      const f = rt.f32();
      f.set(gy.subarray(0, ny), gs / 4);
      f.fill(0, gxs / 4, gxs / 4 + nx);
      const job = new Job(), B = 0, C = bBytes;
      for (let g = 0; g < dims.G; g++) {
        for (let n0 = 0; n0 < dims.N; n0 += S) {
          const s1 = Math.min(S, dims.N - n0);
          if (!inPlace) {
            for (let s = 0; s < s1; s++) job.call(id["copy_rows"]!, [B + 4 * s * L, 4 * bLd, gs + fr.yOff(n0 + s, g), 4 * L, Og, 4 * L], 1);
          }
          job.call(id["gemm"]!, gemm(apk + g * 4 * Mp * Og, Mp, true, inPlace ? gs + fr.yOff(n0, g) : B, bLd, false, C, Np, K, s1 * L, Og, 0,
            4 | (bDirect ? 2 : 0), packs), (inPlace ? 0 : 1 << 3) | (1 << 6) | GEMM_REL_PACKS);
          for (let s = 0; s < s1; s++) job.call(id["col2im"]!, [gxs + fr.xOff(n0 + s, g), C + 4 * s * L, fr.table, ...fr.winArgs, 4 * (Np - L)], 2);
          job.end();
        }
      }
      runJob(ctx, job, bases);
      gx.set(rt.f32().subarray(gxs / 4, gxs / 4 + nx));
      return true;
    },

    backwardWeight: (gy, x, gw, win, dims) => weight(gy, x, gw, null, win, dims),
    backwardWeightBias: (gy, x, gw, gb, win, dims) => weight(gy, x, gw, gb, win, dims),
  };
  return passes;

  /**
   * The forward pass; with `bias`, y = bias + the convolution, the bias written into each task's product
   * before its GEMM (beta 1). With `relu`, each task rectifies its samples' outputs once they are in the
   * staged output, still in its cache.
   */
  function forward(x: F, w: F, bias: F | null, y: F, win: Window2d, dims: ConvDims, beta: 0 | 1, relu: boolean): boolean {
    if (!takes(bias ? [x, w, y, bias] : [x, w, y], win)) return false;
    const fr = frame(win, dims);
    const { K, L, Og, threads, take } = fr;
    const S = perTask(K, L, dims.N, threads), Np = up(S * L, NR), Mp = up(Og, MR);
    const inPlace = S === 1 && Np === L && Mp === Og, bDirect = Og <= BLOCKING.DIRECT, bLd = bDirect ? skew(Np) : Np;
    const nx = dims.N * dims.G * fr.plane, ny = dims.N * dims.O * L;
    const xs = take(nx), ys = take(ny), ws = take(K * (Og + MR)), apk = take(dims.G * Mp * K), bs = take(dims.O);
    const cBytes = inPlace ? 0 : align(4 * Mp * Np), packs = align(4 * K * bLd) + cBytes;
    const bases = fr.reserve(packs + packBytes(Math.min(BLOCKING.MC, Mp), K) + packBytes(Math.min(BLOCKING.NC, Np), K));
    if (!bases) return false;
    prepackA(w as Float32Array, dims.G, Og, K, K, false, ws, apk, 4 * Mp * K, Og, K);
    const f = rt.f32();
    f.set(x.subarray(0, nx), xs / 4);
    if (bias) f.set(bias.subarray(0, dims.O), bs / 4);
    else if (beta) f.set(y.subarray(0, ny), ys / 4);
    const job = new Job(), B = 0, C = align(4 * K * bLd);
    for (let g = 0; g < dims.G; g++) {
      for (let n0 = 0; n0 < dims.N; n0 += S) {
        const s1 = Math.min(S, dims.N - n0);
        for (let s = 0; s < s1; s++) job.call(id["im2col"]!, [xs + fr.xOff(n0 + s, g), B + 4 * s * L, fr.table, ...fr.winArgs, 4 * (bLd - L)], 2);
        const copyC = (into: boolean): void => {
          for (let s = 0; s < s1; s++) {
            const yp = ys + fr.yOff(n0 + s, g), cp = C + 4 * s * L;
            job.call(id["copy_rows"]!, into ? [cp, 4 * Np, yp, 4 * L, Og, 4 * L] : [yp, 4 * L, cp, 4 * Np, Og, 4 * L], into ? 1 : 4);
          }
        };
        const c = inPlace ? ys + fr.yOff(n0, g) : C;
        if (bias) job.call(id["fill_rows"]!, [c, 4 * (inPlace ? L : Np), bs + 4 * g * Og, Og, 4 * s1 * L], inPlace ? 0 : 1);
        else if (!inPlace && beta) copyC(true);
        job.call(id["gemm"]!, gemm(apk + g * 4 * Mp * K, Mp, false, B, bLd, false, c, inPlace ? L : Np, Og, s1 * L, K, beta,
          4 | (bDirect ? 2 : 0), packs), (1 << 3) | (inPlace ? 0 : 1 << 6) | GEMM_REL_PACKS);
        if (!inPlace) copyC(false);
        for (let s = 0; relu && s < s1; s++) job.call(id["relu"]!, [ys + fr.yOff(n0 + s, g), 4 * Og * L]);
        job.end();
      }
    }
    runJob(ctx, job, bases);
    y.set(rt.f32().subarray(ys / 4, ys / 4 + ny));
    return true;
  }

  /**
   * The weight gradient, and with `gb` the bias gradient too: each sample's per-channel sums
   * (bias_sums, inside the tasks) then summed over the batch in a double in sample order, the
   * reductions sum(g, [0, 2, 3]) runs on this backend, so the same bits.
   */
  function weight(gy: F, x: F, gw: F, gb: F | null, win: Window2d, dims: ConvDims): boolean {
    if (!takes(gb ? [gy, x, gw, gb] : [gy, x, gw], win)) return false;
    // An empty batch: the sums are zero (no partial is ever written).
    if (dims.N === 0) {
      gw.fill(0);
      gb?.fill(0);
      return true;
    }
    const fr = frame(win, dims);
    const { K, L, Og, take } = fr;
    // Partial [Og x K] += G_n [Og x L] . cols_n^T, one sample at a time, per sample range.
    const parts = Math.min(dims.N, WEIGHT_PARTS), Mp = up(Og, MR), Np = up(K, NR), pBytes = align(4 * Mp * Np);
    const nx = dims.N * dims.G * fr.plane, ny = dims.N * dims.O * L;
    const gs = take(ny + MR * L), xs = take(nx), ps = take(dims.G * parts * pBytes / 4), sums = take(dims.N * dims.O);
    const packs = align(4 * Np * L);
    const bases = fr.reserve(packs + packBytes(Math.min(BLOCKING.MC, Mp), L) + packBytes(Math.min(BLOCKING.NC, Np), L));
    if (!bases) return false;
    const f = rt.f32();
    f.set(gy.subarray(0, ny), gs / 4);
    f.set(x.subarray(0, nx), xs / 4);
    const job = new Job();
    for (let g = 0; g < dims.G; g++) {
      for (let p = 0; p < parts; p++) {
        const P = ps + (g * parts + p) * pBytes, n0 = Math.floor((p * dims.N) / parts), n1 = Math.floor(((p + 1) * dims.N) / parts);
        for (let n = n0; n < n1; n++) {
          job.call(id["im2col"]!, [xs + fr.xOff(n, g), 0, fr.table, ...fr.winArgs, 0], 2);
          job.call(id["gemm"]!, gemm(gs + fr.yOff(n, g), L, false, 0, L, true, P, Np, Og, K, L, n === n0 ? 0 : 1, 0, packs),
            (1 << 3) | GEMM_REL_PACKS);
          if (gb) job.call(id["bias_sums"]!, [gs + fr.yOff(n, g), sums + 4 * (n * dims.O + g * Og), Og, win.oH, win.oW]);
        }
        job.end();
      }
    }
    runJob(ctx, job, bases);
    const add = rt.exports["b_add_vv"]!;
    for (let g = 0; g < dims.G; g++) {
      const P0 = ps + g * parts * pBytes;
      for (let p = 1; p < parts; p++) add(P0, 4 * Np, P0 + p * pBytes, 4 * Np, P0, Mp, Np);
      const out = rt.f32();
      for (let o = 0; o < Og; o++) gw.set(out.subarray(P0 / 4 + o * Np, P0 / 4 + o * Np + K), (g * Og + o) * K);
    }
    if (gb) {
      const out = rt.f32();
      for (let o = 0; o < dims.O; o++) {
        let acc = 0;
        for (let n = 0; n < dims.N; n++) acc += out[sums / 4 + n * dims.O + o]!;
        gb[o] = acc;
      }
    }
    return true;
  }
}
