/**
 * Helpers for the PyTorch reference fixtures (test/fixtures/ops*.json, written by
 * scripts/fixtures/gen_ops.py): JSON types, building kindling tensors from them, and comparisons with
 * readable failure messages.
 *
 * Error metric (normwise relative error, as in LAPACK's error bounds):
 *
 *     err = max_i |a_i - b_i| / max(max_i |b_i|, FLOOR),    FLOOR = 1e-3
 *
 * where a is kindling's result and b PyTorch's. It is measured over the whole tensor, not per element:
 * an element-wise relative error is meaningless for entries that are (near) zero through cancellation
 * (x + y with y ~ -x, a gradient that is 0 by symmetry), while the rounding error of every element is
 * bounded by the magnitude of the numbers that produced it, which the tensor's largest entry tracks.
 * FLOOR keeps an all-(near-)zero expected tensor from dividing by ~0: there the test becomes an absolute
 * one, |a - b| <= FLOOR * tol (1e-8 in float64, 1e-7 in float32). A non-finite a is an error of +inf.
 * Tolerances: 1e-5 for float64 and 1e-4 for float32. Integer and bool tensors must match exactly; shapes
 * and dtypes must match exactly.
 */
import { readFileSync } from "node:fs";
import * as torch from "../../src/index.ts";

export type Tensor = ReturnType<typeof torch.tensor>;
export type DTypeName = "float32" | "float64" | "int32" | "int64" | "bool";

/** A tensor as the fixtures write it: shape, dtype and flat row-major data (bool as 0/1). */
export interface TensJson {
  shape: number[];
  dtype: DTypeName;
  data: number[];
}

export interface TensorInputJson {
  tensor: TensJson & { requiresGrad: boolean; permute?: number[] };
}
export interface ScalarInputJson {
  scalar: number;
}
export type InputJson = TensorInputJson | ScalarInputJson;

/** Union of every op's keyword arguments (see PY in gen_ops.py). */
export interface Kwargs {
  dim?: number | number[];
  keepdim?: boolean;
  unbiased?: boolean;
  min?: number;
  max?: number;
  value?: number;
  shape?: number[];
  dims?: number[];
  dim0?: number;
  dim1?: number;
  start?: number;
  length?: number;
  index?: number;
}

export interface CaseJson {
  name: string;
  op: string;
  dtype: "float32" | "float64";
  inputs: InputJson[];
  kwargs: Kwargs;
  output?: TensJson;
  outputs?: { values: TensJson; indices: TensJson };
  gradOutput: TensJson | null;
  grads: (TensJson | null)[];
}

export interface FixtureFile {
  generator: string;
  torch: string;
  seed?: number;
  cases: CaseJson[];
}

export const REL_FLOOR = 1e-3;
export const TOLERANCE: Record<string, number> = { float64: 1e-5, float32: 1e-4 };

export function loadFixtures(url: URL): FixtureFile {
  const parsed = JSON.parse(readFileSync(url, "utf8")) as FixtureFile;
  if (!Array.isArray(parsed.cases) || parsed.cases.length === 0) {
    throw new Error(`${url.pathname}: no cases`);
  }
  return parsed;
}

function storageFor(dtype: DTypeName, data: number[]): Float32Array | Float64Array | Int32Array | Uint8Array {
  switch (dtype) {
    case "float32":
      return Float32Array.from(data);
    case "float64":
    case "int64":
      return Float64Array.from(data);
    case "int32":
      return Int32Array.from(data);
    case "bool":
      return Uint8Array.from(data, (v) => (v ? 1 : 0));
  }
}

/** A contiguous leaf tensor holding the fixture's data (not requiring grad unless asked). */
export function fromJson(t: TensJson, requiresGrad = false): Tensor {
  const flat = torch.tensor(storageFor(t.dtype, t.data), { dtype: t.dtype });
  const leaf = flat.reshape(t.shape).detach();
  return requiresGrad ? leaf.requiresGrad_(true) : leaf;
}

export type Arg = Tensor | number;

/**
 * The op arguments of a case: leaves (for reading .grad afterwards; null for scalars) and the values
 * passed to the op (the leaf, or its permuted view when the input has "permute").
 */
export function buildInputs(c: CaseJson): { leaves: (Tensor | null)[]; args: Arg[] } {
  const leaves: (Tensor | null)[] = [];
  const args: Arg[] = [];
  for (const inp of c.inputs) {
    if ("scalar" in inp) {
      leaves.push(null);
      args.push(inp.scalar);
      continue;
    }
    const spec = inp.tensor;
    const leaf = fromJson(spec, spec.requiresGrad);
    leaves.push(leaf);
    args.push(spec.permute ? leaf.permute(spec.permute) : leaf);
  }
  return { leaves, args };
}

/** Normwise relative error (see the header); +Infinity when `actual` holds a non-finite value. */
export function relError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): { err: number; maxAbsDiff: number; at: number } {
  let maxAbsDiff = 0;
  let at = -1;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    scale = Math.max(scale, Math.abs(b));
    const d = Number.isFinite(a) ? Math.abs(a - b) : Infinity;
    if (d > maxAbsDiff || at < 0) {
      maxAbsDiff = d;
      at = i;
    }
  }
  return { err: maxAbsDiff / Math.max(scale, REL_FLOOR), maxAbsDiff, at };
}

function shapeStr(s: readonly number[]): string {
  return `[${s.join(", ")}]`;
}

/** Indices of a flat row-major position, e.g. "[1, 2]". */
function unravel(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx.unshift(i % n);
    i = Math.floor(i / n);
  }
  return shapeStr(idx);
}

/**
 * Checks a kindling tensor against a fixture tensor: shape and dtype exactly, integer/bool data
 * exactly, floating data within the dtype's tolerance. `where` names the case and the tensor.
 */
export function checkTensor(actual: Tensor | null | undefined, expected: TensJson, where: string): void {
  if (actual === null || actual === undefined) {
    throw new Error(`${where}: expected a tensor of shape ${shapeStr(expected.shape)}, got ${String(actual)}`);
  }
  const shape = [...actual.shape];
  if (shape.length !== expected.shape.length || shape.some((n, i) => n !== expected.shape[i])) {
    throw new Error(`${where}: shape ${shapeStr(shape)}, expected ${shapeStr(expected.shape)}`);
  }
  if (actual.dtype !== expected.dtype) {
    throw new Error(`${where}: dtype ${actual.dtype}, expected ${expected.dtype}`);
  }
  const data = actual.toTypedArray();
  if (data.length !== expected.data.length) {
    throw new Error(`${where}: ${data.length} elements, expected ${expected.data.length}`);
  }
  if (expected.dtype === "float32" || expected.dtype === "float64") {
    const tol = TOLERANCE[expected.dtype]!;
    const { err, maxAbsDiff, at } = relError(data, expected.data);
    if (!(err <= tol)) {
      throw new Error(
        `${where}: max relative error ${err.toExponential(3)} > ${tol} (${expected.dtype}); ` +
          `max |diff| ${maxAbsDiff.toExponential(3)} at ${unravel(at, expected.shape)}: ` +
          `got ${data[at]}, expected ${expected.data[at]}`,
      );
    }
    return;
  }
  for (let i = 0; i < data.length; i++) {
    const a = expected.dtype === "bool" ? (data[i] ? 1 : 0) : data[i];
    if (a !== expected.data[i]) {
      throw new Error(
        `${where}: ${expected.dtype} mismatch at ${unravel(i, expected.shape)}: got ${data[i]}, ` +
          `expected ${expected.data[i]}\n  got      ${JSON.stringify(Array.from(data))}` +
          `\n  expected ${JSON.stringify(expected.data)}`,
      );
    }
  }
}
