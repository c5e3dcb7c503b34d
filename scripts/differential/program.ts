/**
 * Replaying one program of test/fixtures/differential.json (scripts/differential/gen_programs.py) on
 * kindling and comparing the outcome with PyTorch's: the value (dtype and shape exactly, NaN where
 * PyTorch has NaN, finite values within a tolerance), the gradients of sum(out * w), or that kindling
 * raises a typed KindlingError where PyTorch raises.
 */
import * as torch from "../../src/index.ts";

type Tensor = torch.Tensor;
type DTypeName = "float32" | "float64" | "int32" | "int64" | "bool";
type Num = number | boolean | "nan" | "inf" | "-inf" | "-0";

export interface TensJson { s: number[]; d: DTypeName; v: Num[] }
export interface InputJson extends TensJson { view?: ["t"] | ["step", number] | ["expand", number[]]; g?: boolean; at: number }
type Arg = Num | string | null | { v: number } | { ix: IxJson[] } | { dtype: DTypeName } | Arg[];
type IxJson = number | null | "..." | { slice: (number | null)[] } | { v: number };
export interface StepJson { op: string; a: Arg[]; kw?: Record<string, Arg>; pick?: number }
export interface ErrorJson { type: string; message: string }
export interface ProgramJson {
  id: number;
  inputs: InputJson[];
  ops: StepJson[];
  out?: TensJson;
  w?: TensJson;
  grads?: (TensJson | null)[];
  error?: ErrorJson;
  backwardError?: ErrorJson;
}

export type Verdict =
  | "pass" | "tolerated" | "value mismatch" | "dtype mismatch" | "shape mismatch" | "missing error" | "spurious error" | "untyped error";

export interface Outcome { verdict: Verdict; detail: string }

function num(v: Num): number {
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  if (v === "-0") return -0;
  return typeof v === "boolean" ? Number(v) : v;
}

function leaf(t: TensJson): Tensor {
  const data = t.v.map(num);
  const storage =
    t.d === "float32" ? Float32Array.from(data)
    : t.d === "int32" ? Int32Array.from(data)
    : t.d === "bool" ? Uint8Array.from(data)
    : Float64Array.from(data);
  return torch.tensor(storage, { dtype: t.d }).reshape(t.s).detach();
}

function input(spec: InputJson): { base: Tensor; view: Tensor } {
  const base = leaf(spec);
  if (spec.g) base.requiresGrad_(true);
  const v = spec.view;
  const view = v === undefined ? base
    : v[0] === "t" ? base.transpose(-1, -2)
    : v[0] === "step" ? base.index([torch.Slice(null, null, v[1])])
    : base.expand(v[1]);
  return { base, view };
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function resolve(a: Arg, vals: Tensor[]): unknown {
  if (Array.isArray(a)) return a.map((x) => resolve(x, vals));
  if (a !== null && typeof a === "object") {
    if ("v" in a) return vals[a.v];
    if ("dtype" in a) return a.dtype;
    return a.ix.map((i): torch.IndexItem =>
      i === "..." ? torch.Ellipsis
      : i === null || typeof i === "number" ? i
      : "slice" in i ? torch.Slice(i.slice[0] ?? null, i.slice[1] ?? null, i.slice[2] ?? null)
      : vals[i.v]!);
  }
  // strings are numbers ("nan", "-0") or words (einsum's equation, norm's "fro"), which num() passes through
  return typeof a === "string" ? num(a as Num) : a;
}

type Callable = (...args: unknown[]) => unknown;

function apply(step: StepJson, vals: Tensor[]): Tensor {
  const args = step.a.map((a) => resolve(a, vals));
  // keyword arguments are kindling's options object, in camelCase
  const extra = step.kw ? [Object.fromEntries(Object.entries(step.kw).map(([k, v]) => [camel(k), resolve(v, vals)]))] : [];
  // "torch.NAME" and "F.NAME" are functions of a namespace; any other name is a Tensor method
  const space = step.op.startsWith("torch.") ? (torch as unknown as Record<string, unknown>)
    : step.op.startsWith("F.") ? (torch.nn.functional as unknown as Record<string, unknown>)
    : step.op === "cat" || step.op === "stack" || step.op === "where" ? (torch as unknown as Record<string, unknown>)
    : null;
  let res: unknown;
  if (step.op === "index") {
    res = (args[0] as Tensor).index(args[1] as torch.IndexList);
  } else if (space) {
    const name = camel(step.op.slice(step.op.indexOf(".") + 1));
    const fn = space[name];
    if (typeof fn !== "function") throw new Error(`kindling has no function ${step.op.split(".")[0]}.${name}`);
    res = (fn as Callable)(...args, ...extra);
  } else {
    const self = args[0] as Tensor;
    const method = (self as unknown as Record<string, unknown>)[camel(step.op)];
    if (typeof method !== "function") throw new Error(`kindling has no method ${camel(step.op)}`);
    res = (method as Callable).call(self, ...args.slice(1), ...extra);
  }
  if (step.pick !== undefined) {
    const items = [...(res as Iterable<Tensor>)];
    res = items[step.pick < 0 ? items.length + step.pick : step.pick];
  }
  if (!(res instanceof torch.Tensor)) throw new Error(`${step.op} returned ${String(res)}`);
  return res;
}

// float32: the fixtures' documented bound (README: 1e-4), with an absolute part scaled by the tensor's largest
// magnitude, since float32 sums that PyTorch and kindling order differently cancel to different small residues
const TOL: Record<string, [number, number]> = { float32: [1e-4, 1e-5], float64: [1e-9, 1e-12] };

function compare(got: Tensor, want: TensJson, what: string, f32: boolean): Outcome | null {
  if (got.dtype !== want.d) return { verdict: "dtype mismatch", detail: `${what}: dtype ${got.dtype}, PyTorch ${want.d}` };
  const shape = [...got.shape];
  if (shape.length !== want.s.length || shape.some((n, i) => n !== want.s[i])) {
    return { verdict: "shape mismatch", detail: `${what}: shape [${shape}], PyTorch [${want.s}]` };
  }
  const a = Array.from(got.contiguous().toTypedArray(), Number);
  // a float64 result computed from float32 values carries their 1-ulp transcendental differences
  const [rtol, atol] = (f32 && want.d === "float64" ? TOL.float32 : TOL[want.d]) ?? [0, 0];
  const ys = want.v.map(num);
  const scale = want.d.startsWith("float") ? Math.max(1, ...ys.filter(Number.isFinite).map(Math.abs)) : 0;
  let tolerated = false;
  for (let i = 0; i < ys.length; i++) {
    const x = a[i]!;
    const y = ys[i]!;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol * scale + rtol * Math.abs(y);
    if (ok) continue;
    // float -> int of NaN, inf or out of range is undefined in C++; PyTorch's x86 build gives the minimum
    // (which may reach a float result later, through a cat or a promotion)
    if (y === -2147483648 || y === -9223372036854775808) { tolerated = true; continue; }
    return { verdict: "value mismatch", detail: `${what}: element ${i} is ${x}, PyTorch ${y}` };
  }
  return tolerated ? { verdict: "tolerated", detail: `${what}: a float -> int conversion out of range` } : null;
}

const describe = (e: unknown) => (e instanceof Error ? `${e.constructor.name}: ${e.message.split("\n")[0]}` : String(e));

/**
 * PyTorch 1.13 errors that are its own defects or implementation choices, not the spec: kindling may succeed
 * where these are raised (the outcome is "tolerated", counted apart from "pass").
 */
const TORCH_QUIRKS: [RegExp, string][] = [
  [/INTERNAL ASSERT FAILED/, "a PyTorch internal assert"],
  [/returned an invalid gradient/, "a PyTorch backward formula's shape bug (scatter/scatter_add src larger than index, var over an empty dim)"],
  [/modified by an inplace operation/, "saved tensors differ: kindling's backward saves what it needs, not what PyTorch's saves"],
  [/view size is not compatible with input tensor's size and stride/, "PyTorch's view() inside kron/take_along_dim on strided input"],
  [/unallocated storage/, "PyTorch's recording of a gradient without storage"],
  // kindling refuses mixed int32/int64 products too; it succeeds only where both are int32, which PyTorch's
  // tensordot/inner/matmul reshaping path fails
  [/expected scalar type Long but found Int/, "PyTorch 1.13's int32 tensordot/inner (both operands int32)"],
  [/This view is the output of a function that returns multiple views/,
    "PyTorch refuses in-place on split/chunk/unbind outputs; kindling tracks their versions instead"],
];

/** Raised by PyTorch's backward only (the same words from a forward are a real dtype check). */
const TORCH_BACKWARD_QUIRKS: [RegExp, string][] = [
  [/masked_scatter: expected self and source to have same dtypes|expected scalar type \w+ but found \w+/,
    "a PyTorch backward formula mixing dtypes (fmax/fmin, addr) where its forward promoted"],
];

function quirk(e: ErrorJson, backward = false): string | null {
  for (const [re, why] of [...TORCH_QUIRKS, ...(backward ? TORCH_BACKWARD_QUIRKS : [])]) if (re.test(e.message)) return why;
  return null;
}

/** kindling refuses converting NaN and ±inf to int64 (where C++ is undefined): deliberate, kindling is the stricter. */
const NONFINITE_TO_INT = /cannot convert (NaN|-?Infinity) to int/;

/**
 * Ops whose dim PyTorch 1.13 never checks in some cases (cummax/cummin of a 0-d or empty tensor, cat of
 * 1-d empty tensors, tril/triu of an empty 1-d tensor): kindling checks it, deliberately the stricter.
 */
const UNCHECKED_DIM = new Set(["cummax", "cummin", "cat", "tril", "triu"]);

/** Kindling refuses in-place writes through expanded (overlapping) memory, masked_fill_ included: deliberate. */
const OVERLAP = /refers to a single memory location/;

/** kindling's loss functions refuse a target of another shape and integer inputs (reduction.ts's lossArgs says why). */
const STRICT_LOSS = /that is different to the input size|expected a floating point input/;

function thrown(e: unknown, torchError: ErrorJson | undefined, where: string, op = ""): Outcome {
  if (!(e instanceof torch.KindlingError)) return { verdict: "untyped error", detail: `${where}: ${describe(e)}` };
  if (torchError) return { verdict: "pass", detail: "" };
  const strict = NONFINITE_TO_INT.test(e.message) || (op.startsWith("F.") && STRICT_LOSS.test(e.message))
    || (UNCHECKED_DIM.has(op) && /Dimension out of range/.test(e.message))
    || (op.endsWith("_") && OVERLAP.test(e.message))
    // PyTorch 1.13 checks index_fill's indices only when self has elements
    || (op === "index_fill" && /out of bounds/.test(e.message));
  if (strict) return { verdict: "tolerated", detail: `${where} (${op}): ${describe(e)}` };
  return { verdict: "spurious error", detail: `${where}: ${describe(e)}` };
}

export function runProgram(p: ProgramJson): Outcome {
  const built = p.inputs.map(input);
  const vals: Tensor[] = [];
  // inputs take their own value numbers, between the op results where an op made them
  const place = () => {
    for (let k = p.inputs.findIndex((s) => s.at === vals.length); k >= 0; k = p.inputs.findIndex((s) => s.at === vals.length)) {
      vals.push(built[k]!.view);
    }
  };
  let out: Tensor;
  let op = "";
  try {
    place();
    for (const step of p.ops) {
      place();
      op = step.op;
      vals.push(apply(step, vals));
    }
    out = vals[vals.length - 1]!;
  } catch (e) {
    return thrown(e, p.error, "forward", op);
  }
  if (p.error) {
    const why = quirk(p.error);
    return why ? { verdict: "tolerated", detail: why } : { verdict: "missing error", detail: `PyTorch: ${p.error.type}: ${p.error.message}` };
  }
  const f32 = vals.some((v) => v.dtype === "float32");
  const bad = compare(out, p.out!, "output", f32);
  if (bad) return bad;
  if (p.w === undefined) return { verdict: "pass", detail: "" };
  try {
    out.mul(leaf(p.w)).sum().backward();
  } catch (e) {
    return thrown(e, p.backwardError, "backward");
  }
  if (p.backwardError) {
    const why = quirk(p.backwardError, true);
    return why ? { verdict: "tolerated", detail: why } : { verdict: "missing error", detail: `backward, PyTorch: ${p.backwardError.type}: ${p.backwardError.message}` };
  }
  const leaves = built.filter((_, i) => p.inputs[i]!.g).map((b) => b.base);
  for (let i = 0; i < leaves.length; i++) {
    const want = p.grads![i] ?? null;
    const g = leaves[i]!.grad;
    if (want === null || g === null) {
      if (want !== g) return { verdict: "value mismatch", detail: `grad ${i}: ${g === null ? "none" : "a tensor"}, PyTorch ${want === null ? "none" : "a tensor"}` };
      continue;
    }
    const r = compare(g, want, `grad ${i}`, f32);
    if (r) return r;
  }
  return { verdict: "pass", detail: "" };
}

export function runGuarded(p: ProgramJson): Outcome {
  try {
    return runProgram(p);
  } catch (e) {
    // a throw from the comparison itself (e.g. no such method): counted, never a crash of the whole run
    return { verdict: e instanceof torch.KindlingError ? "spurious error" : "untyped error", detail: `setup: ${describe(e)}` };
  }
}
