/**
 * Float64 finite-difference gradient checks of the CNN ops on tiny shapes, including non-contiguous
 * inputs (permuted inside the checked function). Max pooling uses well-separated values so no
 * perturbation changes which element wins.
 */
import { test } from "node:test";
import * as torch from "../../src/index.ts";
import * as F from "../../src/ops/cnn_index.ts";

type Tensor = ReturnType<typeof torch.tensor>;

torch.manualSeed(7);

function leaf(shape: number[], kind: "randn" | "distinct" = "randn"): Tensor {
  let data = torch.randn(shape, { dtype: "float64" }).toTypedArray() as Float64Array;
  if (kind === "distinct") {
    // A shuffled grid (spacing 0.25) so every window has a clear winner.
    const order = Array.from(data, (v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const out = new Float64Array(data.length);
    order.forEach(([, i], rank) => (out[i] = (rank - data.length / 2) * 0.25));
    data = out;
  }
  return torch.tensor(data, { dtype: "float64" }).reshape(shape).detach().requiresGrad_(true);
}

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
  test(`gradcheck ${name}`, () => {
    torch.autograd.gradcheck(fn, inputs);
  });
}

check("conv2d stride 2 padding 1 dilation [1,2] groups 2", (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1, dilation: [1, 2], groups: 2 }), [
  leaf([2, 4, 5, 4]),
  leaf([4, 2, 2, 2]),
  leaf([4]),
]);
check("conv2d same padding, even kernel", (x, w) => F.conv2d(x, w, null, { padding: "same" }), [leaf([1, 2, 4, 3]), leaf([2, 2, 2, 3])]);
check("conv2d 1x1 on a permuted input", (x, w, b) => F.conv2d(x.permute([0, 3, 1, 2]), w, b), [leaf([2, 3, 2, 3]), leaf([2, 3, 1, 1]), leaf([2])]);
check("conv2d depthwise unbatched", (x, w) => F.conv2d(x, w, null, { groups: 3, stride: [1, 2] }), [leaf([3, 4, 5]), leaf([3, 1, 2, 2])]);
check("conv1d dilation 2 padding 2", (x, w, b) => F.conv1d(x, w, b, { dilation: 2, padding: 2 }), [leaf([2, 2, 5]), leaf([3, 2, 2]), leaf([3])]);

check("maxPool2d k3 s2 p1 ceilMode", (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [leaf([2, 2, 6, 5], "distinct")]);
check("maxPool2d dilation 2 on a transposed input", (x) => F.maxPool2d(x.transpose(2, 3), 2, { stride: 1, dilation: 2 }), [leaf([1, 2, 5, 4], "distinct")]);
check("avgPool2d k3 s2 p1 ceil exclude pad", (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [leaf([1, 2, 6, 5])]);
check("avgPool2d k[2,3] include pad, divisor override", (x) => F.avgPool2d(x, [2, 3], { stride: [1, 2], padding: [1, 1], divisorOverride: 4 }), [leaf([2, 1, 4, 5])]);
check("adaptiveAvgPool2d overlapping windows", (x) => F.adaptiveAvgPool2d(x, [3, 4]), [leaf([2, 2, 5, 7])]);

check("batchNorm training (batch stats)", (x, w, b) => F.batchNorm(x, null, null, w, b, true), [leaf([3, 2, 2, 3]), leaf([2]), leaf([2])]);
check("batchNorm training without affine, 2-D input", (x) => F.batchNorm(x, null, null, null, null, true, 0.1, 1e-3), [leaf([4, 3])]);
{
  const rm = torch.randn([3], { dtype: "float64" });
  const rv = torch.rand([3], { dtype: "float64" }).add(0.5);
  check("batchNorm eval (running stats)", (x, w, b) => F.batchNorm(x, rm, rv, w, b, false), [leaf([2, 3, 2, 2]), leaf([3]), leaf([3])]);
}
check("layerNorm over two dims", (x, w, b) => F.layerNorm(x, [2, 3], w, b), [leaf([2, 2, 3]), leaf([2, 3]), leaf([2, 3])]);
check("layerNorm without affine on a transposed input", (x) => F.layerNorm(x.t(), 3), [leaf([3, 4])]);

check("pad constant with cropping", (x) => F.pad(x, [1, -1, 2, 0], { value: 0.5 }), [leaf([2, 3, 4])]);
check("pad reflect", (x) => F.pad(x, [2, 1, 1, 2], { mode: "reflect" }), [leaf([1, 2, 3, 4])]);
check("pad replicate", (x) => F.pad(x, [2, 1], { mode: "replicate" }), [leaf([2, 3, 3])]);
check("pad circular", (x) => F.pad(x, [1, 2, 2, 1], { mode: "circular" }), [leaf([1, 1, 3, 4])]);

check("featureDropout with a fixed mask", (x) => F.featureDropout(x, 0.5, true, new torch.Generator(3)), [leaf([2, 4, 2, 2])]);
