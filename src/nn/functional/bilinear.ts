import { ShapeError } from "../../errors.ts";
import { checkArity } from "../../options.ts";
import { Tensor } from "../../tensor/tensor.ts";

/**
 * F.bilinear(input1, input2, weight, bias = null): y[..., o] = sum_ij x1[..., i] W[o, i, j] x2[..., j] + b[o],
 * inputs [..., in1] and [..., in2] with the same leading dims, weight [out, in1, in2]. Composed as one
 * matmul (x1 against W laid out [in1, out*in2]) and a product with x2 summed over in2, so the
 * gradients come from those ops.
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkArity("F.bilinear()", arguments, 4);
  Tensor.check(input1, "input1");
  Tensor.check(input2, "input2");
  Tensor.check(weight, "weight");
  if (bias !== null) Tensor.check(bias, "bias");
  if (input1.ndim !== input2.ndim) throw new ShapeError(`bilinear(): input dimensions do not match: got ${input1.ndim} and ${input2.ndim}`);
  for (let d = 0; d < input1.ndim - 1; d++) {
    if (input1.shape[d] !== input2.shape[d]) {
      throw new ShapeError(`bilinear(): input batch dimensions do not match at dim ${d}: got ${input1.shape[d]} and ${input2.shape[d]}`);
    }
  }
  if (weight.ndim !== 3) throw new ShapeError(`bilinear(): weight must be 3-dimensional [out, in1, in2], got ${weight.ndim} dimensions`);
  const [out, in1, in2] = weight.shape as [number, number, number];
  if (input1.shape.at(-1) !== in1) throw new ShapeError(`bilinear(): input1 size does not match weight size: got ${input1.shape.at(-1)} but expected ${in1}`);
  if (input2.shape.at(-1) !== in2) throw new ShapeError(`bilinear(): input2 size does not match weight size: got ${input2.shape.at(-1)} but expected ${in2}`);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out)) {
    throw new ShapeError(`bilinear(): bias size does not match weight size: got ${bias.shape.at(-1)} but expected ${out}`);
  }
  const lead = input1.shape.slice(0, -1);
  const x1 = input1.reshape([-1, in1]);
  const x2 = input2.reshape([-1, in2]);
  const t = x1.matmul(weight.permute([1, 0, 2]).reshape([in1, out * in2])).reshape([-1, out, in2]);
  let y = t.mul(x2.unsqueeze(1)).sum(2);
  if (bias !== null) y = y.add(bias);
  return y.reshape([...lead, out]);
}
