import { checkArg, checkArity } from "../options.ts";
import { Tensor } from "../tensor/tensor.ts";

/**
 * `nn.Parameter`: a leaf tensor that a Module registers as learnable. kindling's Tensor constructor
 * is private, so a Parameter is an ordinary Tensor (sharing the given tensor's storage, as PyTorch's
 * does) remembered in a WeakSet; `x instanceof nn.Parameter` and `isParameter(x)` test membership.
 *
 *     const w = new nn.Parameter(torch.randn([3, 4]));   // requiresGrad true
 *     const frozen = nn.Parameter(torch.zeros([3]), false);
 */
const PARAMETERS = new WeakSet<Tensor>();

export function isParameter(v: unknown): v is Tensor {
  return v instanceof Tensor && PARAMETERS.has(v);
}

export interface ParameterConstructor {
  new (data: Tensor, requiresGrad?: boolean): Tensor;
  (data: Tensor, requiresGrad?: boolean): Tensor;
}

/** Callable with or without `new`; both return the parameter Tensor. */
export const Parameter = function Parameter(data: Tensor, requiresGrad = true): Tensor {
  checkArity("nn.Parameter()", arguments, 2);
  // `{ requiresGrad: false }` would be truthy: a plain-JS slip that must not leave the parameter trainable.
  checkArg("nn.Parameter()", requiresGrad, "boolean", 2, "requiresGrad");
  Tensor.check(data, "data");
  const p = data.detach();
  p.requiresGrad_(requiresGrad);
  PARAMETERS.add(p);
  // PyTorch prints "Parameter containing:\ntensor(..., requires_grad=True)".
  Object.defineProperty(p, "toString", {
    value(this: Tensor) {
      return `Parameter containing:\n${Tensor.prototype.toString.call(this)}`;
    },
    enumerable: false,
  });
  return p;
} as unknown as ParameterConstructor;

Object.defineProperty(Parameter, Symbol.hasInstance, { value: (v: unknown) => isParameter(v) });

/** A parameter is a Tensor; the alias documents intent in signatures. */
export type Parameter = Tensor;
