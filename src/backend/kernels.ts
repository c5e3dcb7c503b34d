/**
 * The kernel registry: a backend is a table of kernels looked up by name. The reference backend
 * (js) registers every kernel; a faster backend registers only the kernels it has, each as a "fast"
 * kernel that may decline a call (it returns false, having written nothing), and the registry
 * composes each one with the reference kernel of the same name through `withFallback`, the one
 * place where "fast kernel, else the JS reference" is written.
 *
 * Optional kernels (whole-batch convolution passes, fused optimizer steps) have no reference: a
 * backend registers them by name, and `optionalKernel(name)` (src/backend/registry.ts) returns
 * the active backend's, or undefined.
 *
 * The `Backend` interface stays the typed view ops call (`backend().gemm(...)`); `view()` builds it
 * from the table, so an op never learns which backend, or which of its kernels, runs.
 */
import type { Backend } from "./backend.ts";
import type { ConvPasses } from "./conv_passes.ts";
import type { CrossEntropyKernel } from "./cross_entropy.ts";
import type { FusedOptimizer } from "./fused_optimizer.ts";
import type { LinearForward } from "./linear_forward.ts";
import type { RecurrentCells } from "./recurrent_cells.ts";

/** Every kernel of the Backend interface; the reference backend registers all of them. */
export const KERNEL_NAMES = [
  "unary", "binary", "binaryScalar", "copy", "scatterInto", "reduce", "gemm", "softmax", "softmaxBackward",
  "dropout", "dropoutBackward", "layerNorm", "layerNormBackward", "gather", "scatterAdd", "indexSelect", "indexAdd", "where", "gaussSolve", "im2col", "col2im", "maxPool2d",
  "maxPool2dBackward", "avgPool2d", "avgPool2dBackward", "adaptiveAvgPool2d", "adaptiveAvgPool2dBackward",
] as const satisfies readonly (keyof Backend)[];

export type KernelName = (typeof KERNEL_NAMES)[number];
export type Kernels = Pick<Backend, KernelName>;

/** A kernel that may decline its arguments: false, having written nothing, sends the call to the reference. */
export type FastKernel<K extends KernelName> = (...args: Parameters<Kernels[K]>) => boolean;
export type FastKernels = { [K in KernelName]?: FastKernel<K> };

/** Kernels a backend may have or not, by name; nothing in src/ops needs one to be there. */
export interface OptionalKernels {
  convPasses: ConvPasses;
  crossEntropy: CrossEntropyKernel;
  fusedOptimizer: FusedOptimizer;
  linearForward: LinearForward;
  recurrentCells: RecurrentCells;
}
export type OptionalKernelName = keyof OptionalKernels;

/** The fast kernel when it accepts the call, else the reference: the only place that composition is written. */
export function withFallback<A extends unknown[]>(fast: (...args: A) => boolean, reference: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    if (!fast(...args)) reference(...args);
  };
}

/** What a backend has beyond its kernels: thread control and a description for logs. */
export interface BackendControls {
  setNumThreads?(n: number): void;
  /** The threads the backend's kernels actually run on now (1 when it runs none of its own). */
  getNumThreads?(): number;
  describe?(): string;
}

export class KernelRegistry {
  private readonly kernels = new Map<KernelName, Kernels[KernelName]>();
  private readonly optionals = new Map<OptionalKernelName, OptionalKernels[OptionalKernelName]>();

  /** `reference` supplies every kernel this registry lacks and the fallback of its fast kernels. */
  constructor(readonly backendName: string, private readonly reference: KernelRegistry | null = null) {}

  /** A kernel that handles every call it is given. */
  register<K extends KernelName>(name: K, kernel: Kernels[K]): this {
    this.kernels.set(name, kernel);
    return this;
  }

  /** A kernel that may decline a call; the reference's kernel of the same name runs those. */
  registerFast<K extends KernelName>(name: K, fast: FastKernel<K>): this {
    if (!this.reference) throw new Error(`backend '${this.backendName}' has no reference for its fast kernel '${name}'`);
    const reference = this.reference.kernel(name) as (...args: Parameters<Kernels[K]>) => void;
    return this.register(name, withFallback(fast, reference) as unknown as Kernels[K]);
  }

  registerAllFast(fast: FastKernels): this {
    for (const name of KERNEL_NAMES) {
      const f = fast[name];
      if (f) this.registerFast(name, f as FastKernel<typeof name>);
    }
    return this;
  }

  registerOptional<K extends OptionalKernelName>(name: K, kernel: OptionalKernels[K]): this {
    this.optionals.set(name, kernel);
    return this;
  }

  /** The kernel registered by that name, else the reference's. */
  kernel<K extends KernelName>(name: K): Kernels[K] {
    const own = this.kernels.get(name) as Kernels[K] | undefined;
    if (own) return own;
    if (this.reference) return this.reference.kernel(name);
    throw new Error(`backend '${this.backendName}' has no kernel '${name}'`);
  }

  /** Whether this backend registered the kernel itself (rather than running the reference's). */
  has(name: KernelName): boolean {
    return this.kernels.has(name);
  }

  optional<K extends OptionalKernelName>(name: K): OptionalKernels[K] | undefined {
    return this.optionals.get(name) as OptionalKernels[K] | undefined;
  }

  /** The typed Backend ops call, each kernel looked up by name once. */
  view(controls: BackendControls = {}): Backend {
    const kernels = Object.fromEntries(KERNEL_NAMES.map((k) => [k, this.kernel(k)])) as unknown as Kernels;
    return {
      ...kernels,
      ...controls,
      name: this.backendName,
      registry: this,
      optionalKernel: (name) => this.optional(name),
    };
  }
}
