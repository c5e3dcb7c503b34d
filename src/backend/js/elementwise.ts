import type { BinaryOp, StridedView, UnaryOp } from "../backend.ts";
import type { Storage } from "../../tensor/dtype.ts";
import { erf, erfc } from "./erf.ts";
import { digamma, erfinv, i0, i1, lgamma, trigamma } from "./special.ts";
import { bitwise64, gcd, lcm, nextafter, shift64 } from "./bits.ts";
import { BINARY_FORMULAS, UNARY_FORMULAS, floorDivide, mulInt64, powInt, remainder } from "./formulas.ts";

/**
 * Elementwise kernels compiled from the formula table. Each op gets its own loop body, so V8 sees a
 * monomorphic expression instead of a call through a shared function pointer per element.
 */

type UnaryKernel = (x: Storage, out: Storage, n: number) => void;
type BinaryKernel = (a: Storage, ao: number, as: readonly number[], b: Storage, bo: number, bs: readonly number[], out: Storage, shape: readonly number[]) => void;
type ScalarKernel = (x: Storage, s: number, out: Storage, n: number) => void;

const helpers = { bitwise64, digamma, erf, erfc, erfinv, floorDivide, gcd, i0, i1, lcm, lgamma, mulInt64, nextafter, powInt, remainder, shift64, trigamma };

function compile<T>(body: string, params: string[]): T {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("h", `"use strict"; return function(${params.join(", ")}) {\n${body}\n};`)(helpers) as T;
}

const unaryCache = new Map<UnaryOp, UnaryKernel>();
const binaryCache = new Map<BinaryOp, BinaryKernel>();
const scalarCache = new Map<string, ScalarKernel>();

export function unaryKernel(op: UnaryOp): UnaryKernel {
  let k = unaryCache.get(op);
  if (!k) {
    k = compile<UnaryKernel>(`for (let i = 0; i < n; i++) { const x = xs[i]; out[i] = ${UNARY_FORMULAS[op]}; }`, ["xs", "out", "n"]);
    unaryCache.set(op, k);
  }
  return k;
}

export function scalarKernel(op: BinaryOp, scalarFirst: boolean): ScalarKernel {
  const key = `${op}:${scalarFirst}`;
  let k = scalarCache.get(key);
  if (!k) {
    const load = scalarFirst ? "const x = s; const y = xs[i];" : "const x = xs[i]; const y = s;";
    k = compile<ScalarKernel>(`for (let i = 0; i < n; i++) { ${load} out[i] = ${BINARY_FORMULAS[op]}; }`, ["xs", "s", "out", "n"]);
    scalarCache.set(key, k);
  }
  return k;
}

/**
 * Walks the output in row-major order; the innermost dim runs as a tight loop with the operands'
 * own strides (1 for contiguous, 0 for broadcast), the outer dims advance an odometer.
 */
export function binaryKernel(op: BinaryOp): BinaryKernel {
  let k = binaryCache.get(op);
  if (!k) {
    const f = BINARY_FORMULAS[op];
    k = compile<BinaryKernel>(
      `
      const nd = shape.length;
      if (nd === 0) { const x = a[ao]; const y = b[bo]; out[0] = ${f}; return; }
      const last = shape[nd - 1];
      let outer = 1;
      for (let d = 0; d < nd - 1; d++) outer *= shape[d];
      if (last === 0 || outer === 0) return;
      const sa = as[nd - 1], sb = bs[nd - 1];
      const idx = new Int32Array(nd);
      let pa = ao, pb = bo, o = 0;
      for (let r = 0; r < outer; r++) {
        if (sa === 1 && sb === 1) {
          for (let j = 0; j < last; j++) { const x = a[pa + j]; const y = b[pb + j]; out[o++] = ${f}; }
        } else if (sa === 1 && sb === 0) {
          const y = b[pb];
          for (let j = 0; j < last; j++) { const x = a[pa + j]; out[o++] = ${f}; }
        } else if (sa === 0 && sb === 1) {
          const x = a[pa];
          for (let j = 0; j < last; j++) { const y = b[pb + j]; out[o++] = ${f}; }
        } else {
          let ia = pa, ib = pb;
          for (let j = 0; j < last; j++) { const x = a[ia]; const y = b[ib]; out[o++] = ${f}; ia += sa; ib += sb; }
        }
        for (let d = nd - 2; d >= 0; d--) {
          pa += as[d]; pb += bs[d];
          if (++idx[d] < shape[d]) break;
          pa -= as[d] * shape[d]; pb -= bs[d] * shape[d]; idx[d] = 0;
        }
      }`,
      ["a", "ao", "as", "b", "bo", "bs", "out", "shape"],
    );
    binaryCache.set(op, k);
  }
  return k;
}

export function binaryStrided(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void {
  binaryKernel(op)(a.data, a.offset, a.strides, b.data, b.offset, b.strides, out, shape);
}

/**
 * Visits every element of a strided view in row-major order, giving its flat position in the
 * source and its running index in a contiguous array. Shared by copy, scatterInto and where.
 */
export function forEachStrided(
  shape: readonly number[],
  views: readonly { offset: number; strides: readonly number[] }[],
  visit: (pos: number[], o: number) => void,
): void {
  const nd = shape.length;
  let n = 1;
  for (const s of shape) n *= s;
  if (n === 0) return;
  const pos = views.map((v) => v.offset);
  const idx = new Int32Array(nd);
  for (let o = 0; o < n; o++) {
    visit(pos, o);
    for (let d = nd - 1; d >= 0; d--) {
      for (let v = 0; v < views.length; v++) pos[v]! += views[v]!.strides[d]!;
      if (++idx[d]! < shape[d]!) break;
      for (let v = 0; v < views.length; v++) pos[v]! -= views[v]!.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Strided -> contiguous copy; the innermost dim is a tight loop, which is what makes transposes cheap enough. */
export function copyStrided(src: StridedView, shape: readonly number[], out: Storage): void {
  const nd = shape.length;
  const data = src.data;
  if (nd === 0) {
    out[0] = data[src.offset]!;
    return;
  }
  if (isContiguous(shape, src.strides)) {
    // One memcpy-like call (with the same element conversion as assignment when dtypes differ).
    let n = 1;
    for (const d of shape) n *= d;
    out.set(data.subarray(src.offset, src.offset + n));
    return;
  }
  const last = shape[nd - 1]!;
  const s = src.strides[nd - 1]!;
  let outer = 1;
  for (let d = 0; d < nd - 1; d++) outer *= shape[d]!;
  if (last === 0 || outer === 0) return;
  const idx = new Int32Array(nd);
  let p = src.offset;
  let o = 0;
  const st = src.strides;
  for (let r = 0; r < outer; r++) {
    if (s === 1) {
      out.set(data.subarray(p, p + last), o);
      o += last;
    } else if (s === 0) {
      // A broadcast row (bias, expanded gradient): one fill instead of a loop of loads.
      out.fill(data[p]!, o, o + last);
      o += last;
    } else for (let j = 0, q = p; j < last; j++, q += s) out[o++] = data[q]!;
    for (let d = nd - 2; d >= 0; d--) {
      p += st[d]!;
      if (++idx[d]! < shape[d]!) break;
      p -= st[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i]!;
  }
  return true;
}

export function scatterStrided(src: Storage, dst: StridedView, shape: readonly number[]): void {
  const d = dst.data;
  if (isContiguous(shape, dst.strides)) {
    let n = 1;
    for (const x of shape) n *= x;
    d.set(src.subarray(0, n), dst.offset);
    return;
  }
  forEachStrided(shape, [dst], (pos, o) => {
    d[pos[0]!] = src[o]!;
  });
}

export function whereStrided(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void {
  const c = cond.data;
  const ad = a.data;
  const bd = b.data;
  forEachStrided(shape, [cond, a, b], (pos, o) => {
    out[o] = c[pos[0]!] ? ad[pos[1]!]! : bd[pos[2]!]!;
  });
}
