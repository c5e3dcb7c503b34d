import type { GridSampleGeometry } from "../backend.ts";

type F = Float32Array | Float64Array;

/**
 * Grid sampling of [N, C, H, W] at the (x, y) points of a [N, oH, oW, 2] grid in [-1, 1], PyTorch 1.13's
 * vectorised CPU kernel (GridSamplerKernel.cpp) point for point: its unnormalisation ((g + 1) * size/2 - 0.5,
 * not the scalar fallback's ((g + 1) * size - 1) / 2), its clipping that sends NaN to 0, its rounding in
 * float32 when the data is float32 (`r`), its sums in the same order. Its one int conversion is replaced by
 * float comparisons, which agree for every finite coordinate and for NaN.
 */

const A = -0.75; // the cubic convolution constant of PyTorch's bicubic modes

/** One spatial dim: where a normalised coordinate lands, and its derivative (PyTorch's ComputeLocation). */
class Axis {
  readonly max: number;
  readonly scale: number;
  readonly low: number;
  readonly twiceSpan: number;
  readonly empty: boolean;

  constructor(
    readonly size: number,
    readonly align: boolean,
    readonly padding: GridSampleGeometry["padding"],
    readonly r: (v: number) => number,
  ) {
    this.max = r(size - 1);
    this.scale = align ? r(r(size - 1) / 2) : r(size / 2);
    this.low = align ? 0 : -0.5;
    this.twiceSpan = align ? r(r(size - 1) * 2) : r(size * 2);
    this.empty = align ? size <= 1 : size <= 0;
  }

  unnormalize(g: number): number {
    const r = this.r;
    const v = r(r(g + 1) * this.scale);
    return this.align ? v : r(v - 0.5);
  }

  /** clamp to [0, max]; NaN becomes 0 (PyTorch puts 0 first in its max so that it wins over NaN). */
  clip(v: number): number {
    return v > 0 ? (v < this.max ? v : this.max) : 0;
  }

  /** Folds v into [low, low + span] by mirror images about both ends. */
  reflect(v: number): number {
    if (this.align && this.empty) return 0;
    const r = this.r;
    const ts = this.twiceSpan;
    const a = Math.abs(r(v - this.low));
    const extra = r(a - r(Math.trunc(r(a / ts)) * ts));
    return r(Math.min(extra, r(ts - extra)) + this.low);
  }

  /** Where the padding mode puts coordinate v (already unnormalised). */
  place(v: number): number {
    if (this.padding === "border") return this.clip(v);
    if (this.padding === "reflection") return this.clip(this.reflect(v));
    return v;
  }

  /** place(unnormalize(g)) and d(place)/dg. Unlike clip(), NaN stays NaN here, as in PyTorch's backward. */
  placeWithGrad(g: number): [number, number] {
    const v = this.unnormalize(g);
    if (this.padding === "zeros") return [v, this.scale];
    let res = v;
    let grad = this.scale;
    if (this.padding === "reflection") {
      if (this.align && this.empty) return [0, 0];
      const r = this.r;
      const ts = this.twiceSpan;
      const rel = r(v - this.low);
      const a = Math.abs(rel);
      const extra = r(a - r(Math.trunc(r(a / ts)) * ts));
      const mirrored = r(ts - extra);
      const flip = extra > mirrored;
      res = r((flip ? mirrored : extra) + this.low);
      grad = flip !== rel < 0 ? -grad : grad;
    }
    // The borders themselves count as outside: their gradient is 0. Math.max/min keep NaN, as the kernel does here.
    const lo = Math.max(res, 0);
    const hi = Math.min(lo, this.max);
    return [hi, lo !== 0 && hi !== this.max ? grad : 0];
  }
}

/** Rounds half to even, as the kernel's vector round (nearbyint) does. */
function roundEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d !== 0.5) return d < 0.5 ? f : f + 1;
  return f % 2 === 0 ? f : f + 1;
}

function cubic(t: number, r: (v: number) => number): [number, number, number, number] {
  const outer = (x: number) => r(r(r(r(r(r(A * x) - 5 * A) * x) + 8 * A) * x) - 4 * A);
  const inner = (x: number) => r(r(r(r(r((A + 2) * x) - (A + 3)) * x) * x) + 1);
  return [outer(r(t + 1)), inner(t), inner(r(1 - t)), outer(r(2 - t))];
}

function cubicGrad(t: number, r: (v: number) => number): [number, number, number, number] {
  const x0 = r(-1 - t), x1 = r(0 - t), x2 = r(1 - t), x3 = r(2 - t);
  return [
    r(r(r(r(-3 * A * x0) - 10 * A) * x0) - 8 * A),
    r(r(r(-3 * (A + 2) * x1) - 2 * (A + 3)) * x1),
    r(r(r(3 * (A + 2) * x2) - 2 * (A + 3)) * x2),
    r(r(r(r(r(3 * A * x3) - 10 * A) * x3) + 8 * A)),
  ];
}

/** Visits every grid point: its batch n, its flat output position p and its (x, y) in the grid. */
function points(geo: GridSampleGeometry, grid: F, visit: (n: number, p: number, gx: number, gy: number) => void): void {
  const P = geo.oH * geo.oW;
  for (let n = 0; n < geo.N; n++) {
    for (let p = 0; p < P; p++) {
      const k = (n * P + p) * 2;
      visit(n, p, grid[k]!, grid[k + 1]!);
    }
  }
}

function axes(geo: GridSampleGeometry): [Axis, Axis] {
  const r = geo.single ? Math.fround : (v: number) => v;
  return [new Axis(geo.W, geo.alignCorners, geo.padding, r), new Axis(geo.H, geo.alignCorners, geo.padding, r)];
}

/** The four bilinear corners of (x, y): their weights, whether each lies inside, and the distances. */
function corners(x: number, y: number, geo: GridSampleGeometry, r: (v: number) => number) {
  const { H, W } = geo;
  const xw = Math.floor(x), yn = Math.floor(y);
  const w = r(x - xw), e = r(1 - w), n = r(y - yn), s = r(1 - n);
  const must = geo.padding !== "zeros";
  const wIn = must || (xw > -1 && xw < W);
  const nIn = must || (yn > -1 && yn < H);
  const eIn = (must || xw + 1 > -1) && xw + 1 < W;
  const sIn = (must || yn + 1 > -1) && yn + 1 < H;
  const at = yn * W + xw;
  return {
    n, s, w, e,
    weights: [r(s * e), r(s * w), r(n * e), r(n * w)],
    inside: [wIn && nIn, eIn && nIn, wIn && sIn, eIn && sIn],
    offsets: [at, at + 1, at + W, at + W + 1],
  };
}

/** Value at integer (xx, yy) after the padding mode places it; zeros padding reads 0 outside. */
function bounded(x: F, plane: number, xx: number, yy: number, ax: Axis, ay: Axis): number {
  const ix = Math.trunc(ax.place(xx)), iy = Math.trunc(ay.place(yy));
  if (!(ix > -1 && ix < ax.size && iy > -1 && iy < ay.size)) return 0;
  return x[plane + iy * ax.size + ix]!;
}

function addBounded(gx: F, plane: number, xx: number, yy: number, ax: Axis, ay: Axis, v: number): void {
  const ix = Math.trunc(ax.place(xx)), iy = Math.trunc(ay.place(yy));
  if (ix > -1 && ix < ax.size && iy > -1 && iy < ay.size) gx[plane + iy * ax.size + ix]! += v;
}

export function gridSample2d(x: F, grid: F, geo: GridSampleGeometry, out: F): void {
  const { C, H, W, oH, oW } = geo;
  const [ax, ay] = axes(geo);
  const r = ax.r;
  const HW = H * W, P = oH * oW;
  points(geo, grid, (n, p, gx, gy) => {
    const o = n * C * P + p;
    if (geo.mode === "bicubic") {
      const xs = ax.unnormalize(gx), ys = ay.unnormalize(gy);
      const ix = Math.floor(xs), iy = Math.floor(ys);
      const cx = cubic(r(xs - ix), r), cy = cubic(r(ys - iy), r);
      for (let c = 0; c < C; c++) {
        const plane = (n * C + c) * HW;
        let acc = 0;
        for (let j = 0; j < 4; j++) {
          const yy = iy - 1 + j;
          let row = 0;
          for (let i = 0; i < 4; i++) row = r(row + r(cx[i]! * bounded(x, plane, ix - 1 + i, yy, ax, ay)));
          acc = r(acc + r(cy[j]! * row));
        }
        out[o + c * P] = acc;
      }
      return;
    }
    const xs = ax.place(ax.unnormalize(gx)), ys = ay.place(ay.unnormalize(gy));
    if (geo.mode === "nearest") {
      const ix = roundEven(xs), iy = roundEven(ys);
      const inside = ix > -1 && ix < W && iy > -1 && iy < H;
      for (let c = 0; c < C; c++) out[o + c * P] = inside ? x[(n * C + c) * HW + iy * W + ix]! : 0;
      return;
    }
    const { weights, inside, offsets } = corners(xs, ys, geo, r);
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * HW;
      let acc = 0;
      // A corner outside reads 0 but still multiplies its weight, so a NaN weight gives NaN, as in PyTorch.
      for (let k = 0; k < 4; k++) acc = r(acc + r((inside[k] ? x[plane + offsets[k]!]! : 0) * weights[k]!));
      out[o + c * P] = acc;
    }
  });
}

/**
 * The gradients of gridSample2d: `gInput` (pre-zeroed, or null when not wanted) gets each output gradient
 * spread back over the pixels that were read; `gGrid` gets d out / d grid summed over channels (0 for nearest).
 */
export function gridSample2dBackward(g: F, x: F, grid: F, geo: GridSampleGeometry, gInput: F | null, gGrid: F): void {
  const { C, H, W, oH, oW } = geo;
  const [ax, ay] = axes(geo);
  const r = ax.r;
  const HW = H * W, P = oH * oW;
  points(geo, grid, (n, p, gxv, gyv) => {
    const o = n * C * P + p;
    const k2 = (n * P + p) * 2;
    if (geo.mode === "nearest") {
      gGrid[k2] = 0;
      gGrid[k2 + 1] = 0;
      if (!gInput) return;
      const ix = roundEven(ax.place(ax.unnormalize(gxv))), iy = roundEven(ay.place(ay.unnormalize(gyv)));
      if (!(ix > -1 && ix < W && iy > -1 && iy < H)) return;
      for (let c = 0; c < C; c++) gInput[(n * C + c) * HW + iy * W + ix]! += g[o + c * P]!;
      return;
    }
    let sx = 0, sy = 0;
    if (geo.mode === "bicubic") {
      const xs = ax.unnormalize(gxv), ys = ay.unnormalize(gyv);
      const ix = Math.floor(xs), iy = Math.floor(ys);
      const tx = r(xs - ix), ty = r(ys - iy);
      const cx = cubic(tx, r), cy = cubic(ty, r), dx = cubicGrad(tx, r), dy = cubicGrad(ty, r);
      for (let c = 0; c < C; c++) {
        const plane = (n * C + c) * HW;
        const go = g[o + c * P]!;
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 4; j++) {
            const xx = ix - 1 + i, yy = iy - 1 + j;
            if (gInput) addBounded(gInput, plane, xx, yy, ax, ay, r(r(go * cx[i]!) * cy[j]!));
            const vg = r(bounded(x, plane, xx, yy, ax, ay) * go);
            sx = r(sx - r(r(vg * dx[i]!) * cy[j]!));
            sy = r(sy - r(r(vg * dy[j]!) * cx[i]!));
          }
        }
      }
      // Bicubic ignores the padding's clipping in the grid gradient, as PyTorch does.
      gGrid[k2] = r(sx * ax.scale);
      gGrid[k2 + 1] = r(sy * ay.scale);
      return;
    }
    const [xs, mx] = ax.placeWithGrad(gxv);
    const [ys, my] = ay.placeWithGrad(gyv);
    const { n: dn, s: ds, w: dw, e: de, weights, inside, offsets } = corners(xs, ys, geo, r);
    for (let c = 0; c < C; c++) {
      const plane = (n * C + c) * HW;
      const go = g[o + c * P]!;
      const v = [0, 0, 0, 0];
      for (let k = 0; k < 4; k++) {
        if (!inside[k]) continue;
        v[k] = x[plane + offsets[k]!]!;
        if (gInput) gInput[plane + offsets[k]!]! += r(weights[k]! * go);
      }
      const [nw, ne, sw, se] = v as [number, number, number, number];
      sx = r(sx + r(r(r(r(ne - nw) * ds) + r(r(se - sw) * dn)) * go));
      sy = r(sy + r(r(r(r(sw - nw) * de) + r(r(se - ne) * dw)) * go));
    }
    gGrid[k2] = r(sx * mx);
    gGrid[k2 + 1] = r(sy * my);
  });
}
