import { isGradEnabled } from "../autograd/grad_mode.ts";
import { releaseWhenFreed } from "../autograd/activations.ts";
import { type Edge, MultiNode, OutputEdge, nodesMade } from "../autograd/node.ts";
import { record } from "../autograd/record.ts";
import { SavedVersions } from "../autograd/saved.ts";
import { backend } from "../backend/registry.ts";
import { type DType, allocStorage, allocUninitialized } from "../tensor/dtype.ts";
import { releaseStorage } from "../tensor/pool.ts";
import type { Generator } from "../tensor/random.ts";
import { broadcastStrides, contiguousStrides } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { dropoutInto } from "./dropout.ts";
import { sumToShape } from "./reduce.ts";
import { denseData, sv } from "./util.ts";
import { contiguous } from "./views.ts";

/**
 * Scaled dot-product attention over heads as one recorded op: softmax(scale * q k^T + bias), dropout,
 * times v, for every (n, h) block of q [N, H, L, E], k [N, H, S, E], v [N, H, S, Ev]. The blocks are
 * read in place through their strides (the heads of a projection need no copy), the scale rides on
 * the GEMM's alpha and the bias is the GEMM's C, the output is written straight into the layout the
 * out-projection reads, and backward hands q, k, v gradients laid out as q, k, v are, so the views
 * above them (permute, reshape) pass them on without copies. Temporaries go back to the buffer pool.
 */

/** Where the output goes: [N, H, L, Ev] ("nhld"), or heads merged as [L, N, H * Ev] ("lnhd") or [N, L, H * Ev] ("nlhd"). */
export type AttentionLayout = "nhld" | "lnhd" | "nlhd";

export interface FusedAttentionOptions {
  scale: number;
  /** Added to the scores; broadcasts to [N, H, L, S]; q's dtype. */
  bias: Tensor | null;
  dropoutP: number;
  generator?: Generator;
  /** Also return the attention weights (after dropout) as a second, differentiable output. */
  needWeights: boolean;
  layout: AttentionLayout;
  /**
   * The contiguous tensor q, k and v are all views of (self-attention's one projection [..., 3E]):
   * it is then the op's input, and backward writes the three gradients into one buffer shaped like it,
   * instead of three gradients each embedded into a zeroed copy of it.
   */
  packed?: Tensor | null;
}

type Floats = Float32Array | Float64Array;

/** Whether GEMM can read the [R, D] blocks of a 4-D tensor in place (unit column stride, rows apart). */
function blockReadable(t: Tensor): boolean {
  const [, , R, D] = t.shape as [number, number, number, number];
  return (t.strides[3] === 1 || D === 1) && (R === 1 || t.strides[2]! >= D);
}

/** Row stride GEMM gets for t's blocks. */
const ld = (t: Tensor): number => (t.shape[2] === 1 ? Math.max(t.shape[3]!, 1) : t.strides[2]!);

/** Strides of t's layout when its elements fill a buffer exactly (a permuted contiguous tensor), else null. */
function densePermutation(t: Tensor): number[] | null {
  const dims = t.shape.map((_, i) => i).filter((i) => t.shape[i] !== 1).sort((a, b) => t.strides[b]! - t.strides[a]!);
  let expect = 1;
  for (let j = dims.length - 1; j >= 0; j--) {
    if (t.strides[dims[j]!] !== expect) return null;
    expect *= t.shape[dims[j]!]!;
  }
  return [...t.strides];
}

/** A fresh gradient buffer for t, laid out as t is when that is dense (else contiguous). */
function freshGradLike(t: Tensor): Tensor {
  return Tensor.fromStorage(allocUninitialized(t.dtype, t.numel()), t.dtype, t.shape, densePermutation(t) ?? undefined);
}

export function fusedAttention(q0: Tensor, k0: Tensor, v0: Tensor, o: FusedAttentionOptions): { out: Tensor; weights: Tensor | null } {
  const pk = o.packed ?? null;
  const packed = pk !== null && pk.isContiguous() && [q0, k0, v0].every((t) => t.storage === pk.storage && blockReadable(t)) ? pk : null;
  const [q, k, v] = [q0, k0, v0].map((t) => (packed || blockReadable(t) ? t : contiguous(t))) as [Tensor, Tensor, Tensor];
  const [N, H, L, E] = q.shape as [number, number, number, number];
  const S = k.shape[2]!;
  const Ev = v.shape[3]!;
  const dtype: DType = q.dtype;
  const kern = backend();
  const NLS = N * H * L * S;
  const pShape = [N, H, L, S];
  /** f(block (n, h)'s offset in t, ..., in the [N, H, L, S] scores) for every head. */
  const eachHead = (f: (at: (t: Tensor) => number, p: number, n: number, h: number) => void): void => {
    for (let n = 0; n < N; n++) {
      for (let h = 0; h < H; h++) f((t) => t.offset + n * t.strides[0]! + h * t.strides[1]!, (n * H + h) * L * S, n, h);
    }
  };
  const Q = q.storage as Floats;
  const K = k.storage as Floats;
  const V = v.storage as Floats;

  const scores = allocUninitialized(dtype, NLS) as Floats;
  const b = o.bias;
  if (b !== null) kern.copy({ data: b.storage, offset: b.offset, strides: broadcastStrides(b.shape, b.strides, pShape) }, pShape, scores);
  eachHead((at, p) => kern.gemm(false, true, L, S, E, o.scale, Q, at(q), ld(q), K, at(k), ld(k), o.bias === null ? 0 : 1, scores, p, S));
  const P = allocUninitialized(dtype, NLS) as Floats;
  kern.softmax(scores, P, N * H * L, S, 1, false);
  releaseStorage(scores);
  // Dropout as F.dropout draws it: keep where U[0, 1) < 1 - p, scaled by 1 / (1 - p).
  let keep: Uint8Array | null = null;
  let scale = 0;
  let Pd = P;
  if (o.dropoutP > 0) {
    keep = allocUninitialized("bool", NLS) as Uint8Array;
    Pd = allocUninitialized(dtype, NLS) as Floats;
    scale = dropoutInto(P, keep, Pd, NLS, o.dropoutP, o.generator);
  }
  const [outShape, oAt, ldo] = outLayout(o.layout, N, H, L, Ev);
  const O = allocUninitialized(dtype, N * H * L * Ev) as Floats;
  eachHead((at, p, n, h) => kern.gemm(false, false, L, Ev, S, 1, Pd, p, S, V, at(v), ld(v), 0, O, oAt(n, h), ldo));
  const out = Tensor.fromStorage(O, dtype, outShape);
  const weights = o.needWeights ? Tensor.fromStorage(Pd, dtype, pShape) : null;
  const inputs = packed ? [packed, null, null, o.bias] : [q, k, v, o.bias];

  const backwardFn = (gOut: Tensor | null, gW: Tensor | null, needs0: readonly boolean[]): (Tensor | null)[] => {
    // Packed: the one input's gradient holds all three, each at its view's place in the packed layout.
    const gPacked = packed ? Tensor.fromStorage(allocUninitialized(dtype, packed.numel()), dtype, packed.shape) : null;
    const needs = packed ? [needs0[0]!, needs0[0]!, needs0[0]!, needs0[3]!] : needs0;
    const gradLike = (t: Tensor): Tensor => (gPacked ? Tensor.fromStorage(gPacked.storage, dtype, t.shape, t.strides, t.offset - packed!.offset) : freshGradLike(t));
    const gO = gOut === null ? null : (denseData(gOut) as Floats);
    // dL/dPd: from the output through v, plus what reached the returned weights.
    let gPd = (gO === null ? allocStorage(dtype, NLS) : allocUninitialized(dtype, NLS)) as Floats;
    if (gO !== null) eachHead((at, p, n, h) => kern.gemm(false, true, L, S, Ev, 1, gO, oAt(n, h), ldo, V, at(v), ld(v), 0, gPd, p, S));
    if (gW !== null) {
      const sum = allocUninitialized(dtype, NLS) as Floats;
      kern.binary("add", { data: gPd, offset: 0, strides: contiguousStrides(pShape) }, sv(gW), sum, pShape);
      releaseStorage(gPd);
      gPd = sum;
    }
    let gv: Tensor | null = null;
    if (needs[2]) {
      gv = gradLike(v);
      const g = gv;
      // No gradient reached the output: v's is zero (written through its view when packed).
      if (gO === null) kern.scatterInto(allocStorage(dtype, v.numel()), sv(g), v.shape);
      else eachHead((at, p, n, h) => kern.gemm(true, false, S, Ev, L, 1, Pd, p, S, gO, oAt(n, h), ldo, 0, g.storage as Floats, at(g), ld(g)));
    }
    let gP = gPd;
    if (keep !== null) {
      gP = allocUninitialized(dtype, NLS) as Floats;
      kern.dropoutBackward(keep, scale, gPd, gP, NLS);
      releaseStorage(gPd);
    }
    const gS = allocUninitialized(dtype, NLS) as Floats;
    kern.softmaxBackward(gP, P, gS, N * H * L, S, 1, false);
    releaseStorage(gP);
    const viaGemm = (t: Tensor, other: Tensor, transA: boolean): Tensor => {
      const g = gradLike(t);
      const src = other.storage as Floats;
      eachHead((at, p) => kern.gemm(transA, false, t.shape[2]!, E, transA ? L : S, o.scale, gS, p, S, src, at(other), ld(other), 0, g.storage as Floats, at(g), ld(g)));
      return g;
    };
    const gq = needs[0] ? viaGemm(q, k, false) : null;
    const gk = needs[1] ? viaGemm(k, q, true) : null;
    let gb: Tensor | null = null;
    if (needs[3] && o.bias !== null) gb = sumToShape(Tensor.fromStorage(gS, dtype, pShape), o.bias.shape);
    if (gb === null || gb.storage !== gS) releaseStorage(gS);
    return gPacked ? [needs0[0] ? gPacked : null, null, null, gb] : [gq, gk, gv, gb];
  };

  const since = nodesMade();
  const graph = isGradEnabled() && inputs.some((t) => t?.requiresGrad);
  const saved = [q, k, v, ...(weights ? [weights] : [])];
  if (graph && weights !== null) {
    const next: Edge[] = inputs.map((t) => (t !== null && t.requiresGrad ? (t.gradFn ?? t) : null));
    const node = new MultiNode("ScaledDotProductAttentionBackward", next, (grads, needs) => backwardFn(grads[0] ?? null, grads[1] ?? null, needs), 2, true,
      SavedVersions.take(saved, out, inputs));
    [out, weights].forEach((t, i) => {
      t.gradFn = new OutputEdge(node, i);
      t.requiresGrad = true;
    });
    return { out, weights };
  }
  if (graph) record(out, "ScaledDotProductAttentionBackward", inputs, (g, needs) => backwardFn(g, null, needs), saved);
  // P, the keep flags and the dropped P are this op's own (unless returned as the weights): back to the
  // storage pool once backward has released the node, or at once when no graph is recorded.
  releaseWhenFreed(out, since, [P, keep, Pd], [weights]);
  return { out, weights };
}

/** The output's shape, where block (n, h) starts, and its row stride, for a layout. */
function outLayout(layout: AttentionLayout, N: number, H: number, L: number, Ev: number): [number[], (n: number, h: number) => number, number] {
  if (layout === "nhld") return [[N, H, L, Ev], (n, h) => (n * H + h) * L * Ev, Ev];
  if (layout === "lnhd") return [[L, N, H * Ev], (n, h) => (n * H + h) * Ev, N * H * Ev];
  return [[N, L, H * Ev], (n, h) => n * L * H * Ev + h * Ev, H * Ev];
}
