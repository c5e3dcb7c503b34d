import { AutogradError, DTypeError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import { runBackward } from "./engine.ts";
import { withoutGrad } from "./grad_mode.ts";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

/**
 * Compares analytical gradients with central finite differences, PyTorch's `gradcheck`: for each
 * output element o and input element i, |analytic - numeric| <= atol + rtol * |numeric|.
 * Inputs must be float64 (finite differences in float32 are too coarse to mean anything).
 * Returns true or throws an AutogradError naming the input, element and both values.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  checkOptions("autograd.gradcheck()", opts, { eps: "number", atol: "number", rtol: "number" }, { index: 3, positional: "eps" });
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const diff = inputs.filter((t) => t.requiresGrad);
  for (const t of diff) {
    if (t.dtype !== "float64") throw new DTypeError(`gradcheck expects float64 inputs that require grad, got ${t.dtype}`);
    if (!t.isDense()) throw new AutogradError("gradcheck expects contiguous leaf inputs");
  }
  const out0 = fn(...inputs);
  const nOut = out0.numel();
  const outFlat = () => withoutGrad(() => fn(...inputs)).toTypedArray();
  // Numerical Jacobian: numeric[i][o] for each differentiable input.
  const numeric = diff.map((t) => {
    const cols: Float64Array[] = [];
    const s = t.storage as Float64Array;
    for (let i = 0; i < s.length; i++) {
      const orig = s[i]!;
      s[i] = orig + eps;
      const plus = outFlat();
      s[i] = orig - eps;
      const minus = outFlat();
      s[i] = orig;
      const col = new Float64Array(nOut);
      for (let o = 0; o < nOut; o++) col[o] = (plus[o]! - minus[o]!) / (2 * eps);
      cols.push(col);
    }
    return cols;
  });
  // Analytical Jacobian, one backward per output element with a one-hot gradient.
  for (let o = 0; o < nOut; o++) {
    for (const t of diff) t.grad = null;
    const out = fn(...inputs);
    if (!out.requiresGrad) throw new AutogradError("gradcheck: the output does not require grad");
    const seed = Tensor.empty(out.shape, out.dtype);
    seed.storage[o] = 1;
    runBackward(out, seed);
    diff.forEach((t, k) => {
      const g = t.grad ? t.grad.toTypedArray() : new Float64Array(t.numel());
      for (let i = 0; i < g.length; i++) {
        const a = g[i]!;
        const n = numeric[k]![i]![o]!;
        if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
          throw new AutogradError(
            `Jacobian mismatch for output ${o} with respect to input ${inputs.indexOf(t)}, element ${i}: numerical ${n}, analytical ${a}`,
          );
        }
      }
    });
  }
  for (const t of diff) t.grad = null;
  return true;
}
