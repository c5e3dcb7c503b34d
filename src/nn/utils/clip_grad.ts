/**
 * torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13 semantics). Gradients are changed
 * in place; parameters without a gradient are skipped.
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { checkArity, checkOptions } from "../../options.ts";
import { type DType, promoteTypes } from "../../tensor/dtype.ts";
import { zeros } from "../../tensor/creation.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { log } from "../../log.ts";
import { pyFloat } from "../repr.ts";
import "../../ops/methods.ts";

type FloatArray = Float32Array | Float64Array;

function gradsOf(parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  if (list.some((p) => !(p instanceof Tensor))) throw new ArgumentError("parameters must be a Tensor or an iterable of Tensors");
  return list.map((p) => Tensor.peekGrad(p)).filter((g): g is Tensor => g !== null);
}

const round = (dtype: DType, x: number): number => (dtype === "float32" ? Math.fround(x) : x);

/** The contiguous elements of t without a copy, or null when t is not contiguous. */
function flat(t: Tensor): FloatArray | null {
  if (!t.isContiguous()) return null;
  return (t.storage as FloatArray).subarray(t.offset, t.offset + t.numel());
}

/** torch.norm(x, p) over all elements, in double: p = inf/-inf give max/min |x|, p = 0 counts non-zeros. */
function vectorNorm(x: ArrayLike<number>, p: number): number {
  const n = x.length;
  if (p === Infinity || p === -Infinity) {
    // No elements: 0 for inf, inf for -inf.
    let m = p === Infinity ? 0 : Infinity;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(x[i]!);
      if (Number.isNaN(a)) return NaN;
      m = p === Infinity ? Math.max(m, a) : Math.min(m, a);
    }
    return m;
  }
  let s = 0;
  if (p === 0) {
    for (let i = 0; i < n; i++) s += x[i] !== 0 ? 1 : 0;
    return s;
  }
  if (p === 2) {
    for (let i = 0; i < n; i++) s += x[i]! * x[i]!;
    return Math.sqrt(s);
  }
  for (let i = 0; i < n; i++) s += Math.abs(x[i]!) ** p;
  return s ** (1 / p);
}

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it. */
  errorIfNonfinite?: boolean;
}

/**
 * Scales all gradients together so that their joint norm (as if concatenated into one vector) is at
 * most maxNorm: each is multiplied by min(1, maxNorm / (totalNorm + 1e-6)). Returns the total norm
 * before clipping as a 0-d tensor of the gradients' dtype.
 */
export function clipGradNorm_(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  opts: ClipGradNormOptions = {},
): Tensor {
  checkOptions("nn.utils.clipGradNorm_()", opts, { errorIfNonfinite: "boolean" }, { index: 4, positional: "errorIfNonfinite" });
  checkArity("nn.utils.clipGradNorm_()", arguments, 4);
  const errorIfNonfinite = opts.errorIfNonfinite ?? false;
  const grads = gradsOf(parameters);
  if (typeof maxNorm !== "number" || typeof normType !== "number") throw new ArgumentError("maxNorm and normType must be numbers");
  if (grads.length === 0) return zeros([]);
  const dtype = grads.map((g) => g.dtype).reduce(promoteTypes);
  // Per-gradient norms rounded to each gradient's dtype, then the norm of those, as PyTorch stacks them.
  const norms = grads.map((g) => round(g.dtype, vectorNorm(flat(g) ?? g.toTypedArray(), normType)));
  const total = round(dtype, vectorNorm(norms, normType));
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(
      `The total norm of order ${pyFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite=false\``,
    );
  }
  // PyTorch: max_norm / (total + 1e-6) evaluates as reciprocal(total + 1e-6) * max_norm.
  const coef = round(dtype, round(dtype, 1 / round(dtype, total + round(dtype, 1e-6))) * round(dtype, maxNorm));
  // PyTorch multiplies by min(coef, 1) unconditionally; skipping coef >= 1 changes nothing (NaN still scales).
  if (!(coef >= 1)) {
    for (const g of grads) {
      const d = flat(g);
      if (d === null) noGrad(() => g.mul_(coef));
      else {
        const c = round(g.dtype, coef);
        for (let i = 0; i < d.length; i++) d[i] = d[i]! * c;
      }
    }
  }
  const out = Tensor.empty([], dtype);
  out.storage[0] = total;
  return out;
}

/** Clamps every gradient element into [-clipValue, clipValue], in place. */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  checkArity("nn.utils.clipGradValue_()", arguments, 2);
  if (typeof clipValue !== "number" || Number.isNaN(clipValue)) throw new ArgumentError("clipValue must be a number");
  for (const g of gradsOf(parameters)) {
    const d = flat(g);
    if (d === null) {
      noGrad(() => g.clamp_(-clipValue, clipValue));
      continue;
    }
    const lo = round(g.dtype, -clipValue);
    const hi = round(g.dtype, clipValue);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      d[i] = v < lo ? lo : v > hi ? hi : v; // NaN stays NaN, as torch.clamp
    }
  }
}

/** PyTorch 1.13's deprecated `clip_grad_norm` (no trailing underscore): warns, then clipGradNorm_. */
export function clipGradNorm(
  parameters: Tensor | Iterable<Tensor>,
  maxNorm: number,
  normType = 2,
  opts: ClipGradNormOptions = {},
): Tensor {
  checkOptions("nn.utils.clipGradNorm()", opts, { errorIfNonfinite: "boolean" }, { index: 4, positional: "errorIfNonfinite" });
  checkArity("nn.utils.clipGradNorm()", arguments, 4);
  log("warn", "torch.nn.utils.clip_grad_norm is now deprecated in favor of torch.nn.utils.clip_grad_norm_.");
  return clipGradNorm_(parameters, maxNorm, normType, opts);
}
