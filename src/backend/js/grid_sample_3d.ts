import type { GridSample3dGeometry } from "../backend.ts";

type F = Float32Array | Float64Array;
type Round = (v: number) => number;

/**
 * Grid sampling of [N, C, D, H, W] at the (x, y, z) points of a [N, oD, oH, oW, 3] grid: PyTorch 1.13's
 * scalar CPU kernel (GridSampler.cpp, which 5-D input always takes), not the vectorised 2-D one, so its own
 * rules: unnormalisation ((g + 1) * size - 1) / 2; clipping by std::min/std::max, which sends NaN to the far
 * border; coordinates past the int range (and NaN left after zeros padding) moved to -100, outside;
 * corners outside skipped rather than read as 0; nearest rounds half away from zero (std::round).
 */

/** a * b + c rounded once: PyTorch's compiler fuses the unnormalisation's multiply-add. */
function fma(a: number, b: number, c: number, single: boolean): number {
  if (single) return Math.fround(a * b + c); // a float times a small integer plus 1 is exact in a double
  const p = a * b;
  const t = 134217729 * a;
  const ah = t - (t - a);
  const al = a - ah;
  const err = ah * b - p + al * b; // b is a small integer: exact halves
  const s = p + c;
  const bp = s - p;
  return s + (p - (s - bp) + (c - bp) + err);
}

/** One spatial dim of the scalar kernel: compute_source_index and its _set_grad twin. */
class Axis3 {
  constructor(readonly size: number, readonly align: boolean, readonly padding: GridSample3dGeometry["padding"], readonly r: Round, readonly single: boolean) {}

  private unnormalize(g: number): number {
    const r = this.r;
    if (this.align) return r(r(r(g + 1) / 2) * (this.size - 1));
    return r(fma(r(g + 1), this.size, -1, this.single) / 2);
  }

  /** std::min(size - 1, std::max(v, 0)): NaN passes max and loses min's comparison, so it becomes size - 1. */
  private clip(v: number): number {
    const lo = v < 0 ? 0 : v;
    return lo < this.size - 1 ? lo : this.size - 1;
  }

  /** Mirror images about [low, high] (twice-values, as PyTorch passes them); the sign of d/dv with it. */
  private reflect(v: number): [number, number] {
    const r = this.r;
    const twiceLow = this.align ? 0 : -1;
    const twiceHigh = this.align ? 2 * (this.size - 1) : 2 * this.size - 1;
    if (twiceLow === twiceHigh) return [0, 0];
    const min = twiceLow / 2;
    const span = (twiceHigh - twiceLow) / 2;
    let d = r(v - min);
    const sign = d < 0 ? -1 : 1;
    d = Math.abs(d);
    const extra = d % span;
    const flips = Math.floor(r(d / span));
    // A non-finite flip count is INT_MIN after the kernel's int cast: even.
    if (!Number.isFinite(flips) || flips % 2 === 0) return [r(extra + min), sign];
    return [r(r(span - extra) + min), -sign];
  }

  /** safe_downgrade_to_int_range: what an int could not hold is moved far outside. */
  private static safe(v: number): number {
    return v > 2147483646 || v < -2147483648 || !Number.isFinite(v) ? -100 : v;
  }

  place(g: number): number {
    let v = this.unnormalize(g);
    if (this.padding === "border") v = this.clip(v);
    else if (this.padding === "reflection") v = this.clip(this.reflect(v)[0]);
    return Axis3.safe(v);
  }

  placeWithGrad(g: number): [number, number] {
    const r = this.r;
    let v = this.unnormalize(g);
    let grad = this.align ? r((this.size - 1) / 2) : r(this.size / 2);
    if (this.padding !== "zeros") {
      let mult = 1;
      if (this.padding === "reflection") [v, mult] = this.reflect(v);
      // Here the borders count as outside (gradient 0), and NaN stays inside (gradient kept).
      if (v <= 0) [v, mult] = [0, 0];
      else if (v >= this.size - 1) [v, mult] = [this.size - 1, 0];
      grad = r(grad * mult);
    }
    return [Axis3.safe(v), grad];
  }
}

function axes(geo: GridSample3dGeometry): [Axis3, Axis3, Axis3] {
  const r: Round = geo.single ? Math.fround : (v) => v;
  const make = (size: number) => new Axis3(size, geo.alignCorners, geo.padding, r, geo.single);
  return [make(geo.W), make(geo.H), make(geo.D)];
}

/** std::round: halves go away from zero. */
const roundAway = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5);

/** Visits every grid point: batch n, flat output position p, the grid offset k of its (x, y, z). */
function points(geo: GridSample3dGeometry, visit: (n: number, p: number, k: number) => void): void {
  const P = geo.oD * geo.oH * geo.oW;
  for (let n = 0; n < geo.N; n++) for (let p = 0; p < P; p++) visit(n, p, (n * P + p) * 3);
}

/** The eight corners around (x, y, z) in PyTorch's order (tnw, tne, tsw, tse, bnw, bne, bsw, bse). */
function corners(x: number, y: number, z: number, geo: GridSample3dGeometry, r: Round) {
  const x0 = Math.floor(x), y0 = Math.floor(y), z0 = Math.floor(z);
  const wx = [r(x0 + 1 - x), r(x - x0)], wy = [r(y0 + 1 - y), r(y - y0)], wz = [r(z0 + 1 - z), r(z - z0)];
  const list: { dx: number; dy: number; dz: number; at: number; inside: boolean; w: number }[] = [];
  for (let dz = 0; dz < 2; dz++) {
    for (let dy = 0; dy < 2; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const xi = x0 + dx, yi = y0 + dy, zi = z0 + dz;
        const inside = xi >= 0 && xi < geo.W && yi >= 0 && yi < geo.H && zi >= 0 && zi < geo.D;
        list.push({ dx, dy, dz, at: (zi * geo.H + yi) * geo.W + xi, inside, w: r(r(wx[dx]! * wy[dy]!) * wz[dz]!) });
      }
    }
  }
  return { wx, wy, wz, list };
}

export function gridSample3d(x: F, grid: F, geo: GridSample3dGeometry, out: F): void {
  const { C, D, H, W, oD, oH, oW } = geo;
  const [ax, ay, az] = axes(geo);
  const r = ax.r;
  const V = D * H * W, P = oD * oH * oW;
  points(geo, (n, p, k) => {
    const xs = ax.place(grid[k]!), ys = ay.place(grid[k + 1]!), zs = az.place(grid[k + 2]!);
    const o = n * C * P + p;
    if (geo.mode === "nearest") {
      const xi = roundAway(xs), yi = roundAway(ys), zi = roundAway(zs);
      const inside = xi >= 0 && xi < W && yi >= 0 && yi < H && zi >= 0 && zi < D;
      for (let c = 0; c < C; c++) out[o + c * P] = inside ? x[(n * C + c) * V + (zi * H + yi) * W + xi]! : 0;
      return;
    }
    const { list } = corners(xs, ys, zs, geo, r);
    for (let c = 0; c < C; c++) {
      const vol = (n * C + c) * V;
      let acc = 0;
      for (const q of list) if (q.inside) acc = r(acc + r(x[vol + q.at]! * q.w));
      out[o + c * P] = acc;
    }
  });
}

/** gridSample3d's gradients: gInput (pre-zeroed; null when not wanted) and gGrid (0 for nearest). */
export function gridSample3dBackward(g: F, x: F, grid: F, geo: GridSample3dGeometry, gInput: F | null, gGrid: F): void {
  const { C, D, H, W, oD, oH, oW } = geo;
  const [ax, ay, az] = axes(geo);
  const r = ax.r;
  const V = D * H * W, P = oD * oH * oW;
  points(geo, (n, p, k) => {
    const o = n * C * P + p;
    if (geo.mode === "nearest") {
      gGrid[k] = gGrid[k + 1] = gGrid[k + 2] = 0;
      if (!gInput) return;
      // The backward places points with the gradient-tracking clip, where NaN is not pulled to the border.
      const at = (a: Axis3, v: number) => roundAway(a.placeWithGrad(v)[0]);
      const xi = at(ax, grid[k]!), yi = at(ay, grid[k + 1]!), zi = at(az, grid[k + 2]!);
      if (!(xi >= 0 && xi < W && yi >= 0 && yi < H && zi >= 0 && zi < D)) return;
      for (let c = 0; c < C; c++) gInput[(n * C + c) * V + (zi * H + yi) * W + xi]! += g[o + c * P]!;
      return;
    }
    const [xs, mx] = ax.placeWithGrad(grid[k]!);
    const [ys, my] = ay.placeWithGrad(grid[k + 1]!);
    const [zs, mz] = az.placeWithGrad(grid[k + 2]!);
    const { wx, wy, wz, list } = corners(xs, ys, zs, geo, r);
    let gx = 0, gy = 0, gz = 0;
    for (let c = 0; c < C; c++) {
      const vol = (n * C + c) * V;
      const go = g[o + c * P]!;
      if (gInput) for (const q of list) if (q.inside) gInput[vol + q.at]! += r(q.w * go);
      for (const q of list) {
        if (!q.inside) continue;
        const v = x[vol + q.at]!;
        // d weight / d x is the y and z weights, signed by the side of the corner (and likewise for y, z).
        const tx = r(r(r(r(v * wy[q.dy]!) * wz[q.dz]!) * go));
        const ty = r(r(r(r(v * wx[q.dx]!) * wz[q.dz]!) * go));
        const tz = r(r(r(r(v * wx[q.dx]!) * wy[q.dy]!) * go));
        gx = r(q.dx ? gx + tx : gx - tx);
        gy = r(q.dy ? gy + ty : gy - ty);
        gz = r(q.dz ? gz + tz : gz - tz);
      }
    }
    gGrid[k] = r(mx * gx);
    gGrid[k + 1] = r(my * gy);
    gGrid[k + 2] = r(mz * gz);
  });
}
