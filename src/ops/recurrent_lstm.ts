/**
 * The LSTM's time loop (for recurrent_layer.ts), written with the backend's vector kernels only, so
 * the native and WASM backends run every pointwise step in their SIMD loops:
 *
 * - Gates stay in the sequence's row layout, [N, 4H] (i, f, g, o per row, PyTorch's order). All the
 *   input projections are one GEMM before the loop; each step adds h_{t-1} W_hh^T (one GEMM) and
 *   applies ONE sigmoid to its whole [bs, 4H] block: the g rows of the weights and bias are doubled
 *   (exact in floating point), so that tanh(x) = 2 sigmoid(2x) - 1 comes from the same pass.
 * - The cell update and its backward are a few `binary` calls over [bs, H] column slices of that
 *   block (strided views); step t's gate gradients are written to rows of one [N, 4H] matrix, so the
 *   weight and input gradients are one GEMM each afterwards.
 *
 * States h and c are rows [B0, *]; with packed input step t updates only the first batchSizes[t] rows.
 *
 * A backend with the optional kernel "recurrentCells" (the native one) does each step's pointwise work,
 * either way, in one call; the vector-kernel code below is its reference.
 */
import type { StridedView } from "../backend/backend.ts";
import { backend } from "../backend/registry.ts";
import type { Floats, Plan, Weights } from "./recurrent_steps.ts";

const view = (data: Floats, offset: number, strides: readonly number[]): StridedView => ({ data, offset, strides });

export interface LstmSaved {
  Y: Floats;
  hS: Floats;
  cS: Floats;
  /** Sigmoid of the gate pre-activations (the g quarter of 2x), rows [N, 4H]. */
  Z: Floats;
  /** Per step (rows, when p.keep): g = tanh, c_{t-1}, tanh(c_t), h_{t-1}, and r = o*tanh(c) with a projection. */
  Gt: Floats;
  CP: Floats;
  TC: Floats;
  HP: Floats | null;
  R: Floats | null;
  /** W_hh with its g rows doubled (the forward's operand). */
  WhhS: Floats;
}

/** x * scale per row of a [rows, cols] array, scale [rows] (the g rows doubled). */
function scaledRows(x: Floats, rows: number, cols: number, scale: Floats, alloc: (n: number) => Floats): Floats {
  const out = alloc(rows * cols);
  backend().binary("mul", view(x, 0, [cols, 1]), view(scale, 0, [1, 0]), out, [rows, cols]);
  return out;
}

export function lstmForward(p: Plan, w: Weights, s: LstmSaved, big: (n: number) => Floats): void {
  const k = backend();
  const { H, P, I, N, B0 } = p;
  const G = 4 * H;
  const scale = p.alloc(G).fill(1).fill(2, 2 * H, 3 * H);
  const WihS = scaledRows(w.Wih, G, I, scale, big);
  s.WhhS = scaledRows(w.Whh, G, P, scale, big);
  if (w.bsum !== null) {
    k.copy(view(scaledRows(w.bsum, G, 1, scale, big), 0, [0, 1]), [N, G], s.Z);
  } else {
    s.Z.fill(0);
  }
  if (N > 0) k.gemm(false, true, N, G, I, 1, w.X, 0, I, WihS, 0, I, 1, s.Z, 0, G);
  const two = p.alloc(1).fill(2);
  const t1 = p.alloc(H * B0);
  const t2 = p.alloc(H * B0);
  const rT = w.Whr !== null && s.R === null ? p.alloc(H * B0) : null;
  const cells = k.optionalKernel?.("recurrentCells");
  for (const t of p.order) {
    const bs = p.batchSizes[t]!;
    const st = p.starts[t]!;
    const n = bs * H;
    const z = st * G;
    const q = p.keep ? st * H : 0;
    const shape = [bs, H];
    const gate = (j: number): StridedView => view(s.Z, z + j * H, [G, 1]);
    if (s.HP !== null) s.HP.set(s.hS.subarray(0, bs * P), st * P);
    k.gemm(false, true, bs, G, P, 1, s.hS, 0, P, s.WhhS, 0, P, 1, s.Z, z, G);
    // h (or r = o tanh(c) before the projection) goes to out[outOff..].
    const out = w.Whr === null ? s.hS : (rT ?? s.R!);
    const outOff = rT === null && w.Whr !== null ? st * H : 0;
    if (cells?.lstmForward(s.Z, z, s.cS, s.CP, s.Gt, s.TC, q, out, outOff, bs, H)) {
      if (w.Whr !== null) k.gemm(false, true, bs, P, H, 1, out, outOff, H, w.Whr, 0, H, 0, s.hS, 0, P);
      s.Y.set(s.hS.subarray(0, bs * P), st * P);
      continue;
    }
    const zb = s.Z.subarray(z, z + bs * G);
    k.unary("sigmoid", zb, zb, bs * G);
    const g = s.Gt.subarray(q, q + n);
    k.binary("mul", gate(2), view(two, 0, [0, 0]), g, shape);
    k.binaryScalar("sub", g, 1, g, n, false);
    const cp = s.cS.subarray(0, n);
    s.CP.set(cp, q);
    k.binary("mul", gate(1), view(cp, 0, [H, 1]), t1, shape);
    k.binary("mul", gate(0), view(g, 0, [H, 1]), t2, shape);
    k.binary("add", view(t1, 0, [H, 1]), view(t2, 0, [H, 1]), cp, shape);
    const tc = s.TC.subarray(q, q + n);
    k.unary("tanh", cp, tc, n);
    if (w.Whr !== null) {
      const r = rT ?? s.R!.subarray(st * H, st * H + n);
      k.binary("mul", gate(3), view(tc, 0, [H, 1]), r, shape);
      k.gemm(false, true, bs, P, H, 1, r, 0, H, w.Whr, 0, H, 0, s.hS, 0, P);
    } else {
      k.binary("mul", gate(3), view(tc, 0, [H, 1]), s.hS, shape);
    }
    s.Y.set(s.hS.subarray(0, bs * P), st * P);
  }
}

/**
 * The loop backward. dhS/dcS: dL/dh_N, dL/dc_N rows on entry, dL/dh_0, dL/dc_0 on return. Writes the
 * gate pre-activation gradients to dG rows [N, 4H] and, with a projection, dL/dh per step to dH rows.
 */
export function lstmBackward(p: Plan, w: Weights, s: LstmSaved, dY: Floats | null, dhS: Floats, dcS: Floats, dG: Floats, dH: Floats | null): void {
  const k = backend();
  const { H, P, B0 } = p;
  const G = 4 * H;
  const u1 = p.alloc(H * B0);
  const dc = p.alloc(H * B0);
  const tg = p.alloc(G * B0);
  const sd = p.alloc(G * B0);
  const dr = dH !== null ? p.alloc(H * B0) : null;
  const cells = k.optionalKernel?.("recurrentCells");
  const row = (x: Floats): StridedView => view(x, 0, [H, 1]);
  for (let idx = p.order.length - 1; idx >= 0; idx--) {
    const t = p.order[idx]!;
    const bs = p.batchSizes[t]!;
    const st = p.starts[t]!;
    const n = bs * H;
    const z = st * G;
    const q = st * H;
    const shape = [bs, H];
    const gate = (j: number): StridedView => view(s.Z, z + j * H, [G, 1]);
    const at = (x: Floats): StridedView => view(x, q, [H, 1]);
    if (dY !== null) k.binary("add", view(dhS, 0, [P, 1]), view(dY, st * P, [P, 1]), dhS, [bs, P]);
    let d = dhS;
    if (dr !== null) {
      dH!.set(dhS.subarray(0, bs * P), st * P);
      k.gemm(false, false, bs, H, P, 1, dhS, 0, P, w.Whr!, 0, H, 0, dr, 0, H);
      d = dr;
    }
    if (cells?.lstmBackward(s.Z, z, s.Gt, s.CP, s.TC, q, d, dcS, dG, bs, H)) {
      k.gemm(false, false, bs, P, G, 1, dG, z, G, w.Whh, 0, P, 0, dhS, 0, P);
      continue;
    }
    const g = at(s.Gt);
    const tc = at(s.TC);
    // dc = dc_next + d * o * (1 - tanh(c)^2)
    k.binary("mul", tc, tc, u1, shape);
    k.binaryScalar("sub", u1, 1, u1, n, true);
    k.binary("mul", row(u1), gate(3), u1, shape);
    k.binary("mul", row(u1), row(d), u1, shape);
    k.binary("add", row(u1), row(dcS), dc, shape);
    // Each gate's pre-activation gradient is (its output's gradient) * act'(pre). act' is s(1 - s)
    // for the three sigmoids and, g being 2 sigmoid(2x) - 1, 1 - g^2 = 4 s(1 - s) for g: so the
    // whole block's derivative is one Z - Z*Z, with the 4 folded into g's factor.
    const zb = view(s.Z, z, [G, 1]);
    k.binary("mul", zb, zb, sd, [bs, G]);
    k.binary("sub", zb, view(sd, 0, [G, 1]), sd, [bs, G]);
    // The factors, gate-major [4][bs][H]: dc*g, dc*c_{t-1}, 4*dc*i, d*tanh(c).
    const fi = tg.subarray(0, n);
    const ff = tg.subarray(n, 2 * n);
    const fg = tg.subarray(2 * n, 3 * n);
    const fo = tg.subarray(3 * n, 4 * n);
    k.binary("mul", row(dc), g, fi, shape);
    k.binary("mul", row(dc), at(s.CP), ff, shape);
    k.binary("mul", row(dc), gate(0), fg, shape);
    k.binaryScalar("mul", fg, 4, fg, n, false);
    k.binary("mul", row(d), tc, fo, shape);
    k.binary("mul", row(dc), gate(1), dcS, shape);
    // dG rows [bs, 4H] = derivative [bs, 4, H] * factors viewed from [4][bs][H].
    k.binary("mul", view(sd, 0, [G, H, 1]), view(tg, 0, [H, n, 1]), dG.subarray(z, z + bs * G), [bs, 4, H]);
    k.gemm(false, false, bs, P, G, 1, dG, z, G, w.Whh, 0, P, 0, dhS, 0, P);
  }
}
