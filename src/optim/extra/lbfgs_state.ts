/**
 * Reading LBFGS's state from a state dict (kindling's or PyTorch's, whose scalars are 0-d tensors):
 * flat vectors over all parameters, lists of them, and scalars. Everything is checked and copied
 * before the optimizer changes, so a bad state dict leaves it as it was.
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { ParamState, StateValue } from "../optimizer.ts";

/** Each entry's kind: a flat vector (v) or a number (n); "?" admits null, "[]" is a list of them. */
const KINDS = new Map(Object.entries({
  d: "v?", prev_flat_grad: "v?", old_dirs: "v[]", old_stps: "v[]", func_evals: "n", n_iter: "n", t: "n", H_diag: "n", prev_loss: "n?",
  ro: "n[]", al: "n?[]",
}));

const describe = (v: unknown): string => (v === null ? "null" : v instanceof Tensor ? `a Tensor of shape [${v.shape.join(", ")}]` : typeof v);

function value(v: unknown, where: string, kind: string, numel: number, dtype: "float32" | "float64"): Tensor | number | null {
  const nullable = kind.endsWith("?");
  if (v === null && nullable) return null;
  if (kind[0] === "n") {
    if (typeof v === "number") return v;
    if (v instanceof Tensor && v.numel() === 1) return v.item();
    throw new ArgumentError(`loaded LBFGS state: ${where} must be a number${nullable ? " or null" : ""}, got ${describe(v)}`);
  }
  if (!(v instanceof Tensor)) throw new ArgumentError(`loaded LBFGS state: ${where} must be a Tensor, got ${describe(v)}`);
  if (v.numel() !== numel) throw new ShapeError(`loaded LBFGS state: ${where} has ${v.numel()} elements, but the parameters have ${numel} in all`);
  return Tensor.fromStorage((v.dtype === dtype ? v : v.to(dtype)).toTypedArray(), dtype, [numel]);
}

export function loadLbfgsState(entry: unknown, numel: number, dtype: "float32" | "float64"): ParamState {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry) || entry instanceof Tensor) {
    throw new ArgumentError(`loaded LBFGS state must be an object, got ${describe(entry)}`);
  }
  const out: ParamState = {};
  for (const [key, v] of Object.entries(entry as Record<string, unknown>)) {
    const kind = KINDS.get(key);
    if (kind === undefined) throw new ArgumentError(`loaded LBFGS state has an unknown entry "${key}"`);
    if (!kind.endsWith("[]")) {
      out[key] = value(v, key, kind, numel, dtype);
      continue;
    }
    if (!Array.isArray(v)) throw new ArgumentError(`loaded LBFGS state: ${key} must be a list, got ${describe(v)}`);
    out[key] = v.map((x, i) => value(x, `${key}[${i}]`, kind.slice(0, -2), numel, dtype)) as StateValue;
  }
  return out;
}
