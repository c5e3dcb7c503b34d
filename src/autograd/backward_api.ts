import { AutogradError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import { asList } from "./grad.ts";
import { BACKWARD_OPTIONS, type BackwardOptions, runRoots, seedOf } from "./engine.ts";

const isOptions = (x: unknown): x is BackwardOptions =>
  typeof x === "object" && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;

/**
 * PyTorch's `torch.autograd.backward(tensors, grad_tensors, ...)`: one pass from several outputs at
 * once, each seeded with its gradient (null, or none at all, for a one-element output means 1), their
 * gradients summed into `.grad`. `backward(ys, { inputs: [w] })` is accepted without gradTensors.
 */
export function backward(
  tensors: Tensor | readonly Tensor[],
  gradTensors?: Tensor | readonly (Tensor | null)[] | null | BackwardOptions,
  opts: BackwardOptions = {},
): void {
  if (isOptions(gradTensors)) {
    opts = gradTensors;
    gradTensors = undefined;
  }
  checkOptions("autograd.backward()", opts, BACKWARD_OPTIONS, { index: 3 });
  const outs = asList(tensors, "tensors", "autograd.backward()") as readonly Tensor[];
  if (outs.length === 0) throw new AutogradError("autograd.backward(): tensors is empty: there is nothing to differentiate");
  outs.forEach((t) => Tensor.check(t, "tensors"));
  const given = gradTensors === undefined || gradTensors === null ? outs.map(() => null) : asList(gradTensors, "gradTensors", "autograd.backward()");
  // PyTorch zips the two lists and drops the extras; a length mismatch is almost surely a mistake.
  if (given.length !== outs.length) {
    throw new AutogradError(`grad_tensors must have the same length as tensors: got ${given.length} grad_tensors and ${outs.length} tensors`);
  }
  const createGraph = opts.createGraph ?? false;
  runRoots(outs.map((o, i) => [o, seedOf(o, i, given[i], createGraph)] as const), opts);
}
