import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { Tensor } from "../tensor/tensor.ts";
import { binaryRaw, reluGradRecorded } from "./binary.ts";
import { type ConvOptions, conv2dRectified } from "./conv.ts";

/**
 * relu(conv2d(x, W, b)) for a batched input, for a Conv2d followed by a ReLU whose output between them
 * no code can see (nn/chain.ts decides that). The backend rectifies inside its conv pass where it can
 * (backend/conv_passes.ts `fusesRelu`), before the output leaves its memory; ops/conv.ts falls back to one
 * relu kernel call. The graph is PyTorch's, ReluBackward0 over ConvolutionBackward0: the conv node stays
 * on a one-element placeholder (its backward reads x and W, never its output) and the result takes the
 * ReLU's node.
 */
export function conv2dRelu(x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions = {}): Tensor {
  const pre = conv2dRectified(x, weight, bias, opts);
  const ph = Tensor.fromStorage(new (pre.storage.constructor as Float32ArrayConstructor)(1), pre.dtype, pre.shape, pre.shape.map(() => 0));
  ph.gradFn = pre.gradFn;
  ph.requiresGrad = pre.requiresGrad;
  const saved = pre.detach();
  return record(pre, "ReluBackward0", [ph], (g) => [isGradEnabled() ? reluGradRecorded(g, saved) : binaryRaw("reluGrad", saved, g)], [saved]);
}
