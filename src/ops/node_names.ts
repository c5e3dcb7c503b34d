/**
 * PyTorch's autograd node names for the table ops (what `grad_fn.name()` prints): the op's name in
 * PyTorch's CamelCase with "Backward" and the overload number of the ATen function that ran. Most table
 * ops have one overload (0); the exceptions are written out below, checked against PyTorch 1.13 by
 * test/autograd/node_names.test.ts.
 */
import { Tensor } from "../tensor/tensor.ts";

const camel = (op: string): string => `${op[0]!.toUpperCase()}${op.slice(1)}`;

/** Kernel variants (squareInt32, log1pFloat32, mulInt64) named by the op they implement. */
const base = (op: string): string => op.replace(/(Int32|Int64|Float32)$/, "");

const UNARY: Record<string, string> = {
  // x.square() is pow(x, 2) in ATen.
  square: "PowBackward0",
  log1p: "Log1PBackward0",
  geluGrad: "GeluBackwardBackward0",
  deg2rad: "Deg2RadBackward0",
  rad2deg: "Rad2DegBackward0",
};

export function unaryNodeName(op: string): string {
  const b = base(op);
  return UNARY[b] ?? `${camel(b)}Backward0`;
}

/**
 * pow(Tensor, Scalar) is overload 0 and pow(Tensor, Tensor) overload 1 (a number base is wrapped into
 * a tensor, overload 1 too); remainder(Tensor, Tensor) is overload 1.
 */
export function binaryNodeName(op: string, _a: unknown, b: unknown): string {
  const o = base(op);
  if (o === "pow") return b instanceof Tensor ? "PowBackward1" : "PowBackward0";
  if (o === "remainder" || o === "fmod" || o === "clampMin" || o === "clampMax") return `${camel(o)}Backward${b instanceof Tensor ? 1 : 0}`;
  if (o === "ldexp") return "MulBackward0";
  return `${camel(o)}Backward0`;
}
