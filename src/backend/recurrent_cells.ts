/**
 * The optional kernel "recurrentCells": one recurrent time step's pointwise work in one call, for the
 * fused LSTM, GRU and Elman RNN layers (src/ops/recurrent_lstm.ts, recurrent_steps.ts). Each method
 * returns false, having written nothing, when it declines its arrays (not all float32 or all float64);
 * the op then runs its reference: the backend's vector kernels (LSTM) or the JS loops of
 * src/backend/js/recurrent.ts (GRU, RNN), which define the layouts and arithmetic these repeat
 * (sigmoid and tanh within float32 rounding of the reference's, the rest bit for bit).
 * The native backend has it (native/addon_recurrent.cc); the js and wasm backends run the references.
 */
export type Floats = Float32Array | Float64Array;

export interface RecurrentCells {
  /**
   * LSTM step forward over gate rows Z[z..] [bs, 4H] (pre-activations, the g quarter doubled),
   * replaced by their sigmoids; g = 2 s - 1 to Gt[q..], c_{t-1} (cS rows) to CP[q..], c_t to cS,
   * tanh(c_t) to TC[q..], o * tanh(c_t) to out[outOff..] (rows [bs, H]).
   */
  lstmForward(Z: Floats, z: number, cS: Floats, CP: Floats, Gt: Floats, TC: Floats, q: number, out: Floats, outOff: number, bs: number, H: number): boolean;
  /** LSTM step backward: gate pre-activation gradients to dG[z..] rows [bs, 4H]; dcS (rows) from dL/dc_t to dL/dc_{t-1}; d = dL/dh_t rows. */
  lstmBackward(Z: Floats, z: number, Gt: Floats, CP: Floats, TC: Floats, q: number, d: Floats, dcS: Floats, dG: Floats, bs: number, H: number): boolean;
  /** js/recurrent.ts gruResetUpdate, sigmoid, gruNewGate, tanh and gruHidden in one pass (GI's gate rows at giOff + r*giLd). */
  gruForward(GI: Floats, giOff: number, giLd: number, GH: Floats, A: Floats, a: number, GHN: Floats, k: number, hS: Floats, H: number, bs: number): boolean;
  /** js/recurrent.ts gruCellBackward. */
  gruBackward(
    dhS: Floats, A: Floats, a: number, GHN: Floats, k: number, HP: Floats, row0: number,
    dGI: Floats, dGH: Floats, gOff: number, gLd: number, H: number, bs: number,
  ): boolean;
  /** The RNN's activation (tanh or relu) over A[a..] [H, bs] in place, then js/recurrent.ts columnsToRows into hS. */
  rnnForward(A: Floats, a: number, hS: Floats, H: number, bs: number, relu: boolean): boolean;
  /** js/recurrent.ts rnnCellBackward. */
  rnnBackward(dhS: Floats, A: Floats, k: number, relu: boolean, dG: Floats, gOff: number, gLd: number, H: number, bs: number): boolean;
}
