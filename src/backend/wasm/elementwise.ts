/**
 * The WASM elementwise kernels behind Backend.unary/binary/binaryScalar/reduce: float32 only, for the
 * ops and layouts the module has (see wasm/elementwise_module.ts); each function returns false when it
 * does not apply, and the caller runs the JS kernel. Results equal the JS backend's bit for bit.
 *
 * Operands are copied into linear memory (TypedArray.set, memcpy speed), computed with SIMD and
 * copied back: three passes at memory speed still beat one JS pass at 2-4 ns per element.
 */
import type { BinaryOp, ReduceOp, StridedView, UnaryOp } from "../backend.ts";
import type { Storage } from "../../tensor/dtype.ts";
import type { WasmRuntime } from "./runtime.ts";
import { type GemmContext, splitCall } from "./gemm.ts";
import { WASM_BINARY_OPS, WASM_UNARY_OPS } from "../elementwise_ops.ts";

/** Below this many elements the JS loop wins (the fixed cost of the copies and the call). */
export const EW_MIN = 2048;

/** The op table's `wasm: true` rows: the ops the module has kernels for. */
const UNARY = new Set<UnaryOp>(WASM_UNARY_OPS);
const BINARY = new Set<BinaryOp>(WASM_BINARY_OPS);

/** Byte size of a staged buffer of n floats: whole vectors plus slack for the last row's spill. */
export const slot = (n: number): number => Math.ceil((n * 4 + 16) / 64) * 64;

/** Reserves `sizes` consecutive buffers after a small header; returns their byte offsets or null. */
function layout(rt: WasmRuntime, sizes: number[]): number[] | null {
  const pos: number[] = [];
  let p = 64;
  for (const s of sizes) {
    pos.push(p);
    p += slot(s);
  }
  return rt.reserve(p) ? pos : null;
}

export function wasmUnary(rt: WasmRuntime, op: UnaryOp, x: Storage, out: Storage, n: number, ctx?: GemmContext): boolean {
  if (n < EW_MIN || !UNARY.has(op) || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const pos = layout(rt, [n, n]);
  if (!pos) return false;
  const [src, dst] = pos as [number, number];
  const f = rt.f32();
  f.set(n === x.length ? x : x.subarray(0, n), src / 4);
  splitCall(rt, ctx, `u_${op}`, n, 4, n, (lo, hi) => [src + 4 * lo, dst + 4 * lo, hi - lo]);
  out.set(f.subarray(dst / 4, dst / 4 + n));
  return true;
}

/** Drops size-1 dims and merges dims that every operand walks contiguously, PyTorch-iterator style. */
function coalesce(shape: readonly number[], strides: (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const dims = shape.map((s, d) => d).filter((d) => shape[d] !== 1);
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (const d of dims) {
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * shape[d]!)) {
      outShape[last]! *= shape[d]!;
      strides.forEach((s, k) => { outStrides[k]![last] = s[d]!; });
    } else {
      outShape.push(shape[d]!);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

interface Operand {
  data: Float32Array;
  offset: number;
  /** Elements between rows (0: the same row for every output row). */
  row: number;
  /** 1: a contiguous row; 0: one value per row. */
  inner: 0 | 1;
}

/** Stages the span an operand reads; null when that span would be mostly unused (a sparse view). */
function span(o: Operand, outer: number, inner: number): number | null {
  const n = (outer - 1) * o.row + (o.inner ? inner : 1);
  return o.offset + n <= o.data.length && n <= 2 * outer * inner + 64 ? n : null;
}

function runBinary(rt: WasmRuntime, op: BinaryOp, a: Operand, b: Operand, out: Float32Array, outer: number, inner: number,
  ctx?: GemmContext): boolean {
  if (!a.inner && !b.inner) return false;
  const na = span(a, outer, inner), nb = span(b, outer, inner);
  if (na === null || nb === null) return false;
  const n = outer * inner;
  const pos = layout(rt, [na, nb, n]);
  if (!pos) return false;
  const [pa, pb, po] = pos as [number, number, number];
  const f = rt.f32();
  f.set(a.data.subarray(a.offset, a.offset + na), pa / 4);
  f.set(b.data.subarray(b.offset, b.offset + nb), pb / 4);
  const mode = a.inner ? (b.inner ? "vv" : "vs") : "sv";
  const name = `b_${op}_${mode}`;
  if (outer === 1) splitCall(rt, ctx, name, inner, 4, n, (lo, hi) => [pa + 4 * lo * a.inner, 0, pb + 4 * lo * b.inner, 0, po + 4 * lo, 1, hi - lo]);
  // Split by rows only where each is whole vectors: a row's last vector spills into the next row.
  else splitCall(rt, ctx, name, outer, 1, inner % 4 === 0 ? n : 0,
    (lo, hi) => [pa + lo * a.row * 4, a.row * 4, pb + lo * b.row * 4, b.row * 4, po + lo * inner * 4, hi - lo, inner]);
  out.set(f.subarray(po / 4, po / 4 + n));
  return true;
}

export function wasmBinary(rt: WasmRuntime, op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[],
  ctx?: GemmContext): boolean {
  if (!BINARY.has(op) || !(a.data instanceof Float32Array) || !(b.data instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const total = shape.reduce((p, s) => p * s, 1);
  if (total < EW_MIN) return false;
  const c = coalesce(shape, [a.strides, b.strides]);
  if (c.shape.length > 2) return false;
  const [outer, inner] = c.shape.length === 2 ? c.shape as [number, number] : [1, c.shape[0] ?? 1];
  const operand = (v: StridedView, s: number[]): Operand | null => {
    const innerStride = c.shape.length === 0 ? 0 : s[s.length - 1]!;
    const row = c.shape.length === 2 ? s[0]! : 0;
    if ((innerStride !== 0 && innerStride !== 1) || row < 0) return null;
    return { data: v.data as Float32Array, offset: v.offset, row, inner: innerStride as 0 | 1 };
  };
  const oa = operand(a, c.strides[0]!), ob = operand(b, c.strides[1]!);
  return oa !== null && ob !== null && runBinary(rt, op, oa, ob, out, outer, inner, ctx);
}

export function wasmBinaryScalar(rt: WasmRuntime, op: BinaryOp, x: Storage, s: number, out: Storage, n: number, scalarFirst: boolean,
  ctx?: GemmContext): boolean {
  // JS computes with the double s; only a float32-exact s gives the same rounding in float32 SIMD.
  if (n < EW_MIN || !BINARY.has(op) || Math.fround(s) !== s || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const xs: Operand = { data: x, offset: 0, row: 0, inner: 1 };
  const ss: Operand = { data: new Float32Array([s]), offset: 0, row: 0, inner: 0 };
  return scalarFirst ? runBinary(rt, op, ss, xs, out, 1, n, ctx) : runBinary(rt, op, xs, ss, out, 1, n, ctx);
}

export function wasmReduce(rt: WasmRuntime, op: ReduceOp, x: Storage, out: Storage, outer: number, size: number, inner: number): boolean {
  // Four columns per vector: with fewer than four the SIMD lanes would mostly idle.
  if (op !== "sum" || inner < 4 || outer * size * inner < EW_MIN || !(x instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  const n = outer * size * inner, m = outer * inner;
  const pos = layout(rt, [n, m]);
  if (!pos) return false;
  const [px, po] = pos as [number, number];
  const f = rt.f32();
  f.set(n === x.length ? x : x.subarray(0, n), px / 4);
  rt.exports["sum_mid"]!(px, po, outer, size, inner);
  out.set(f.subarray(po / 4, po / 4 + m));
  return true;
}
