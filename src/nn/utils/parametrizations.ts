/**
 * torch.nn.utils.parametrizations (PyTorch 1.13): spectralNorm and orthogonal (./orthogonal.ts) as
 * parametrizations (see ./parametrize.ts). spectralNorm is the successor of nn.utils.spectralNorm:
 * the weight stays a parameter at `parametrizations.weight.original`; the power iteration's vectors
 * are the buffers `_u` and `_v` of the parametrization module (`parametrizations.weight.0._u`), run
 * 15 times at registration and nPowerIterations times per access in training mode, updating u from v
 * first (the reverse of the older hook-based spectralNorm).
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError } from "../../errors.ts";
import { keywordArgs } from "../../options.ts";
import { randn } from "../../tensor/creation.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { type AnyModule, Module } from "../module.ts";
import { registerParametrization } from "./parametrize.ts";
import { normalize, toMatrix } from "./spectral_norm.ts";

/** The parametrization module: weight / sigma(weight), a 1-D weight just normalised. */
export class SpectralNormParametrization extends Module {
  /** @internal */ static override readonly builtinName: string = "_SpectralNorm";
  readonly dim: number;
  readonly eps: number;
  readonly nPowerIterations: number;
  declare _u: Tensor;
  declare _v: Tensor;

  constructor(weight: Tensor, nPowerIterations = 1, dim = 0, eps = 1e-12) {
    super();
    const ndim = weight.ndim;
    if (dim >= ndim || dim < -ndim) throw new ArgumentError(`Dimension out of range (expected to be in range of [-${ndim}, ${ndim - 1}] but got ${dim})`);
    if (nPowerIterations <= 0) throw new ArgumentError(`Expected n_power_iterations to be positive, but got n_power_iterations=${nPowerIterations}`);
    this.dim = dim >= 0 ? dim : dim + ndim;
    this.eps = eps;
    this.nPowerIterations = nPowerIterations;
    if (ndim > 1) {
      const mat = toMatrix(weight, this.dim);
      const [h, w] = mat.shape as [number, number];
      this.registerBuffer("_u", normalize(randn([h], { dtype: weight.dtype }), eps));
      this.registerBuffer("_v", normalize(randn([w], { dtype: weight.dtype }), eps));
      // Start close to the top singular vectors, so the first estimate is already good.
      this.powerMethod(mat, 15);
    }
  }

  private powerMethod(mat: Tensor, n: number): void {
    noGrad(() => {
      const w = mat.detach();
      for (let i = 0; i < n; i++) {
        this._u.copy_(normalize(w.mv(this._v), this.eps));
        this._v.copy_(normalize(w.t().mv(this._u), this.eps));
      }
    });
  }

  override forward(weight: Tensor): Tensor {
    if (weight.ndim === 1) return normalize(weight, this.eps);
    const mat = toMatrix(weight, this.dim);
    if (this.training) this.powerMethod(mat, this.nPowerIterations);
    // Copies, so the next in-place update of the buffers cannot touch what this graph saved.
    const u = this._u.clone();
    const v = this._v.clone();
    return weight.div(u.dot(mat.mv(v)));
  }

  /** Any weight is its own preimage: assigning sets the original directly. */
  rightInverse(value: Tensor): Tensor {
    return value;
  }
}

/** Registers spectral normalisation on `module[name]` (default "weight") as a parametrization; returns the module. */
export function spectralNorm<M extends AnyModule>(module: M, ...args: unknown[]): M {
  const where = "nn.utils.parametrizations.spectralNorm()";
  if (!(module instanceof Module)) throw new ArgumentError(`${where}: expected an nn.Module`);
  const o = keywordArgs(where, args, ["name", "nPowerIterations", "eps", "dim"], { name: "string", nPowerIterations: "int", eps: "number", dim: "int?" });
  const name = (o.name as string | undefined) ?? "weight";
  const weight = (module as unknown as Record<string, unknown>)[name];
  if (!(weight instanceof Tensor)) throw new ArgumentError(`Module '${module.toString()}' has no parameter or buffer with name '${name}'`);
  const dim = (o.dim as number | null | undefined) ?? (module.getName().startsWith("ConvTranspose") ? 1 : 0);
  const p = new SpectralNormParametrization(weight, (o.nPowerIterations as number | undefined) ?? 1, dim, (o.eps as number | undefined) ?? 1e-12);
  return registerParametrization(module, name, p);
}
export { orthogonal, OrthogonalParametrization, type OrthogonalMap } from "./orthogonal.ts";
