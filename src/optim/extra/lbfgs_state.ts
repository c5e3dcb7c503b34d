/**
 * Reading LBFGS's state from a state dict (kindling's or PyTorch's, whose scalars are 0-d tensors):
 * flat vectors over all parameters, lists of them, and scalars. Everything is checked and copied
 * before the optimizer changes, so a bad state dict leaves it as it was.
 */
import { ArgumentError, ShapeError } from "../../errors.ts";
import { Tensor } from "../../tensor/tensor.ts";
import type { ParamState, StateValue } from "../optimizer.ts";

const VECTORS = new Set(["d", "prev_flat_grad"]);
const VECTOR_LISTS = new Set(["old_dirs", "old_stps"]);
const SCALARS = new Set(["func_evals", "n_iter", "t", "H_diag", "prev_loss"]);
const SCALAR_LISTS = new Set(["ro", "al"]);

const describe = (v: unknown): string => (v === null ? "null" : v instanceof Tensor ? `a Tensor of shape [${v.shape.join(", ")}]` : typeof v);

function scalar(v: unknown, where: string, nullable: boolean): number | null {
  if (typeof v === "number") return v;
  if (v === null && nullable) return null;
  if (v instanceof Tensor && v.numel() === 1) return v.item();
  throw new ArgumentError(`loaded LBFGS state: ${where} must be a number${nullable ? " or null" : ""}, got ${describe(v)}`);
}

function vector(v: unknown, where: string, numel: number, dtype: "float32" | "float64"): Tensor {
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
    let value: StateValue;
    if (v === null && (VECTORS.has(key) || key === "prev_loss")) value = null;
    else if (VECTORS.has(key)) value = vector(v, key, numel, dtype);
    else if (SCALARS.has(key)) value = scalar(v, key, false);
    else if (VECTOR_LISTS.has(key) || SCALAR_LISTS.has(key)) {
      if (!Array.isArray(v)) throw new ArgumentError(`loaded LBFGS state: ${key} must be a list, got ${describe(v)}`);
      value = VECTOR_LISTS.has(key)
        ? v.map((x, i) => vector(x, `${key}[${i}]`, numel, dtype))
        : v.map((x, i) => scalar(x, `${key}[${i}]`, key === "al"));
    } else {
      throw new ArgumentError(`loaded LBFGS state has an unknown entry "${key}"`);
    }
    out[key] = value;
  }
  return out;
}
