/**
 * torch.nn.utils.weight_norm / remove_weight_norm (PyTorch 1.13, Salimans & Kingma 2016): the
 * parameter `name` is replaced by `name_g` (its norm over every dim but `dim`) and `name_v` (its
 * direction), and before each forward `name` is recomputed as v * g / ||v||, so gradients reach g and v.
 * dim null (or -1, as in PyTorch) takes one norm over the whole tensor.
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { keywordArgs } from "../../options.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { addReparam, deleteAttr, dropReparam, findReparam, parameterOf, setAttr, setParameter } from "./reparam.ts";

/** The 2-norm of v over every dim but `dim`, shaped to broadcast against v (PyTorch's norm_except_dim). */
export function normExceptDim(v: Tensor, dim: number): Tensor {
  if (dim === -1) return v.norm();
  const t = dim === 0 ? v : v.transpose(0, dim);
  const n = t.shape[0]!;
  const out = t.reshape([n, -1]).norm(2, 1).reshape([n, ...new Array<number>(v.ndim - 1).fill(1)]);
  return dim === 0 ? out : out.transpose(0, dim);
}

/** PyTorch's _weight_norm: v * (g / norm_except_dim(v, 2, dim)). */
const compute = (g: Tensor, v: Tensor, dim: number): Tensor => v.mul(g.div(normExceptDim(v, dim)));

function attr(m: AnyModule, name: string): Tensor {
  return (m as unknown as Record<string, Tensor>)[name]!;
}

function checkModule(m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new ArgumentError(`${where}: expected an nn.Module, got ${m === null ? "null" : typeof m}`);
  return m as AnyModule;
}

/** Adds weight normalisation to `module`'s parameter `name` (default "weight") and returns the module. */
export function weightNorm<M extends AnyModule>(module: M, ...args: unknown[]): M {
  const where = "nn.utils.weightNorm()";
  const m = checkModule(module, where);
  const o = keywordArgs(where, args, ["name", "dim"], { name: "string", dim: "int?" });
  const name = (o.name as string | undefined) ?? "weight";
  if (findReparam(m, name, "weight_norm")) throw new ArgumentError(`Cannot register two weight_norm hooks on the same parameter ${name}`);
  const weight = parameterOf(m, name, where);
  let dim = o.dim === undefined ? 0 : (o.dim as number | null) ?? -1;
  if (dim !== -1) {
    if (dim < -weight.ndim || dim >= weight.ndim) throw new ArgumentError(`Dimension out of range (expected to be in range of [${-weight.ndim}, ${weight.ndim - 1}], but got ${dim})`);
    if (dim < 0) dim += weight.ndim;
  }
  const data = weight.detach();
  deleteAttr(m, name);
  setParameter(m, `${name}_g`, Parameter(noGrad(() => normExceptDim(data, dim))));
  setParameter(m, `${name}_v`, Parameter(data));
  const recompute = (): void => setAttr(m, name, compute(attr(m, `${name}_g`), attr(m, `${name}_v`), dim));
  recompute();
  addReparam(m, name, "weight_norm", m.registerForwardPreHook(() => void recompute()), dim);
  return module;
}

/** Removes weight normalisation: `name` becomes a parameter again, holding the current v * g / ||v||. */
export function removeWeightNorm<M extends AnyModule>(module: M, ...args: unknown[]): M {
  const where = "nn.utils.removeWeightNorm()";
  const m = checkModule(module, where);
  const o = keywordArgs(where, args, ["name"], { name: "string" });
  const name = (o.name as string | undefined) ?? "weight";
  const entry = findReparam(m, name, "weight_norm");
  if (entry === undefined) throw new ArgumentError(`weight_norm of '${name}' not found in ${m.toString()}`);
  const weight = noGrad(() => compute(attr(m, `${name}_g`), attr(m, `${name}_v`), entry.dim));
  entry.handle.remove();
  dropReparam(m, name, "weight_norm");
  deleteAttr(m, name);
  deleteAttr(m, `${name}_g`);
  deleteAttr(m, `${name}_v`);
  setParameter(m, name, Parameter(weight.detach()));
  return module;
}
