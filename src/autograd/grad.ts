import { ArgumentError, AutogradError } from "../errors.ts";
import { checkOptions } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";
import { runPass, seedOf } from "./engine.ts";

export interface GradOptions {
  /** The gradient for each output (PyTorch's grad_outputs); null or absent for a scalar output means 1. */
  gradOutputs?: Tensor | readonly (Tensor | null)[] | null;
  /** Keep the graph for another pass (default: createGraph). */
  retainGraph?: boolean;
  /** Record this pass, so the returned gradients can be differentiated again. */
  createGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
  /** PyTorch's vmap over gradOutputs: not supported by kindling (passing true throws). */
  isGradsBatched?: boolean;
}

/** A tensor or an array of them as an array; anything else is an ArgumentError naming `what` of `where`. */
export const asList = (x: Tensor | readonly (Tensor | null)[], what: string, where = "autograd.grad()"): readonly (Tensor | null)[] => {
  if (x instanceof Tensor) return [x];
  if (!Array.isArray(x)) throw new ArgumentError(`${where}: ${what} must be a Tensor or an array of Tensors`);
  return x;
};

/**
 * PyTorch's `torch.autograd.grad`: the gradients of `outputs` with respect to `inputs`, returned (one
 * per input, in order) rather than accumulated into `.grad`, which no tensor has touched afterwards.
 * With `createGraph: true` they have a gradFn of their own: `grad(grad(y, x, {createGraph:true})[0].sum(), x)`
 * is a second derivative.
 */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  checkOptions(
    "autograd.grad()",
    opts,
    { gradOutputs: "any", retainGraph: "boolean", createGraph: "boolean", allowUnused: "boolean", isGradsBatched: "boolean" },
    { index: 3 },
  );
  if (opts.isGradsBatched) throw new ArgumentError("autograd.grad(): isGradsBatched is not supported by kindling (it needs vmap)");
  const outs = asList(outputs, "outputs");
  const ins = asList(inputs, "inputs");
  for (const t of [...outs, ...ins]) Tensor.check(t, "tensors");
  if (ins.length === 0) throw new AutogradError("grad requires non-empty inputs.");
  const given = opts.gradOutputs === undefined || opts.gradOutputs === null ? outs.map(() => null) : asList(opts.gradOutputs, "gradOutputs");
  if (given.length !== outs.length) {
    throw new AutogradError(`grad_outputs must have the same length as outputs: got ${given.length} grad_outputs and ${outs.length} outputs`);
  }
  const createGraph = opts.createGraph ?? false;
  const roots = outs.map((o, i) => [o!, seedOf(o!, i, given[i], createGraph)] as const);
  for (const t of ins) {
    if (!t!.requiresGrad) throw new AutogradError("One of the differentiated Tensors does not require grad");
  }
  const result = runPass({ roots, retainGraph: opts.retainGraph ?? createGraph, createGraph, capture: ins as Tensor[] });
  if (!opts.allowUnused && result.some((g) => g === null)) {
    throw new AutogradError(
      "One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.",
    );
  }
  return result;
}
