/**
 * torch.nn.utils.parameters_to_vector / vector_to_parameters: all parameters as one flat vector and
 * back, for methods that treat a model as a point in R^n (line searches, natural gradient, Hessian
 * products). The vector is differentiable w.r.t. the parameters (PyTorch's cat of views).
 */
import { noGrad } from "../../autograd/grad_mode.ts";
import { ArgumentError, ShapeError } from "../../errors.ts";
import { cat } from "../../ops/join.ts";
import { checkArity } from "../../options.ts";
import { Tensor } from "../../tensor/tensor.ts";

function tensorsOf(parameters: Iterable<Tensor>, where: string): Tensor[] {
  if (parameters instanceof Tensor || parameters === null || typeof (parameters as Iterable<Tensor>)?.[Symbol.iterator] !== "function") {
    throw new ArgumentError(`${where}: parameters must be an iterable of Tensors`);
  }
  const list = [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new ArgumentError(`${where}: parameters[${i}] is not a Tensor`);
  });
  return list;
}

/** The parameters flattened and joined, in order, into one vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  checkArity("nn.utils.parametersToVector()", arguments, 1);
  const list = tensorsOf(parameters, "nn.utils.parametersToVector()");
  if (list.length === 0) throw new ArgumentError("torch.cat(): expected a non-empty list of Tensors");
  return cat(list.map((p) => p.reshape([-1])));
}

/**
 * Copies consecutive slices of `vec` into the parameters, in order (PyTorch rebinds each parameter's
 * `.data` to a view of vec; the values are the same, the parameters keep their own storage here).
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  checkArity("nn.utils.vectorToParameters()", arguments, 2);
  if (!(vec instanceof Tensor)) throw new ArgumentError(`expected torch.Tensor, but got: ${vec === null ? "null" : typeof vec}`);
  const list = tensorsOf(parameters, "nn.utils.vectorToParameters()");
  const total = list.reduce((n, p) => n + p.numel(), 0);
  const flat = vec.reshape([-1]);
  if (flat.numel() < total) {
    throw new ShapeError(`vectorToParameters(): the vector has ${flat.numel()} elements, but the parameters need ${total}`);
  }
  noGrad(() => {
    let pointer = 0;
    for (const p of list) {
      const n = p.numel();
      p.copy_(flat.narrow(0, pointer, n).reshape([...p.shape]));
      pointer += n;
    }
  });
}
