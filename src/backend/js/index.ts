import type { Backend } from "../backend.ts";
import { KernelRegistry } from "../kernels.ts";
import { binaryStrided, copyStrided, scalarKernel, scatterStrided, unaryKernel, whereStrided } from "./elementwise.ts";
import { adaptiveAvgPool2d, adaptiveAvgPool2dBackward } from "./adaptive_pool.ts";
import { avgPool2d, avgPool2dBackward, col2im, im2col, maxPool2d, maxPool2dBackward } from "./conv.ts";
import { dropout, dropoutBackward } from "./dropout.ts";
import { gemm } from "./gemm.ts";
import { layerNorm, layerNormBackward } from "./layer_norm.ts";
import { gather, indexAdd, indexSelect, scatterAdd } from "./indexing.ts";
import { reduce, softmax, softmaxBackward } from "./reduce.ts";
import { gaussSolve } from "./solve.ts";

/**
 * The reference kernels: plain TypeScript over typed arrays, always available, in browsers too.
 * Every kernel is registered here; faster backends fall back to these by name.
 */
export const jsRegistry = new KernelRegistry("js")
  .register("unary", (op, x, out, n) => unaryKernel(op)(x, out, n))
  .register("binary", binaryStrided)
  .register("binaryScalar", (op, x, s, out, n, scalarFirst) => scalarKernel(op, scalarFirst)(x, s, out, n))
  .register("copy", copyStrided)
  .register("scatterInto", scatterStrided)
  .register("reduce", reduce)
  .register("gemm", gemm)
  .register("softmax", softmax)
  .register("softmaxBackward", softmaxBackward)
  .register("dropout", dropout)
  .register("dropoutBackward", dropoutBackward)
  .register("layerNorm", layerNorm)
  .register("layerNormBackward", layerNormBackward)
  .register("gather", gather)
  .register("scatterAdd", scatterAdd)
  .register("indexSelect", indexSelect)
  .register("indexAdd", indexAdd)
  .register("where", whereStrided)
  .register("gaussSolve", gaussSolve)
  .register("im2col", im2col)
  .register("col2im", col2im)
  .register("maxPool2d", maxPool2d)
  .register("maxPool2dBackward", maxPool2dBackward)
  .register("avgPool2d", avgPool2d)
  .register("avgPool2dBackward", avgPool2dBackward)
  .register("adaptiveAvgPool2d", adaptiveAvgPool2d)
  .register("adaptiveAvgPool2dBackward", adaptiveAvgPool2dBackward);

/** The reference backend; it runs every kernel on the calling thread. */
export const jsBackend: Backend = jsRegistry.view({ getNumThreads: () => 1 });
