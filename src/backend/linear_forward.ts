/**
 * The optional kernel "linearForward" (src/backend/kernels.ts): a linear layer's forward with its
 * epilogue, out [rows, outF] = act(x [rows, inF] @ w [outF, inF]^T + bias), act ReLU when `relu`, in
 * one call: the bias written into each tile of out just before the GEMM accumulates onto it, the ReLU
 * applied while the tile is in cache. The bits are those of the bias copied into out, gemm(beta = 1)
 * and the relu kernel (src/ops/linear.ts runs that composition without it). Arrays contiguous from
 * element 0, one float type; false (nothing written) when the backend declines the call.
 */
type F = Float32Array | Float64Array;

export type LinearForward = (x: F, w: F, bias: F | null, out: F, rows: number, outF: number, inF: number, relu: boolean) => boolean;
