import type { DType } from "../tensor/dtype.ts";
import { isFloating } from "../tensor/dtype.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { scalarTypeName } from "./promotion.ts";
import type { TensorLike } from "./util.ts";

/**
 * The shape of one row of the elementwise op tables (op_table_unary.ts, op_table_binary.ts). A row and
 * its spec row (same name) are the whole op: what PyTorch calls it, where kindling exposes it, which
 * dtypes it takes (and PyTorch's error for the others), its result dtype, its JS formula, its gradient
 * and what that gradient reads, and the faster kernels that exist for it. The library reads the rows;
 * only `npm run gen:ops` (scripts/gen_ops.ts, which writes the backend op lists and formulas, the
 * exported functions, the native header and the OpInfo op list) and the tests read the spec rows, so
 * bundles leave them out.
 */

/**
 * Where an op is visible: `torch.name` and `tensor.name()`; `torch.name` only; `nn.functional.name`
 * only; or nowhere (a kernel other ops call, such as the gradient of gelu).
 */
export type Api = "torch+method" | "torch" | "F" | "internal";

/**
 * Whether a table op has the in-place method `name_`: true; "untracked": written without autograd, self's
 * history kept and a leaf written too (PyTorch 1.13's logical_not_); or the error its backward raises
 * (PyTorch 1.13 has no derivative for asinh_, heaviside_).
 */
export type InPlace = boolean | "untracked" | { backwardError: string };

/** Dtype families an op accepts. */
export type Category = "bool" | "int" | "float";

export function category(d: DType): Category {
  return d === "bool" ? "bool" : isFloating(d) ? "float" : "int";
}

export const ALL: readonly Category[] = ["bool", "int", "float"];
export const NUMBERS: readonly Category[] = ["int", "float"];
export const FLOATS: readonly Category[] = ["float"];

/** PyTorch's dispatch error for a kernel that has no loop for a dtype: `"abs_cpu" not implemented for 'Bool'`. */
export const notImplemented = (kernel: string) => (d: DType): string => `"${kernel}" not implemented for '${scalarTypeName(d)}'`;

/** PyTorch's hint for `-` and subtraction on bool tensors. */
export const INVERT_MASK = "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.";

/** One fixed message whatever the dtype. */
export const message = (text: string) => (): string => text;

/**
 * The result dtype from the input's (unary) or the promoted operands' (binary) dtype: unchanged; a
 * float (integers and bools become the default float dtype, as `exp(int)` does); or bool.
 */
export type ResultRule = "same" | "float" | "bool" | ((d: DType) => DType);

/**
 * The tensors a backward reads. Saved tensors are what an in-place change must not touch before
 * backward (the version-counter check); an op that saves none can run backward after the graph is freed.
 */
export type UnarySaved = "input" | "output";
export type BinarySaved = "a" | "b" | "output";

/**
 * What the gradient of each operand reads. As in PyTorch 1.13, an input is saved only when the gradient
 * that reads it is needed (an operand that requires grad), the output whenever either gradient reads it;
 * a JS number operand is never a saved tensor.
 */
export interface BinarySaves {
  a: readonly BinarySaved[];
  b: readonly BinarySaved[];
}

export type UnaryGrad = (g: Tensor, x: Tensor, y: Tensor) => Tensor;
/** Gradients for (a, b); an operand that is a JS number gets none (return null or anything: it is dropped). */
export type BinaryGrad = (g: Tensor, a: TensorLike, b: TensorLike, y: Tensor) => readonly [Tensor | null, Tensor | null];

/** Values finite-difference gradchecks and the OpInfo samples draw from: inside [lo, hi], away from `avoid`. */
export interface Domain {
  lo: number;
  hi: number;
  /** Kinks of the op: integers (floor), half-integers (round), or listed points (0 for abs). */
  avoid?: "integers" | "halves" | readonly number[];
}

/** The C++ kernel of a unary op (native/kd_ops_elementwise.h): a functor and the loop that runs it. */
export interface NativeUnary {
  /** `simple`: T f(T) in the element type; `math`: vd v(vd) over vectors of doubles. */
  loop: "simple" | "math";
  struct: string;
  /** Cost per element relative to an add, for the threading threshold (default 1). */
  cost?: number;
}

export interface UnaryRow {
  api: Api;
  /** Input dtypes the op takes; others raise a DTypeError with `refuse`'s message (PyTorch's). */
  accepts: readonly Category[];
  refuse?: (d: DType) => string;
  result: ResultRule;
  /** Kernels (internal rows) that replace `js` for a computation dtype: integer wrap-around, PyTorch's float32 quirks. */
  kernels?: Partial<Record<DType, string>>;
  /**
   * "input": the kernel reads the input in its own dtype and writes the result dtype (predicates such as
   * isnan, whose bool result says nothing of the input). Absent: the input is cast to the result dtype first.
   */
  reads?: "input";
  /** Written with ops, from the incoming gradient g, the input x and the output y; "zero" for piecewise-constant ops. */
  grad: UnaryGrad | "zero" | null;
  saves: readonly UnarySaved[];
  /** The in-place method `name_` exists (its backward reads self's old value where `saves` has "input"). */
  inplace?: InPlace;
}

/** What only the generator and the tests read of an op (every table has the first three). */
interface Spec {
  /** PyTorch's callable, for the fixtures: "torch.exp", "torch.nn.functional.silu"; "" for internal rows. */
  torch: string;
  /** NaN, infinity, signed-zero and tie rules worth knowing (all checked by the OpInfo fixtures). */
  edges?: string;
}

export interface UnarySpec extends Spec {
  /** The forward as a JS expression of `x` (the JS backend compiles one loop per op); `h.` reaches js/elementwise.ts's helpers. */
  js: string;
  native?: NativeUnary;
  /** Whether wasm/elementwise_module.ts has a float32 SIMD kernel for it (u_<name>). */
  wasm?: boolean;
  /** Where the op is differentiable and smooth; absent: the OpInfo defaults (all reals). */
  domain?: Domain;
}

/** The C++ functor of a binary op (native/kd_ops_elementwise.h). */
export interface NativeBinary {
  struct: string;
}

export interface BinaryRow {
  api: Api;
  /** Operand dtypes the op takes; `refuse` gives PyTorch's message for the others (null: accepted). */
  refuse?: (a: DType, b: DType, promoted: DType) => string | null;
  /** "promote": the promoted dtype; "float": promoted, integers to the default float (true division); "bool": comparisons. */
  result: "promote" | "float" | "bool";
  /**
   * Kernels (internal rows) that replace `js` for a computation dtype: bool + bool is or, bool * bool is
   * and; integer products wrap around as C's do.
   */
  kernels?: Partial<Record<DType, string>>;
  /** Both operands must be tensors (torch.maximum(x, 2) is a TypeError in PyTorch). */
  tensorsOnly?: boolean;
  grad: BinaryGrad | "zero" | null;
  saves: BinarySaves;
  /**
   * The public function is hand-written in binary.ts (keyword options, value checks) and calls
   * binaryOp/recordBinaryOp for the rest of the row.
   */
  custom?: boolean;
  /** PyTorch's checks of the operands' values (integer division by zero), run before the kernel. */
  check?: (a: TensorLike, b: TensorLike) => void;
  /** The in-place method `name_` exists (PyTorch's can-cast rule for its result). */
  inplace?: InPlace;
  /** `refuse` is the kernel's dtype dispatch error, which PyTorch raises after the broadcast check. */
  kernelRefuse?: boolean;
}

export interface BinarySpec extends Spec {
  /** The forward as a JS expression of `x` and `y`. */
  js: string;
  native?: NativeBinary;
  /** Whether wasm/elementwise_module.ts has float32 SIMD kernels for it (b_<name>_vv/vs/sv). */
  wasm?: boolean;
  /** Keyword variants the OpInfo samples run besides the plain call ({ alpha: 2 }, { roundingMode: "floor" }). */
  kwargs?: readonly Readonly<Record<string, number | string>>[];
  /** Smooth region of each operand, for gradchecks and sample values. */
  domain?: readonly [Domain, Domain];
}

/** The dtype a unary op returns for an input dtype. */
export function unaryResult(rule: ResultRule, d: DType, defaultFloat: DType): DType {
  if (typeof rule === "function") return rule(d);
  if (rule === "bool") return "bool";
  if (rule === "float") return isFloating(d) ? d : defaultFloat;
  return d;
}

/** An operand of a composite op: a tensor, or a tensor or a JS number (lerp's weight). */
export type OperandKind = "tensor" | "tensorOrNumber";

/** Keyword options of a composite op, by camelCase name (undefined: PyTorch's default). */
export type CompositeOptions = Readonly<Record<string, number | undefined>>;

/**
 * A row of op_table_composite.ts: an op with more than two operands or with keyword parameters,
 * composed from table kernels (no backend code of its own). The forward runs on detached operands, so
 * it records nothing; the op records one node whose gradient is the row's.
 */
export interface CompositeRow {
  api: Api;
  /** Positional operands by PyTorch's names; the first is self for the method forms. */
  operands: readonly (readonly [name: string, kind: OperandKind])[];
  /** Keyword options (numbers) in an options object after the operands, as `{ nan: 0 }`. */
  options?: readonly string[];
  /** PyTorch's error for operands it refuses (dtypes), or null. */
  refuse?: (args: readonly TensorLike[]) => string | null;
  /** The result, written with ops. */
  forward: (args: readonly TensorLike[], opts: CompositeOptions) => Tensor;
  /**
   * Each operand's gradient before broadcasting is undone (the op sums it back to the operand's shape);
   * null entries for none. A number operand's entry is dropped. Null for a non-differentiable op.
   */
  grad: ((g: Tensor, args: readonly TensorLike[], y: Tensor, opts: CompositeOptions) => readonly (Tensor | null)[]) | null;
  /** Indices of the operands the gradient reads (saved: an in-place change before backward is an error). */
  saves: readonly number[] | ((args: readonly TensorLike[]) => readonly number[]);
  /** PyTorch's autograd node name ("LerpBackward0"). */
  node: string;
  /**
   * The in-place method `name_` exists; whether its backward reads self's old value, as inplace.ts's
   * SelfUse ("copy": it does).
   */
  inplace?: "copy" | "alias";
}

export interface CompositeSpec extends Spec {
  /** Option variants the OpInfo samples run besides the plain call. */
  kwargs?: readonly CompositeOptions[];
  /** Smooth region of each operand, for gradchecks and sample values. */
  domain?: readonly Domain[];
}

/** Each row of a table joined with its spec row, for the generator and the tests. */
export function withSpec<R, S>(rows: Readonly<Record<string, R>>, spec: Readonly<Record<string, S>>): [string, R & S][] {
  return Object.entries(rows).map(([n, r]) => [n, { ...r, ...spec[n]! }]);
}
