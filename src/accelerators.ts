/**
 * `torch.cuda` and `torch.backends.mps`, the availability checks PyTorch programs make before choosing
 * a device. kindling computes on the cpu only (its backends - native, wasm, js - are ways to run on the
 * cpu, not devices), so these say no; `torch.device("cuda")` and `.cuda()` explain which devices exist.
 */

/** torch.cuda */
export const cuda = Object.freeze({
  /** Whether a CUDA device can be used: never, in kindling. */
  isAvailable(): boolean {
    return false;
  },
  /** How many CUDA devices there are: 0. */
  deviceCount(): number {
    return 0;
  },
});

/**
 * torch.backends.cudnn as a CPU-only PyTorch build has it: not available, with the flags programs set
 * (`cudnn.benchmark = true` in pytorch/examples dcgan) writable and read back, affecting nothing.
 */
const cudnn = Object.seal({
  /** Whether cuDNN can be used: never, in kindling. */
  isAvailable(): boolean {
    return false;
  },
  /** cuDNN's version number: null, as PyTorch's is without cuDNN. */
  version(): number | null {
    return null;
  },
  enabled: true,
  benchmark: false,
  deterministic: false,
  allowTf32: true,
});

/** torch.backends: the accelerator back ends PyTorch can be built with (kindling has none). */
export const backends = Object.freeze({
  cudnn,
  mps: Object.freeze({
    /** Whether Apple's Metal device can be used: never, in kindling. */
    isAvailable(): boolean {
      return false;
    },
    /** Whether kindling was built with Metal support: no. */
    isBuilt(): boolean {
      return false;
    },
  }),
});
