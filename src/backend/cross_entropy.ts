/**
 * The optional kernel "crossEntropy" (src/backend/kernels.ts): cross entropy of logits [n, c] against
 * class indices, without class weights or label smoothing (the common case), as one forward call and
 * one backward call. src/ops/cross_entropy_fused.ts asks the active backend for it and composes the
 * loss from log-softmax and gather when there is none. Plain arrays and numbers, no tensors.
 */
type F = Float32Array | Float64Array;
/** Class indices: int32 values, or int64 values stored in a Float64Array (tensor/dtype.ts). */
type Targets = Int32Array | Float64Array;

/** 0 'none', 1 'sum', 2 'mean'. */
export type CrossEntropyReduction = 0 | 1 | 2;

export interface CrossEntropyKernel {
  /**
   * Writes logp = logSoftmax(x) ([n, c], x's type) and out: the n per-row losses -logp[i, target[i]]
   * ('none'; 0 for rows whose target is ignoreIndex), their sum, or their mean over the counted rows
   * (NaN when none counts). Returns -1 when done; the first row whose target is neither ignoreIndex
   * nor in [0, c) (out not written); or -2 when it declines the call (nothing written).
   */
  forward(x: F, target: Targets, n: number, c: number, ignoreIndex: number, reduction: CrossEntropyReduction, logp: F, out: F): number;
  /**
   * gx = (exp(logp) - onehot(target)) times g[i] ('none'), g[0] ('sum') or g[0] / counted rows
   * ('mean'), rows of ignored targets 0. False when it declines the call (nothing written).
   */
  backward(logp: F, target: Targets, n: number, c: number, ignoreIndex: number, reduction: CrossEntropyReduction, g: F, gx: F): boolean;
}
