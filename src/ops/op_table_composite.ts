import type { DType } from "../tensor/dtype.ts";
import { castValue, isFloating } from "../tensor/dtype.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, div, pow, rsub, sub } from "./binary.ts";
import { where } from "./indexing.ts";
import { type CompositeRow, type CompositeSpec, notImplemented } from "./op_spec.ts";
import { unary } from "./elementwise.ts";
import { eq, ge, gt, le, log, logicalAnd, logicalOr, lt, mul, neg } from "./op_functions.ts";
import { resultType, scalarTypeName } from "./promotion.ts";
import { DTypeError } from "../errors.ts";
import { type TensorLike, defaultFloat } from "./util.ts";
import { clone } from "./views.ts";

/**
 * Elementwise ops with more than two operands or with keyword parameters, declared once (see
 * op_spec.ts's CompositeRow) and composed from the unary and binary tables' kernels; COMPOSITE_SPEC holds
 * what only `npm run gen:ops` and the OpInfo tests read. After editing, run `npm run gen:ops`, then
 * `npm run fixtures` (scripts/fixtures/gen_opinfo.py samples them too).
 */

/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/** C++'s type names, as PyTorch's same-dtype checks print them ("expected dtype float ... got dtype double"). */
const CPP_NAME: Record<DType, string> = { float32: "float", float64: "double", int32: "int", int64: "long int", bool: "bool" };

/** PyTorch's lerp checks: end and a tensor weight of self's dtype, then a floating kernel. */
function refuseLerp([s, e, w]: readonly TensorLike[]): string | null {
  const d = (s as Tensor).dtype;
  const other = (t: Tensor, name: string) => `expected dtype ${CPP_NAME[d]} for \`${name}\` but got dtype ${CPP_NAME[t.dtype]}`;
  if ((e as Tensor).dtype !== d) return other(e as Tensor, "end");
  if (w instanceof Tensor && w.dtype !== d) return other(w, "weight");
  if (!isFloating(d)) return notImplemented(w instanceof Tensor ? "lerp_kernel_tensor" : "lerp_kernel_scalar")(d);
  return null;
}

/**
 * PyTorch's lerp: start + w (end - start) for w < 0.5 (negative w included: PyTorch 1.13 tests w, not
 * |w|), else end - (end - start)(1 - w), so w = 1 gives end exactly.
 */
function lerpForward([s, e, w]: readonly TensorLike[]): Tensor {
  const start = s as Tensor;
  const end = e as Tensor;
  // Checked first, in PyTorch's operand order (self, end, weight), for its broadcast error.
  const shape = broadcastShapes(start.shape, end.shape);
  if (w instanceof Tensor) broadcastShapes(shape, w.shape);
  const diff = sub(end, start);
  if (typeof w === "number") return w < 0.5 ? add(start, mul(diff, w)) : sub(end, mul(diff, 1 - w));
  return where(lt(w, 0.5), add(start, mul(w, diff)), sub(end, mul(diff, rsub(1, w))));
}

/** The operands in their common dtype (PyTorch computes addcmul in the promoted type, not operand by operand). */
function common(args: readonly TensorLike[]): [Tensor[], DType] {
  const d = resultType(...args);
  return [args.map((t) => (t as Tensor).to(d)), d];
}

/** PyTorch's broadcast of self, tensor1, tensor2 in that order (its error names the first pair that fails). */
function broadcastAll(args: readonly TensorLike[]): void {
  args.reduce<readonly number[]>((shape, t) => broadcastShapes(shape, (t as Tensor).shape), []);
}

/** `value` in the computation dtype: an integer kernel truncates it (addcmul(int, value=0.5) adds nothing). */
const scaleOf = (d: DType, value: number | undefined): number => (isFloating(d) ? value ?? 1 : Math.trunc(value ?? 1));

const ADDCDIV_INT =
  "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. " +
  "The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs " +
  "and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: " +
  "(input + value * tensor1 / tensor2), for all dtypes.";

/** x clamped to [eps, 1 - eps] (in x's dtype, as PyTorch's kernel); no clamp without eps or for eps < 0. */
function logitInput(x: Tensor, eps: number | undefined): Tensor {
  if (eps === undefined || eps === null || eps < 0) return x;
  const lo = castValue(x.dtype, eps);
  const hi = castValue(x.dtype, 1 - lo);
  return where(lt(x, lo), lo, where(gt(x, hi), hi, x));
}

const asFloat = (x: Tensor): Tensor => (isFloating(x.dtype) ? x : x.to(defaultFloat()));

export const COMPOSITE = {
  nanToNum: {
    api: "torch+method", operands: [["input", "tensor"]], options: ["nan", "posinf", "neginf"],
    forward: ([x], o) => {
      const t = x as Tensor;
      // Integers and bools hold no NaN or infinity: a copy, whatever the options.
      if (!isFloating(t.dtype)) return clone(t);
      const big = t.dtype === "float32" ? F32_MAX : Number.MAX_VALUE;
      return where(unary("isnan", t), o.nan ?? 0, where(unary("isposinf", t), o.posinf ?? big, where(unary("isneginf", t), o.neginf ?? -big, t)));
    },
    // PyTorch's grad * isfinite(x): a multiply, so an infinite incoming gradient gives NaN where x was not finite.
    grad: (g, [x]) => [mul(g, unary("isfinite", x as Tensor))], saves: [0], node: "NanToNumBackward0", inplace: "copy",
  },
  lerp: {
    api: "torch+method", operands: [["input", "tensor"], ["end", "tensor"], ["weight", "tensorOrNumber"]],
    refuse: refuseLerp, forward: lerpForward,
    grad: (g, [s, e, w]) =>
      typeof w === "number" ? [mul(g, 1 - w), mul(g, w), null] : [mul(g, rsub(1, w as Tensor)), mul(g, w), mul(g, sub(e!, s!))],
    // A number weight's gradients read no tensor (PyTorch's LerpBackward0 saves the scalar only).
    saves: ([, , w]) => (typeof w === "number" ? [] : [0, 1, 2]), node: "LerpBackward0", inplace: "copy",
  },
  addcmul: {
    api: "torch+method", operands: [["input", "tensor"], ["tensor1", "tensor"], ["tensor2", "tensor"]], options: ["value"],
    refuse: (args) => (resultType(...args) === "bool" ? notImplemented("addcmul_cpu_out")("bool") : null),
    forward: (args, o) => {
      const [[x, t1, t2], d] = common(args);
      broadcastAll(args);
      const v = scaleOf(d, o.value);
      return add(x!, mul(v === 1 ? t1! : mul(t1!, v), t2!));
    },
    grad: (g, [, t1, t2], _y, o) => {
      const v = o.value ?? 1;
      return [g, mul(g, mul(t2!, v)), mul(g, mul(t1!, v))];
    },
    saves: [1, 2], node: "AddcmulBackward0",
  },
  addcdiv: {
    api: "torch+method", operands: [["input", "tensor"], ["tensor1", "tensor"], ["tensor2", "tensor"]], options: ["value"],
    refuse: ([, t1, t2]) => (!isFloating((t1 as Tensor).dtype) && !isFloating((t2 as Tensor).dtype) ? ADDCDIV_INT : null),
    forward: (args, o) => {
      const [[x, t1, t2], d] = common(args);
      broadcastAll(args);
      const v = scaleOf(d, o.value);
      return add(x!, v === 1 ? div(t1!, t2!) : mul(div(t1!, t2!), v));
    },
    grad: (g, [, t1, t2], _y, o) => {
      const v = o.value ?? 1;
      const d2 = (t2 as Tensor).dtype;
      // PyTorch 1.13's backward writes value / tensor2 into tensor2's dtype: an integer tensor2 fails there,
      // when tensor1's gradient is wanted (input's alone never reads it).
      if (!isFloating(d2) && t1 instanceof Tensor && t1.requiresGrad) throw new DTypeError(`result type ${scalarTypeName(g.dtype)} can't be cast to the desired output type ${scalarTypeName(d2)}`);
      return [g, mul(g, div(v, t2 as Tensor)), neg(mul(g, div(mul(t1!, v), mul(t2!, t2!))))];
    },
    saves: [1, 2], node: "AddcdivBackward0",
  },
  logit: {
    api: "torch+method", operands: [["input", "tensor"]], options: ["eps"],
    forward: ([x], o) => {
      const z = logitInput(asFloat(x as Tensor), o.eps);
      return log(div(z, rsub(1, z)));
    },
    // PyTorch's logit_backward: g / (x (1 - x)) inside [eps, 1 - eps] (or [0, 1]); outside 0 with eps, NaN without.
    // PyTorch 1.13's float32 and float64 kernels differ at the edges, and this follows each: with eps, a NaN
    // input gets a NaN gradient in float32 and 0 in float64; at x = -0 the float32 denominator is +0.
    grad: (g, [x0], _y, o) => {
      const x = asFloat(x0 as Tensor);
      const f32 = x.dtype === "float32";
      const eps = o.eps ?? -1;
      const lo = eps < 0 ? 0 : castValue(x.dtype, eps);
      const hi = eps < 0 ? 1 : castValue(x.dtype, 1 - lo);
      const den = mul(x, rsub(1, x));
      const dx = div(g, f32 ? where(eq(x, 0), 0, den) : den);
      if (eps < 0 || f32) return [where(logicalOr(lt(x, lo), gt(x, hi)), eps < 0 ? NaN : 0, dx)];
      return [where(logicalAnd(ge(x, lo), le(x, hi)), dx, 0)];
    },
    saves: [0], node: "LogitBackward0", inplace: "copy",
  },
  floatPower: {
    api: "torch+method", operands: [["input", "tensor"], ["exponent", "tensorOrNumber"]],
    // Both operands in float64 whatever their dtypes (PyTorch's float_power is pow of the double casts).
    forward: ([x, e]) => pow((x as Tensor).to("float64"), e instanceof Tensor ? e.to("float64") : e!),
    grad: (g, [x0, e0], y) => {
      const x = (x0 as Tensor).to("float64");
      const e = e0 instanceof Tensor ? e0.to("float64") : e0!;
      const gx = typeof e === "number"
        ? (e === 0 ? mul(g, 0) : mul(mul(g, e), pow(x, e - 1)))
        : where(eq(e, 0), 0, mul(mul(g, e), pow(x, sub(e, 1))));
      const gExp = e instanceof Tensor ? where(logicalAnd(eq(x, 0), ge(e, 0)), 0, mul(g, mul(y, log(x)))) : null;
      return [gx, gExp];
    },
    saves: [0, 1], node: "PowBackward1",
  },
} satisfies Record<string, CompositeRow>;

export type CompositeName = keyof typeof COMPOSITE;

export function compositeRow(op: CompositeName): CompositeRow {
  return COMPOSITE[op];
}

/** The rest of each row: PyTorch's name, edge rules, and the OpInfo option variants. */
export const COMPOSITE_SPEC = {
  nanToNum: {
    torch: "torch.nan_to_num",
    edges: "NaN to 0, the infinities to the dtype's largest finite values; a replacement past float32's range is inf",
    kwargs: [{ nan: 1.5 }, { nan: -2.5, posinf: 100.5, neginf: -100.5 }, { posinf: 1e300 }],
  },
  lerp: {
    torch: "torch.lerp",
    edges: "weight < 0.5 (negative weights too) interpolates from start, otherwise from end (weight 1 gives end exactly); NaN weight gives NaN",
  },
  addcmul: { torch: "torch.addcmul", edges: "self + value * tensor1 * tensor2 in the promoted dtype; an integer value for integer dtypes", kwargs: [{ value: 0.5 }, { value: -2 }] },
  addcdiv: { torch: "torch.addcdiv", edges: "self + value * tensor1 / tensor2; integer tensor1 and tensor2 are refused", kwargs: [{ value: 0.5 }, { value: -2 }], domain: [{ lo: -3, hi: 3 }, { lo: -3, hi: 3 }, { lo: -3, hi: 3, avoid: [0] }] },
  logit: {
    torch: "torch.logit", edges: "log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given; gradient 0 outside it (NaN outside [0, 1] without eps)",
    kwargs: [{ eps: 0.25 }, { eps: 1e-6 }], domain: [{ lo: 0.05, hi: 0.95, avoid: [0.25, 0.75] }],
  },
  floatPower: { torch: "torch.float_power", edges: "always float64, as pow of both operands cast to double", domain: [{ lo: 0.2, hi: 3 }, { lo: -2, hi: 2 }] },
} satisfies Record<CompositeName, CompositeSpec>;
