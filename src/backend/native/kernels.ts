import type { BinaryOp, ReduceOp, StridedView, UnaryOp } from "../backend.ts";
import type { FastKernels } from "../kernels.ts";
import type { NativeAddon } from "./loader.ts";

/**
 * Fast kernels over the addon's elementwise, reduction, softmax, copy, dropout and layer-norm functions. Each declines
 * (returns false) when the addon does (dtypes and layouts it does not cover: integers, bools, mixed
 * types, more than 16 dims, partial aliasing) or has no kernel for the op (pow, atan2, gelu, prod,
 * ...); the registry then runs the JS kernel.
 */
type Kernels = Required<Pick<FastKernels, "unary" | "binary" | "binaryScalar" | "reduce" | "softmax" | "softmaxBackward" | "copy">> &
  Pick<FastKernels, "dropout" | "dropoutBackward" | "layerNorm" | "layerNormBackward">;

const MAX_DIMS = 16;

function codes<T extends string>(names: string[]): Map<T, number> {
  return new Map(names.map((n, i) => [n as T, i]));
}

export function nativeKernels(addon: NativeAddon): Kernels {
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
    unary: (op, x, out, n) => {
      const code = unaryCode.get(op);
      return code !== undefined && addon.unary(code, x, out, n);
    },
    binary: (op, a, b, out, shape) => {
      const code = binaryCode.get(op);
      return code !== undefined && fillLayout(shape, a.strides, b.strides) &&
        addon.binary(code, a.data, a.offset, b.data, b.offset, out, layout);
    },
    binaryScalar: (op, x, s, out, n, scalarFirst) => {
      const code = binaryCode.get(op);
      return code !== undefined && addon.binaryScalar(code, x, s, out, n, scalarFirst);
    },
    reduce: (op, x, out, outer, size, inner, indices) => {
      const code = reduceCode.get(op);
      return code !== undefined && addon.reduce(code, x, out, outer, size, inner, indices ?? null);
    },
    softmax: (x, out, outer, size, inner, log) => addon.softmax(x, out, outer, size, inner, log),
    softmaxBackward: (g, y, out, outer, size, inner, log) => addon.softmaxBackward(g, y, out, outer, size, inner, log),
    copy: (src: StridedView, shape, out) => fillLayout(shape, src.strides) && addon.copy(src.data, src.offset, out, layout),
    ...(addon.dropout ? { dropout: addon.dropout.bind(addon) } : {}),
    ...(addon.dropoutBackward ? { dropoutBackward: addon.dropoutBackward.bind(addon) } : {}),
    ...(addon.layerNorm ? { layerNorm: addon.layerNorm.bind(addon) } : {}),
    ...(addon.layerNormBackward ? { layerNormBackward: addon.layerNormBackward.bind(addon) } : {}),
  };
}
