/**
 * Reading and checking test/fixtures/defects.json (scripts/fixtures/gen_defects.py): tensors whose data
 * may hold NaN and infinities (written "nan", "inf", "-inf"), and a comparison that holds them to
 * PyTorch's exactly (NaN where PyTorch has NaN, the same infinity) and finite values elementwise.
 */
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

export type Tensor = torch.Tensor;
export type DTypeName = "float32" | "float64" | "int32" | "int64" | "bool";
type Num = number | "nan" | "inf" | "-inf";

export interface TensJson {
  shape: number[];
  dtype: DTypeName;
  data: Num[];
  requiresGrad?: boolean;
}

export type InputJson = { tensor: TensJson & { requiresGrad: boolean } } | { scalar: Num };

export interface DefectCase {
  name: string;
  inputs: InputJson[];
  output?: TensJson[];
  error?: { class: string; pyType: string; message: string };
  gradOutput?: TensJson | null;
  grads?: (TensJson | null)[];
  rtol?: number;
  atol?: number;
}

export interface DefectFile {
  generator: string;
  torch: string;
  cases: DefectCase[];
}

export function loadDefects(url: URL): DefectFile {
  return JSON.parse(readFileSync(url, "utf8")) as DefectFile;
}

export function decode(v: Num): number {
  return v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v;
}

/** A contiguous leaf holding the fixture's values. */
export function fromJson(t: TensJson, requiresGrad = false): Tensor {
  const data = t.data.map(decode);
  const storage =
    t.dtype === "float32" ? Float32Array.from(data)
    : t.dtype === "int32" ? Int32Array.from(data)
    : t.dtype === "bool" ? Uint8Array.from(data)
    : Float64Array.from(data);
  const flat = torch.tensor(storage, { dtype: t.dtype });
  const leaf = flat.reshape(t.shape).detach();
  return requiresGrad ? leaf.requiresGrad_(true) : leaf;
}

export type Arg = Tensor | number;

export function buildInputs(c: DefectCase): { leaves: (Tensor | null)[]; args: Arg[] } {
  const leaves: (Tensor | null)[] = [];
  const args: Arg[] = [];
  for (const inp of c.inputs) {
    if ("scalar" in inp) {
      leaves.push(null);
      args.push(decode(inp.scalar));
    } else {
      const t = fromJson(inp.tensor, inp.tensor.requiresGrad);
      leaves.push(t);
      args.push(t);
    }
  }
  return { leaves, args };
}

const DEFAULT_TOL: Record<string, [number, number]> = { float32: [2e-6, 1e-6], float64: [1e-12, 1e-12] };

/**
 * Checks shape, dtype and (when the fixture records it) requiresGrad exactly; integer and bool data
 * exactly; floating data elementwise, |a - b| <= atol + rtol |b|, with NaN and infinities as in PyTorch.
 */
export function checkTensor(actual: Tensor | null | undefined, expected: TensJson, where: string, tol?: { rtol?: number; atol?: number }): void {
  if (actual === null || actual === undefined) throw new Error(`${where}: expected a tensor, got ${String(actual)}`);
  const shape = [...actual.shape];
  if (shape.length !== expected.shape.length || shape.some((n, i) => n !== expected.shape[i])) {
    throw new Error(`${where}: shape [${shape.join(", ")}], expected [${expected.shape.join(", ")}]`);
  }
  if (actual.dtype !== expected.dtype) throw new Error(`${where}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  if (expected.requiresGrad !== undefined && actual.requiresGrad !== expected.requiresGrad) {
    throw new Error(`${where}: requiresGrad ${actual.requiresGrad}, expected ${expected.requiresGrad}`);
  }
  const got = Array.from(actual.toTypedArray(), Number);
  const want = expected.data.map(decode);
  const floating = expected.dtype === "float32" || expected.dtype === "float64";
  const [rtol, atol] = [tol?.rtol ?? DEFAULT_TOL[expected.dtype]?.[0] ?? 0, tol?.atol ?? DEFAULT_TOL[expected.dtype]?.[1] ?? 0];
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    const ok = !floating ? a === b
      : Number.isNaN(b) ? Number.isNaN(a)
      : !Number.isFinite(b) ? a === b
      : Math.abs(a - b) <= atol + rtol * Math.abs(b);
    if (!ok) {
      const show = (xs: number[]) => (xs.length > 12 ? `${JSON.stringify(xs.slice(0, 12))}...` : JSON.stringify(xs));
      throw new Error(`${where}: element ${i}: got ${a}, expected ${b}\n  got      ${show(got)}\n  expected ${show(want)}`);
    }
  }
}
