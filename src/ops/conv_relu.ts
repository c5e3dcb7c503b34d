import { backend, optionalKernel } from "../backend/registry.ts";
import { isGradEnabled } from "../autograd/grad_mode.ts";
import { record } from "../autograd/record.ts";
import { Tensor } from "../tensor/tensor.ts";
import { binaryRaw, reluGradRecorded } from "./binary.ts";
import { type ConvOptions, conv2d } from "./conv.ts";

/**
 * relu(conv2d(x, W, b)) for a batched input, for a Conv2d followed by a ReLU whose output between them
 * no code can see (nn/chain.ts decides that). A backend whose conv passes take the `relu` flag
 * (backend/conv_passes.ts) rectifies each task's output inside the pass, before it leaves the backend's
 * memory; otherwise one relu kernel call rectifies the conv's fresh output in place. The graph is
 * PyTorch's, ReluBackward0 over ConvolutionBackward0: the conv node stays on a one-element placeholder
 * (its backward reads x and W, never its output) and the result takes the ReLU's node.
 */
export function conv2dRelu(x: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions = {}): Tensor {
  const passes = optionalKernel("convPasses");
  const ask = passes?.relu === false;
  let pre: Tensor;
  let fused = false;
  try {
    if (ask) passes.relu = true;
    pre = conv2d(x, weight, bias, opts);
    fused = ask && !passes.relu;
  } finally {
    // Declined (float64, small, ...) or thrown, the flag must not reach the next convolution.
    if (ask) passes.relu = false;
  }
  if (!fused) backend().unary("relu", pre.storage, pre.storage, pre.numel());
  const ph = Tensor.fromStorage(new (pre.storage.constructor as Float32ArrayConstructor)(1), pre.dtype, pre.shape, pre.shape.map(() => 0));
  ph.gradFn = pre.gradFn;
  ph.requiresGrad = pre.requiresGrad;
  const saved = pre.detach();
  return record(pre, "ReluBackward0", [ph], (g) => [isGradEnabled() ? reluGradRecorded(g, saved) : binaryRaw("reluGrad", saved, g)], [saved]);
}
