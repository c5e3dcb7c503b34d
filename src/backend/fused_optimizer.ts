/**
 * The optional kernel "fusedOptimizer" (src/backend/kernels.ts): whole-group optimizer updates in
 * one call. src/optim/fused.ts asks the active backend for it; the update rules stay in src/optim,
 * and a backend's loops must give the JS loops' results bit for bit. The types are plain arrays and
 * numbers so that this layer needs nothing from the optimizers.
 */
type F = Float32Array | Float64Array;

/** SGD's scalars for one group and precision (rounded to it, as the JS loop uses them). */
export interface FusedSgdScalars {
  negLr: number;
  wd: number;
  mom: number;
  damp1: number;
  nesterov: boolean;
  maximize: boolean;
}

/** Adam's scalars shared by a group (the step size and bias correction are per parameter). */
export interface FusedAdamScalars {
  maximize: boolean;
  l2: number;
  decay: number;
  b1: number;
  omb1: number;
  b2: number;
  omb2: number;
  eps: number;
}

/**
 * Each call updates every listed parameter (all Float32Array or all Float64Array) and returns true,
 * or returns false having written nothing.
 */
export interface FusedOptimizer {
  sgdStep(params: F[], grads: F[], bufs: F[] | null, first: boolean[] | null, s: FusedSgdScalars): boolean;
  adamStep(
    params: F[], grads: F[], expAvg: F[], expAvgSq: F[], maxExpAvgSq: F[] | null,
    negStepSize: number[], bc2Sqrt: number[], s: FusedAdamScalars,
  ): boolean;
}
