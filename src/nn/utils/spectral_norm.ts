/**
 * torch.nn.utils.spectral_norm / remove_spectral_norm (PyTorch 1.13, Miyato et al. 2018): the
 * parameter `name` is moved to `name_orig`, and before each forward `name` is recomputed as
 * name_orig / sigma, sigma its largest singular value estimated by power iteration. The iteration's
 * vectors are the buffers `name_u` and `name_v` (so they are in the state dict); in training mode each
 * forward runs nPowerIterations steps and updates them in place, in eval mode they are used as they are.
 * The weight is seen as a matrix with `dim` first (default 0; 1 for ConvTranspose layers, whose
 * weights are [in, out, ...]).
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { keywordArgs } from "../../options.ts";
import { randn } from "../../tensor/creation.ts";
import type { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { Parameter } from "../parameter.ts";
import { addReparam, deleteAttr, dropReparam, findReparam, parameterOf, setAttr, setParameter } from "./reparam.ts";

interface Config {
  name: string;
  nPowerIterations: number;
  eps: number;
  dim: number;
}

/** The weight as a matrix [size(dim), rest], dim moved first. */
export function toMatrix(w: Tensor, dim: number): Tensor {
  const perm = dim === 0 ? w : w.permute(dim, ...w.shape.map((_, i) => i).filter((i) => i !== dim));
  return perm.reshape([perm.shape[0]!, -1]);
}

/** F.normalize(x, dim=0, eps): x / max(||x||, eps). */
export const normalize = (x: Tensor, eps: number): Tensor => x.div(x.norm().clamp(eps));

const get = (m: AnyModule, name: string): Tensor => (m as unknown as Record<string, Tensor>)[name]!;

/** PyTorch's SpectralNorm.compute_weight. */
function computeWeight(m: AnyModule, c: Config, powerIteration: boolean): Tensor {
  const weight = get(m, `${c.name}_orig`);
  let u = get(m, `${c.name}_u`);
  let v = get(m, `${c.name}_v`);
  const mat = toMatrix(weight, c.dim);
  if (powerIteration) {
    noGrad(() => {
      const w = mat.detach();
      for (let i = 0; i < c.nPowerIterations; i++) {
        v.copy_(normalize(w.t().mv(u), c.eps));
        u.copy_(normalize(w.mv(v), c.eps));
      }
      // Copies, so the next in-place update of the buffers cannot touch what this graph saved.
      u = u.clone();
      v = v.clone();
    });
  }
  const sigma = u.dot(mat.mv(v));
  return weight.div(sigma);
}

function checkModule(m: unknown, where: string): AnyModule {
  if (!(m instanceof Module)) throw new ArgumentError(`${where}: expected an nn.Module, got ${m === null ? "null" : typeof m}`);
  return m as AnyModule;
}

/** Options beyond `name`, as PyTorch's keywords. */
export interface SpectralNormOptions {
  name?: string;
  nPowerIterations?: number;
  eps?: number;
  /** null: 0, or 1 for ConvTranspose layers. */
  dim?: number | null;
}

const CONFIGS = new WeakMap<AnyModule, Map<string, Config>>();

/** Adds spectral normalisation to `module`'s parameter `name` (default "weight") and returns the module. */
export function spectralNorm<M extends AnyModule>(module: M, ...args: unknown[]): M {
  const where = "nn.utils.spectralNorm()";
  const m = checkModule(module, where);
  const o = keywordArgs(where, args, ["name", "nPowerIterations", "eps", "dim"], { name: "string", nPowerIterations: "int", eps: "number", dim: "int?" });
  const name = (o.name as string | undefined) ?? "weight";
  const nPowerIterations = (o.nPowerIterations as number | undefined) ?? 1;
  const eps = (o.eps as number | undefined) ?? 1e-12;
  if (findReparam(m, name, "spectral_norm")) throw new ArgumentError(`Cannot register two spectral_norm hooks on the same parameter ${name}`);
  if (nPowerIterations <= 0) throw new ArgumentError(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
  const weight = parameterOf(m, name, where);
  let dim = (o.dim as number | null | undefined) ?? (m.getName().startsWith("ConvTranspose") ? 1 : 0);
  if (dim < -weight.ndim || dim >= weight.ndim) throw new ArgumentError(`Dimension out of range (expected to be in range of [${-weight.ndim}, ${weight.ndim - 1}], but got ${dim})`);
  if (dim < 0) dim += weight.ndim;
  const c: Config = { name, nPowerIterations, eps, dim };
  const [h, w] = toMatrix(weight, dim).shape as [number, number];
  const [u, v] = noGrad(() => [normalize(randn([h], { dtype: weight.dtype }), eps), normalize(randn([w], { dtype: weight.dtype }), eps)]);
  deleteAttr(m, name);
  setParameter(m, `${name}_orig`, weight);
  setAttr(m, name, weight.detach());
  m.registerBuffer(`${name}_u`, u!);
  m.registerBuffer(`${name}_v`, v!);
  let configs = CONFIGS.get(m);
  if (configs === undefined) CONFIGS.set(m, (configs = new Map()));
  configs.set(name, c);
  addReparam(m, name, "spectral_norm", m.registerForwardPreHook((mod) => void setAttr(m, name, computeWeight(m, c, mod.training))), dim);
  return module;
}

/** Removes spectral normalisation: `name` becomes a parameter again, holding weight_orig / sigma (no iteration). */
export function removeSpectralNorm<M extends AnyModule>(module: M, ...args: unknown[]): M {
  const where = "nn.utils.removeSpectralNorm()";
  const m = checkModule(module, where);
  const o = keywordArgs(where, args, ["name"], { name: "string" });
  const name = (o.name as string | undefined) ?? "weight";
  const entry = findReparam(m, name, "spectral_norm");
  const c = CONFIGS.get(m)?.get(name);
  if (entry === undefined || c === undefined) throw new ArgumentError(`spectral_norm of '${name}' not found in ${m.toString()}`);
  const weight = noGrad(() => computeWeight(m, c, false));
  entry.handle.remove();
  dropReparam(m, name, "spectral_norm");
  CONFIGS.get(m)!.delete(name);
  for (const k of [name, `${name}_u`, `${name}_v`, `${name}_orig`]) deleteAttr(m, k);
  setParameter(m, name, Parameter(weight.detach()));
  return module;
}
