/**
 * The JS half of the WASM GEMM: stages op(A), op(B) (and C when beta != 0) from the callers' typed
 * arrays into linear memory, zero-padded to whole register tiles so the kernels have no edge cases,
 * runs the blocked driver (split across threads for large calls), and copies the valid part of C back.
 *
 * Staging is row copies with TypedArray.set (memcpy speed); the tile packing itself runs in WASM SIMD.
 */
import { TILE } from "./gemm_assets.ts";
import type { WasmRuntime } from "./runtime.ts";
import { Job, type TaskPool } from "./threads.ts";

const { MR, NR } = TILE;

/**
 * Cache blocking: a kc x NR B micro-panel stays in L1, an MC x kc A block in L2, kc x NC of B in L3.
 * An operand whose other side has at most DIRECT rows/columns is read in place rather than packed
 * (when its staged layout allows it): each panel is reused too few times to repay the packing.
 */
export const BLOCKING = {
  KC: 256, MC: 128, NC: 2048, DIRECT: 64,
  /** Below this many multiply-adds a call stays on one thread: the handoff would cost more than it saves. */
  THREAD_MIN_MACS: 1 << 21,
  /**
   * Chunks per thread for a split call, claimed dynamically: enough that a thread the OS runs late or
   * preempts (other jobs on the machine, a browser's own threads) leaves the others only a small chunk
   * to wait for at the end; cheap since no chunk packs the operand they all share (it is packed once,
   * or read in place).
   */
  CHUNKS_PER_THREAD: 8,
  /** A chunk does at least this many multiply-adds, so claiming it stays negligible. */
  MIN_CHUNK_MACS: 1 << 19,
};

/** Tasks per split GEMM at most. */
const MAX_CHUNKS = 64;

export interface GemmContext {
  rt: WasmRuntime;
  pool: TaskPool | null;
  /** Threads to use in total, the calling one included. */
  threads: number;
}

const roundUp = (x: number, m: number): number => Math.ceil(x / m) * m;
/** Bytes rounded up to a whole cache line. */
export const align = (bytes: number): number => roundUp(bytes, 64);
/**
 * Row stride for a staged matrix read in place along its rows: a multiple of 256 bytes would map the
 * kc rows of one micro-panel onto a few L1 sets, so such strides get a half-line skew.
 */
const skew = (cols: number): number => (cols % 64 === 0 ? cols + 8 : cols);

/**
 * Copies a rows x cols row-major block (row stride sLd) to dst with row stride dLd, zeroing the
 * columns past `cols` and the rows from `rows` to `padRows`.
 */
function stage(dst: Float32Array, d: number, dLd: number, src: Float32Array, s: number, sLd: number,
  rows: number, cols: number, padRows: number): void {
  if (sLd === cols && dLd === cols) {
    dst.set(src.subarray(s, s + rows * cols), d);
  } else {
    for (let r = 0; r < rows; r++) {
      const o = d + r * dLd;
      dst.set(src.subarray(s + r * sLd, s + r * sLd + cols), o);
      if (dLd > cols) dst.fill(0, o + cols, o + dLd);
    }
  }
  if (padRows > rows) dst.fill(0, d + rows * dLd, d + padRows * dLd);
}

/**
 * Packs every tile of a staged operand, k block after k block (block pc at dst + pc * tiles * width
 * floats), in the layout the driver's per-block packing makes, so that reading it is bit-for-bit the same.
 */
function prePack(pack: (...a: number[]) => unknown, src: number, ldBytes: number, K: number, kc: number,
  tiles: number, width: number, dst: number): void {
  for (let pc = 0; pc < K; pc += kc) pack(src, ldBytes, pc, Math.min(kc, K - pc), 0, tiles, dst + pc * tiles * width * 4);
}

/** Splits [0, n) into `parts` nearly equal ranges whose inner bounds are multiples of `unit`. */
function split(n: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(n / unit), out: [number, number][] = [];
  parts = Math.max(1, Math.min(parts, units));
  for (let p = 0; p < parts; p++) {
    out.push([Math.floor((units * p) / parts) * unit, Math.min(n, Math.floor((units * (p + 1)) / parts) * unit)]);
  }
  return out;
}

/** Runs a job over the pool's threads, one scratch base per thread (its first `bases.length` threads), or all of it here. */
export function runJob(ctx: GemmContext, job: Job, bases: number[]): void {
  if (ctx.pool && bases.length > 1) ctx.pool.run(ctx.rt.fns, job, bases);
  else job.runHere(ctx.rt.fns, bases[0]!);
}

/** Elements (or multiply-adds) below which a memory-bound kernel stays on one thread. */
const SPLIT_MIN = 1 << 18;

/**
 * Calls export `name` over [0, units), split into ranges whose inner bounds are multiples of `unit`
 * and shared out over the threads when `work` is large enough; args(lo, hi) gives a range's arguments.
 */
export function splitCall(rt: WasmRuntime, ctx: GemmContext | undefined, name: string, units: number, unit: number,
  work: number, args: (lo: number, hi: number) => number[]): void {
  const threads = ctx?.pool && work >= SPLIT_MIN ? Math.min(ctx.threads, 1 + ctx.pool.readyCount()) : 1;
  if (threads === 1) {
    rt.exports[name]!(...args(0, units));
    return;
  }
  const job = new Job();
  for (const [lo, hi] of split(units, 2 * threads, unit)) job.call(rt.id[name]!, args(lo, hi)).end();
  runJob(ctx!, job, new Array<number>(threads).fill(0));
}

/**
 * Operands that the caller keeps in linear memory rather than in a typed array (the conv passes'
 * columns: im2col writes them where the GEMM reads them, and col2im reads the product in place).
 */
export interface GemmIo {
  /**
   * Writes op(B) at byte `pos` as staging would: row stride `ld` floats, K rows of N (N rows of K when
   * transB, zero rows to the padded N), the rest of each row zero. Memory from byte `free` on is
   * scratch (reserve it first). B's array argument is then not read.
   */
  stageB?(pos: number, ld: number, free: number): void;
  /** Writes op(A) likewise: M rows of K (K rows of M when transA), zero rows to the padded M, zero row tails. */
  stageA?(pos: number, ld: number, free: number): void;
  /** Writes C (read when beta != 0) likewise: M rows of N, zero row tails. */
  stageC?(pos: number, ld: number, free: number): void;
  /** Reads C ([M x N] at byte `pos`, row stride `ld` floats) instead of it being copied into C's array. */
  takeC?(pos: number, ld: number, free: number): void;
}

/**
 * C = alpha * op(A) @ op(B) + beta * C for float32 arrays, with the Backend.gemm contract.
 * Returns false (having touched nothing) when linear memory cannot grow enough; the caller falls back.
 */
export function wasmGemm(ctx: GemmContext,
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, aOff: number, lda: number, B: Float32Array, bOff: number, ldb: number,
  beta: number, C: Float32Array, cOff: number, ldc: number, io: GemmIo = {},
): boolean {
  const { rt } = ctx;
  const Mp = roundUp(M, MR), Np = roundUp(N, NR);
  const mT = Mp / MR, nT = Np / NR;
  const { KC, MC, NC } = BLOCKING;
  // Equal k blocks: a short last block would pay the per-tile C update for little work.
  const kc = Math.ceil(K / Math.ceil(K / KC));

  // Split the dimension whose operand is larger: each thread re-packs all of the other operand.
  const macs = M * N * K;
  let threads = macs < BLOCKING.THREAD_MIN_MACS || !ctx.pool ? 1 : Math.min(ctx.threads, 1 + ctx.pool.readyCount());
  const splitN = N >= M ? nT >= threads : mT < threads;
  threads = Math.max(1, Math.min(threads, splitN ? nT : mT));

  const aDirect = transA && N <= BLOCKING.DIRECT, bDirect = !transB && M <= BLOCKING.DIRECT;
  const aLd = transA ? (aDirect ? skew(Mp) : Mp) : K, bLd = transB ? K : (bDirect ? skew(Np) : Np);
  const aBytes = align(Math.max(Mp * K, transA ? aLd * K : 0) * 4);
  const bBytes = align(Math.max(Np * K, transB ? 0 : bLd * K) * 4);
  const cBytes = align(Mp * Np * 4);
  const packABytes = align(Math.min(MC, Mp) * kc * 4);
  const packBBytes = align(Math.min(NC, Np) * kc * 4);
  // Split over threads, the operand every chunk needs whole is packed once, here, not once per chunk.
  let prePackA = threads > 1 && splitN && !aDirect, prePackB = threads > 1 && !splitN && !bDirect;
  const aPos = 64, bPos = aPos + aBytes, cPos = bPos + bBytes, packPos = cPos + cBytes;
  const prePos = packPos + threads * (packABytes + packBBytes);
  if (!rt.reserve(prePos + (prePackA ? Mp * K * 4 : prePackB ? Np * K * 4 : 0))) {
    // Near the memory's limit the chunks pack it themselves, as they did before, rather than fail.
    if (!(prePackA || prePackB) || !rt.reserve(prePos)) return false;
    prePackA = prePackB = false;
  }
  const free = align(prePos + (prePackA ? Mp * K * 4 : prePackB ? Np * K * 4 : 0));
  const loadC = beta !== 0;
  // First: the hooks may grow the memory, which detaches earlier views.
  io.stageA?.(aPos, transA ? aLd : K, free);
  io.stageB?.(bPos, transB ? K : bLd, free);
  if (loadC) io.stageC?.(cPos, Np, free);
  const f = rt.f32();

  if (!io.stageA) {
    if (transA) stage(f, aPos / 4, aLd, A, aOff, lda, K, M, K);
    else stage(f, aPos / 4, K, A, aOff, lda, M, K, Mp);
  }
  if (!io.stageB) {
    if (transB) stage(f, bPos / 4, K, B, bOff, ldb, N, K, Np);
    else stage(f, bPos / 4, bLd, B, bOff, ldb, K, N, K);
  }
  if (loadC && !io.stageC) stage(f, cPos / 4, Np, C, cOff, ldc, M, N, M);

  const args = [
    aPos, aLd * 4, transA ? 1 : 0, bPos, bLd * 4, transB ? 1 : 0,
    cPos, Np * 4, K, 0, mT, 0, nT, packPos, packPos + packABytes, alpha, beta, loadC ? 1 : 0,
    kc, MC / MR, NC / NR, (aDirect ? 1 : 0) | (bDirect ? 2 : 0) | (prePackA ? 4 : 0) | (prePackB ? 8 : 0),
  ];
  if (prePackA) {
    prePack(rt.exports[transA ? "packAN" : "packAT"]!, aPos, aLd * 4, K, kc, mT, MR, prePos);
    args[0] = prePos;
    args[1] = Mp * 4;
  } else if (prePackB) {
    prePack(rt.exports[transB ? "packBT" : "packBN"]!, bPos, bLd * 4, K, kc, nT, NR, prePos);
    args[3] = prePos;
    args[4] = Np * 4;
  }
  if (threads === 1) {
    rt.gemm(...args);
  } else {
    const tiles = splitN ? nT : mT;
    // Column chunks start on whole 64-byte lines of C (two NR tiles) where its rows are line-aligned:
    // two threads writing one line would bounce it between their caches.
    const unit = splitN && (Np * 4) % 64 === 0 ? 64 / (NR * 4) : 1;
    const parts = Math.max(threads, Math.min(threads * BLOCKING.CHUNKS_PER_THREAD, MAX_CHUNKS, Math.floor(macs / BLOCKING.MIN_CHUNK_MACS)));
    const chunks = split(tiles, parts, unit);
    const job = new Job();
    for (const [lo, hi] of chunks) {
      args.splice(splitN ? 11 : 9, 2, lo, hi);
      args.splice(13, 2, 0, packABytes);
      job.call(rt.id["gemm"]!, args, 3 << 13).end();
    }
    runJob(ctx, job, Array.from({ length: threads }, (_, t) => packPos + t * (packABytes + packBBytes)));
  }

  if (io.takeC) {
    io.takeC(cPos, Np, free);
    return true;
  }
  const out = rt.f32();
  if (ldc === N && Np === N) C.set(out.subarray(cPos / 4, cPos / 4 + M * N), cOff);
  else for (let r = 0; r < M; r++) C.set(out.subarray(cPos / 4 + r * Np, cPos / 4 + r * Np + N), cOff + r * ldc);
  return true;
}
