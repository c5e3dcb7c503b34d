import type { DType } from "../tensor/dtype.ts";
import { isFloating } from "../tensor/dtype.ts";
import { broadcastShapes } from "../tensor/shape.ts";
import { Tensor } from "../tensor/tensor.ts";
import { add, rsub, sub } from "./binary.ts";
import { where } from "./indexing.ts";
import { type CompositeRow, type CompositeSpec, notImplemented } from "./op_spec.ts";
import { unary } from "./elementwise.ts";
import { abs, lt, mul } from "./op_functions.ts";
import type { TensorLike } from "./util.ts";
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
 * PyTorch's lerp: start + w (end - start) for |w| < 0.5, else end - (end - start)(1 - w), so w = 1
 * gives end exactly.
 */
function lerpForward([s, e, w]: readonly TensorLike[]): Tensor {
  const start = s as Tensor;
  const end = e as Tensor;
  // Checked first, in PyTorch's operand order (self, end, weight), for its broadcast error.
  const shape = broadcastShapes(start.shape, end.shape);
  if (w instanceof Tensor) broadcastShapes(shape, w.shape);
  const diff = sub(end, start);
  if (typeof w === "number") return Math.abs(w) < 0.5 ? add(start, mul(diff, w)) : sub(end, mul(diff, 1 - w));
  return where(lt(abs(w), 0.5), add(start, mul(w, diff)), sub(end, mul(diff, rsub(1, w))));
}

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
    edges: "|weight| < 0.5 interpolates from start, otherwise from end (weight 1 gives end exactly); NaN weight gives NaN",
  },
} satisfies Record<CompositeName, CompositeSpec>;
