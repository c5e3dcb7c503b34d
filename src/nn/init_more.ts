/**
 * More of `torch.nn.init` (PyTorch 1.13): orthogonal_, truncNormal_, eye_, dirac_, sparse_. Each
 * fills a tensor in place under noGrad and returns it; random ones draw from the default generator
 * or `opts.generator`, so values differ from PyTorch's generator but follow the same recipe.
 */
import { noGrad } from "../autograd/grad_mode.ts";
import { ArgumentError } from "../errors.ts";
import { log } from "../log.ts";
import { erf, erfinv } from "../ops/op_functions.ts";
import { qr } from "../ops/linalg_qr.ts";
import { checkArg, checkArity, checkOptions } from "../options.ts";
import { eye, randn, randperm, tensor } from "../tensor/creation.ts";
import { Tensor } from "../tensor/tensor.ts";
import { type InitOptions, uniform_ } from "./init.ts";
import { initSkipped } from "./init_skip.ts";

const INIT_OPTIONS = { generator: "object" } as const;

/** Writes values into t in place, without recording a graph. */
function fill(t: Tensor, values: Tensor): Tensor {
  noGrad(() => t.copy_(values.reshape([...t.shape])));
  return t;
}

/**
 * The orthogonal matrix orthogonal_ makes from a [rows, cols] standard normal matrix: Q of its QR
 * (of its transpose when wide), each column times the sign of R's diagonal entry so that Q is
 * uniform (Haar) rather than biased by the factorisation's sign convention. Separate so a test can
 * feed PyTorch's normal draws and compare exactly.
 */
export function orthogonalFromNormal(normal: Tensor): Tensor {
  const [rows, cols] = normal.shape as [number, number];
  const wide = rows < cols;
  const [q, r] = qr(wide ? normal.t() : normal);
  const fixed = q.mul(r.diagonal().sign());
  return wide ? fixed.t() : fixed;
}

/**
 * A (semi-)orthogonal matrix (Saxe et al. 2013), times `gain`: rows are orthonormal when there are
 * fewer rows than columns, columns otherwise. Dimensions after the first are flattened.
 */
export function orthogonal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  Tensor.check(t, "tensor");
  checkArg("nn.init.orthogonal_()", gain, "number", 2, "gain");
  checkOptions("nn.init.orthogonal_()", opts, INIT_OPTIONS, { index: 3 });
  checkArity("nn.init.orthogonal_()", arguments, 3);
  if (t.ndim < 2) throw new ArgumentError("Only tensors with 2 or more dimensions are supported");
  if (t.numel() === 0 || initSkipped()) return t;
  const rows = t.shape[0]!;
  const normal = randn([rows, t.numel() / rows], { dtype: t.dtype, generator: opts.generator });
  return fill(t, orthogonalFromNormal(normal).mul(gain));
}

/** The standard normal CDF, by torch.erf in float64 (Python's math.erf in PyTorch). */
const normCdf = (x: number): number => (1 + erf(tensor(x / Math.SQRT2, { dtype: "float64" })).item()) / 2;

/**
 * Normal(mean, std^2) truncated to [a, b], by inverse CDF: uniform on [2 cdf(a) - 1, 2 cdf(b) - 1],
 * erfinv, scaled, shifted and clamped to [a, b]. PyTorch warns (it still fills) when mean is more than
 * 2 std outside [a, b], where the transform loses precision.
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: InitOptions = {}): Tensor {
  Tensor.check(t, "tensor");
  const where = "nn.init.truncNormal_()";
  checkArg(where, mean, "number", 2, "mean");
  checkArg(where, std, "number", 3, "std");
  checkArg(where, a, "number", 4, "a");
  checkArg(where, b, "number", 5, "b");
  checkOptions(where, opts, INIT_OPTIONS, { index: 6 });
  checkArity(where, arguments, 6);
  if (mean < a - 2 * std || mean > b + 2 * std) {
    log("warn", "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.");
  }
  if (initSkipped()) return t;
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  noGrad(() => {
    uniform_(t, 2 * l - 1, 2 * u - 1, opts);
    t.copy_(erfinv(t).mul(std * Math.SQRT2).add(mean).clamp(a, b));
  });
  return t;
}

/** The identity matrix (a 2-D tensor only), preserving the identity of a Linear layer's inputs. */
export function eye_(t: Tensor): Tensor {
  Tensor.check(t, "tensor");
  checkArity("nn.init.eye_()", arguments, 1);
  if (t.ndim !== 2) throw new ArgumentError("Only tensors with 2 dimensions are supported");
  if (initSkipped()) return t;
  return fill(t, eye(t.shape[0]!, t.shape[1]!, { dtype: t.dtype }));
}

/**
 * The Dirac delta for a 3-, 4- or 5-D convolution weight [out, in, *kernel]: in each of `groups`
 * groups of output channels, output channel d takes input channel d at the kernel's centre, so the
 * convolution passes (as many as it can of) its inputs through unchanged.
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  Tensor.check(t, "tensor");
  checkArg("nn.init.dirac_()", groups, "int", 2, "groups");
  checkArity("nn.init.dirac_()", arguments, 2);
  const dims = t.ndim;
  if (dims < 3 || dims > 5) throw new ArgumentError("Only tensors with 3, 4, or 5 dimensions are supported");
  const shape = t.shape;
  if (shape[0]! % groups !== 0) throw new ArgumentError("dim 0 must be divisible by groups");
  if (initSkipped()) return t;
  const outPerGroup = shape[0]! / groups;
  const minDim = Math.min(outPerGroup, shape[1]!);
  const values = new Float64Array(t.numel());
  // Row-major strides of the weight, and the flat offset of the kernel's centre.
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((x, y) => x * y, 1));
  let centre = 0;
  for (let i = 2; i < dims; i++) centre += Math.floor(shape[i]! / 2) * strides[i]!;
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) values[(g * outPerGroup + d) * strides[0]! + d * strides[1]! + centre] = 1;
  }
  return fill(t, tensor(values, { dtype: "float64" }).to(t.dtype));
}

/**
 * A sparse 2-D matrix (Martens 2010): Normal(0, std^2) with ceil(sparsity * rows) entries of each
 * column set to zero, the rows chosen by a random permutation per column.
 */
export function sparse_(t: Tensor, sparsity: number, std = 0.01, opts: InitOptions = {}): Tensor {
  Tensor.check(t, "tensor");
  checkArg("nn.init.sparse_()", sparsity, "number", 2, "sparsity");
  checkArg("nn.init.sparse_()", std, "number", 3, "std");
  checkOptions("nn.init.sparse_()", opts, INIT_OPTIONS, { index: 4 });
  checkArity("nn.init.sparse_()", arguments, 4);
  if (t.ndim !== 2) throw new ArgumentError("Only tensors with 2 dimensions are supported");
  if (!(std >= 0)) throw new ArgumentError(`normal expects std >= 0.0, but found std ${std}`);
  if (initSkipped()) return t;
  const [rows, cols] = t.shape as [number, number];
  const numZeros = Math.ceil(sparsity * rows);
  const values = randn([rows, cols], { dtype: "float64", generator: opts.generator }).mul(std).toTypedArray() as Float64Array;
  for (let c = 0; c < cols; c++) {
    const perm = randperm(rows, { generator: opts.generator }).toTypedArray();
    for (let k = 0; k < Math.min(numZeros, rows); k++) values[Number(perm[k]) * cols + c] = 0;
  }
  return fill(t, tensor(values, { dtype: "float64" }).to(t.dtype));
}
