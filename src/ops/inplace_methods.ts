import { record } from "../autograd/record.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { ArgumentError, AutogradError, DTypeError, ShapeError } from "../errors.ts";
import { checkArg, checkOptions } from "../options.ts";
import { full, rand, randn } from "../tensor/creation.ts";
import { isFloating } from "../tensor/dtype.ts";
import { type Generator, defaultGenerator } from "../tensor/random.ts";
import { Tensor } from "../tensor/tensor.ts";
import * as E from "./elementwise.ts";
import { maskedFill } from "./indexing.ts";
import { type InPlaceSpec, type SelfUse, applyInPlace } from "./inplace.ts";
import { resultType, scalarTypeName } from "./promotion.ts";
import { sumToShape } from "./reduce.ts";
import { castRaw, fresh, type TensorLike } from "./util.ts";
import { clone, expand } from "./views.ts";
import { defineMethods } from "./define_methods.ts";
import { compositeOp } from "./composite.ts";

/**
 * The in-place Tensor methods (PyTorch's trailing-underscore ops). Each is its out-of-place op run
 * through applyInPlace (inplace.ts), which records it for autograd and bumps the version counter;
 * the spec says how the op's backward uses self's old value.
 */

export interface GeneratorOption {
  /** The random stream to draw from (default: the default generator, seeded by manualSeed). */
  generator?: Generator;
}

export interface ValueOption {
  /** Multiplier of the product (addcmul_) or quotient (addcdiv_). */
  value?: number;
}

declare module "../tensor/tensor.ts" {
  interface Tensor {
    /** In-place updates; refused on leaves that require grad while grad mode is on, as in PyTorch. */
    copy_(src: TensorLike): Tensor;
    zero_(): Tensor;
    fill_(value: number | boolean | Tensor): Tensor;
    add_(other: TensorLike, opts?: E.AlphaOptions): Tensor;
    sub_(other: TensorLike, opts?: E.AlphaOptions): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike, opts?: E.DivOptions): Tensor;
    pow_(exponent: TensorLike): Tensor;
    clamp_(min?: number | null, max?: number | null): Tensor;
    neg_(): Tensor;
    abs_(): Tensor;
    exp_(): Tensor;
    sqrt_(): Tensor;
    relu_(): Tensor;
    sigmoid_(): Tensor;
    tanh_(): Tensor;
    addcmul_(tensor1: Tensor, tensor2: Tensor, opts?: ValueOption): Tensor;
    addcdiv_(tensor1: Tensor, tensor2: Tensor, opts?: ValueOption): Tensor;
    /** float_power in place: self must already be float64 (PyTorch's result dtype). */
    floatPower_(exponent: TensorLike): Tensor;
    /** self * 2^other in place; PyTorch 1.13 refuses it when autograd would record it. */
    ldexp_(other: Tensor): Tensor;
    maskedFill_(mask: Tensor, value: number | Tensor): Tensor;
    /** Uniform values on [from, to). */
    uniform_(from?: number, to?: number, opts?: GeneratorOption): Tensor;
    /** Normal values with this mean and standard deviation. */
    normal_(mean?: number, std?: number, opts?: GeneratorOption): Tensor;
    /** 1 with probability p (a number, or a tensor of probabilities broadcast to self), else 0. */
    bernoulli_(p?: number | Tensor, opts?: GeneratorOption): Tensor;
  }
}

const spec = (self: SelfUse, more: Omit<InPlaceSpec, "self"> = {}): InPlaceSpec => ({ self, ...more });
/** A tensor operand's gradient reads self (mul, div); a number's does not. */
const byOperand = (o: TensorLike): InPlaceSpec => spec(o instanceof Tensor ? "copy" : "unread");

const GENERATOR_OPTION = { generator: "object" } as const;

/** The values of `src` (broadcast, cast to self's dtype); the gradient goes to src, none to self. */
function copyFrom(self: Tensor, src: Tensor, name = "CopyBackwards"): Tensor {
  const values = clone(castRaw(expand(src.detach(), self.shape), self.dtype));
  return record(values, name, [self, src], (g, needs) => [
    needs[0] ? fresh(g.shape, g.dtype) : null,
    needs[1] ? castRaw(sumToShape(g, src.shape), src.dtype) : null,
  ], false);
}

function checkFloat(t: Tensor, kernel: string): void {
  if (!isFloating(t.dtype)) throw new DTypeError(`"${kernel}" not implemented for '${scalarTypeName(t.dtype)}'`);
}

/** Fresh random values in self's floating dtype (a float draw for integer and bool selves). */
function draw(t: Tensor, normal: boolean, generator: Generator | undefined): Tensor {
  const dtype = isFloating(t.dtype) ? t.dtype : "float64";
  return normal ? randn([...t.shape], { dtype, generator }) : rand([...t.shape], { dtype, generator });
}

/**
 * Uniforms on [from, to) in self's dtype, scaled as they are drawn (Generator.fillUniform): PyTorch computes
 * u * (to - from) + from per value, not as a rand tensor then two float32 ops, which is what lets a replay
 * of PyTorch's draws (test/examples/harness.ts) round each value as PyTorch does.
 */
function uniformDraw(t: Tensor, from: number, to: number, generator: Generator | undefined): Tensor {
  const out = Tensor.empty([...t.shape], t.dtype);
  (generator ?? defaultGenerator).fillUniform(out.storage as Float32Array | Float64Array, from, to);
  return out;
}

/** `x.op_(...args)`: op(x, ...args) written into x; `self` says how op's backward reads x's old value. */
const inPlace = <A extends unknown[]>(op: (self: Tensor, ...args: A) => Tensor, self: SelfUse) =>
  function (this: Tensor, ...args: A): Tensor {
    return applyInPlace(this, (s) => op(s, ...args), spec(self));
  };

defineMethods({
  copy_(this: Tensor, src: TensorLike) {
    if (!(src instanceof Tensor)) return this.fill_(src);
    return applyInPlace(this, (s) => copyFrom(s, src), spec("alias"));
  },
  zero_(this: Tensor) {
    return applyInPlace(this, () => full([], 0, { dtype: this.dtype }), spec("alias", { expands: true, constant: "ZeroBackward0", uniform: true }));
  },
  fill_(this: Tensor, v: number | boolean | Tensor) {
    if (v instanceof Tensor) {
      if (v.ndim !== 0) throw new ShapeError(`fill_ only supports 0-dimension value tensor but got tensor with ${v.ndim} dimensions.`);
      return applyInPlace(this, (s) => copyFrom(s, v, "FillBackward3"), spec("alias", { uniform: true }));
    }
    checkArg("Tensor.fill_()", v, typeof v === "boolean" ? "boolean" : "number", 1, "value");
    const value = typeof v === "boolean" ? Number(v) : v;
    return applyInPlace(this, () => full([], value, { dtype: this.dtype }), spec("alias", { expands: true, constant: "FillBackward0", uniform: true }));
  },
  add_: inPlace(E.add, "alias"),
  sub_: inPlace(E.sub, "alias"),
  mul_(this: Tensor, o: TensorLike) { return applyInPlace(this, (s) => E.mul(s, o), byOperand(o)); },
  div_(this: Tensor, o: TensorLike, opts?: E.DivOptions) { return applyInPlace(this, (s) => E.div(s, o, opts), byOperand(o)); },
  pow_: inPlace(E.pow, "copy"),
  clamp_(this: Tensor, min?: number | null, max?: number | null) {
    // PyTorch's clamp_ checks a fractional bound against an integer self first, naming the C++ type.
    if (!isFloating(this.dtype) && [min, max].some((v) => typeof v === "number" && !Number.isInteger(v))) {
      const cpp = this.dtype === "int64" ? "long int" : this.dtype === "int32" ? "int" : "bool";
      throw new DTypeError(`result type Float can't be cast to the desired output type ${cpp}`);
    }
    return applyInPlace(this, (s) => E.clamp(s, min, max), spec("copy"));
  },
  neg_: inPlace(E.neg, "alias"),
  abs_: inPlace(E.abs, "copy"),
  exp_: inPlace(E.exp, "result"),
  sqrt_: inPlace(E.sqrt, "result"),
  // relu's gradient mask is the same read from its input or its result.
  relu_: inPlace(E.relu, "result"),
  sigmoid_: inPlace(E.sigmoid, "result"),
  tanh_: inPlace(E.tanh, "result"),
  addcmul_(this: Tensor, t1: Tensor, t2: Tensor, opts: ValueOption = {}) {
    checkOptions("Tensor.addcmul_()", opts, { value: "number" }, { index: 3 });
    // integer operands take value as an integer, as the out-of-place addcmul (value = 0.5 adds nothing)
    const value = isFloating(resultType(this, t1, t2)) ? opts.value ?? 1 : Math.trunc(opts.value ?? 1);
    // PyTorch's kernel: self + value * t1 * t2, multiplied left to right.
    return applyInPlace(this, (s) => E.add(s, E.mul(value === 1 ? t1 : E.mul(t1, value), t2)), spec("alias"));
  },
  addcdiv_(this: Tensor, t1: Tensor, t2: Tensor, opts: ValueOption = {}) {
    checkOptions("Tensor.addcdiv_()", opts, { value: "number" }, { index: 3 });
    Tensor.check(t1, "tensor1");
    Tensor.check(t2, "tensor2");
    if (!isFloating(t1.dtype) && !isFloating(t2.dtype)) {
      // PyTorch's message goes on with the history of the change; this keeps its fix.
      throw new DTypeError(
        "Integer division with addcdiv is no longer supported: use (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs",
      );
    }
    // the out-of-place op's forward and gradient (with PyTorch's backward error for an integer tensor2)
    return applyInPlace(this, (s) => compositeOp("addcdiv", [s, t1, t2, opts]), spec("alias"));
  },
  floatPower_(this: Tensor, e: TensorLike) {
    if (this.dtype !== "float64") {
      throw new DTypeError(`the base given to float_power_ has dtype ${scalarTypeName(this.dtype)} but the operation's result requires dtype Double`);
    }
    return applyInPlace(this, (s) => E.floatPower(s, e), spec("copy"));
  },
  ldexp_(this: Tensor, other: Tensor) {
    // PyTorch 1.13 runs mul with out= here, which autograd refuses (even before the leaf check).
    if (isGradEnabled() && (this.requiresGrad || (other instanceof Tensor && other.requiresGrad))) {
      throw new AutogradError("mul(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }
    return applyInPlace(this, (s) => E.ldexp(s, other), spec("alias"));
  },
  // masked_fill's gradient reads only the mask.
  maskedFill_: inPlace(maskedFill, "unread"),
  uniform_(this: Tensor, from = 0, to = 1, opts: GeneratorOption = {}) {
    checkArg("Tensor.uniform_()", from, "number", 1, "from");
    checkArg("Tensor.uniform_()", to, "number", 2, "to");
    checkOptions("Tensor.uniform_()", opts, GENERATOR_OPTION, { index: 3 });
    checkFloat(this, "check_uniform_bounds");
    if (from > to) throw new ArgumentError(`uniform_ expects to return a [from, to) range, but found from=${from} > to=${to}`);
    return applyInPlace(this, () => uniformDraw(this, from, to, opts.generator), spec("alias", { constant: "UniformBackward0" }));
  },
  normal_(this: Tensor, mean = 0, std = 1, opts: GeneratorOption = {}) {
    checkArg("Tensor.normal_()", mean, "number", 1, "mean");
    checkArg("Tensor.normal_()", std, "number", 2, "std");
    checkOptions("Tensor.normal_()", opts, GENERATOR_OPTION, { index: 3 });
    checkFloat(this, "normal_kernel_cpu");
    if (!(std >= 0)) throw new ArgumentError(`normal expects std >= 0.0, but found std ${std}`);
    return applyInPlace(this, () => E.add(E.mul(draw(this, true, opts.generator), std), mean), spec("alias", { constant: "NormalBackward0" }));
  },
  bernoulli_(this: Tensor, p: number | Tensor = 0.5, opts: GeneratorOption = {}) {
    checkOptions("Tensor.bernoulli_()", opts, GENERATOR_OPTION, { index: 2 });
    if (p instanceof Tensor) {
      const data = p.toTypedArray();
      if (data.some((v) => !(v >= 0 && v <= 1))) throw new ArgumentError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
    } else {
      checkArg("Tensor.bernoulli_()", p, "number", 1, "p");
      if (!(p >= 0 && p <= 1)) throw new ArgumentError(`bernoulli_ expects p to be in [0, 1], but got p=${p}`);
    }
    const prob = p instanceof Tensor ? p.detach() : p;
    return applyInPlace(this, () => E.lt(draw(this, false, opts.generator), prob), spec("alias", { anyCast: true, constant: "BernoulliBackward0" }));
  },
});
