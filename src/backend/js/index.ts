import type { Backend } from "../backend.ts";
import { binaryStrided, copyStrided, scalarKernel, scatterStrided, unaryKernel, whereStrided } from "./elementwise.ts";
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from "./adaptive_pool.ts";
import { avgPool2d, avgPool2dBackward, col2im, im2col, maxPool2d, maxPool2dBackward } from "./conv.ts";
import { gemm } from "./gemm.ts";
import { gather, indexAdd, indexSelect, scatterAdd } from "./indexing.ts";
import { reduce, softmax, softmaxBackward } from "./reduce.ts";

/** The reference backend: plain TypeScript over typed arrays, always available, in browsers too. */
export const jsBackend: Backend = {
  name: "js",
  unary: (op, x, out, n) => unaryKernel(op)(x, out, n),
  binary: binaryStrided,
  binaryScalar: (op, x, s, out, n, scalarFirst) => scalarKernel(op, scalarFirst)(x, s, out, n),
  copy: copyStrided,
  scatterInto: scatterStrided,
  reduce,
  gemm,
  softmax,
  softmaxBackward,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  where: whereStrided,
  im2col,
  col2im,
  maxPool2d,
  maxPool2dBackward,
  avgPool2d,
  avgPool2dBackward,
  adaptiveAvgPool2d,
  adaptiveAvgPool2dBackward,
};
