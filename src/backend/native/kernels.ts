import type { Backend, BinaryOp, ReduceOp, StridedView, UnaryOp } from "../backend.ts";
import { jsBackend } from "../js/index.ts";
import type { NativeAddon, NativeKernels } from "./loader.ts";

/**
 * Backend kernels over the addon's elementwise, reduction, softmax and copy functions. Each tries
 * the native kernel and runs the JS one when the addon declines (it returns false for dtypes and
 * layouts it does not cover: integers, bools, mixed types, more than 16 dims, partial aliasing) or
 * has no kernel for the op (pow, atan2, gelu, prod, ...).
 */
type Kernels = Pick<Backend, "unary" | "binary" | "binaryScalar" | "reduce" | "softmax" | "softmaxBackward" | "copy">;

const MAX_DIMS = 16;

function codes<T extends string>(names: string[]): Map<T, number> {
  return new Map(names.map((n, i) => [n as T, i]));
}

export function nativeKernels(addon: NativeAddon & NativeKernels): Kernels {
  const names = addon.opNames();
  const unaryCode = codes<UnaryOp>(names.unary);
  const binaryCode = codes<BinaryOp>(names.binary);
  const reduceCode = codes<ReduceOp>(names.reduce);
  // One scratch layout reused by every call: [nd, shape, strides of a, strides of b].
  const layout = new Float64Array(1 + 3 * MAX_DIMS);

  const fillLayout = (shape: readonly number[], ...strides: (readonly number[])[]): boolean => {
    const nd = shape.length;
    if (nd > MAX_DIMS) return false;
    layout[0] = nd;
    for (let d = 0; d < nd; d++) layout[1 + d] = shape[d]!;
    for (let k = 0; k < strides.length; k++) {
      const st = strides[k]!;
      for (let d = 0; d < nd; d++) layout[1 + (k + 1) * nd + d] = st[d]!;
    }
    return true;
  };

  return {
    unary(op, x, out, n) {
      const code = unaryCode.get(op);
      if (code === undefined || !addon.unary(code, x, out, n)) jsBackend.unary(op, x, out, n);
    },
    binary(op, a, b, out, shape) {
      const code = binaryCode.get(op);
      if (code === undefined || !fillLayout(shape, a.strides, b.strides) ||
        !addon.binary(code, a.data, a.offset, b.data, b.offset, out, layout)) {
        jsBackend.binary(op, a, b, out, shape);
      }
    },
    binaryScalar(op, x, s, out, n, scalarFirst) {
      const code = binaryCode.get(op);
      if (code === undefined || !addon.binaryScalar(code, x, s, out, n, scalarFirst)) {
        jsBackend.binaryScalar(op, x, s, out, n, scalarFirst);
      }
    },
    reduce(op, x, out, outer, size, inner, indices) {
      const code = reduceCode.get(op);
      if (code === undefined || !addon.reduce(code, x, out, outer, size, inner, indices ?? null)) {
        jsBackend.reduce(op, x, out, outer, size, inner, indices);
      }
    },
    softmax(x, out, outer, size, inner, log) {
      if (!addon.softmax(x, out, outer, size, inner, log)) jsBackend.softmax(x, out, outer, size, inner, log);
    },
    softmaxBackward(g, y, out, outer, size, inner, log) {
      if (!addon.softmaxBackward(g, y, out, outer, size, inner, log)) jsBackend.softmaxBackward(g, y, out, outer, size, inner, log);
    },
    copy(src: StridedView, shape, out) {
      if (!fillLayout(shape, src.strides) || !addon.copy(src.data, src.offset, out, layout)) jsBackend.copy(src, shape, out);
    },
  };
}
